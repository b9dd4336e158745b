"""The schema and the docs page: OpenAPI 3.1 with Chinese descriptions, both public (they hold no data),
the docs page built from local files only, under the site's CSP."""

from __future__ import annotations

import re


def test_schema_is_openapi_31_in_chinese_with_both_ways_in(client):
    schema = client.get("/api/schema/").json()
    assert schema["openapi"].startswith("3.1") and schema["info"]["title"] == "普法工作平台数据接口"
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "BrowserSession"}
    create = schema["paths"]["/api/activities/"]["post"]
    assert create["summary"] == "登记活动" and {"201", "401", "403", "404", "409", "422", "429"} <= set(
        create["responses"]
    )
    fields = schema["components"]["schemas"]["ActivityCreateIn"]["properties"]
    assert fields["title"]["description"] == "活动名称"


def test_docs_page_loads_nothing_from_another_host_and_keeps_the_csp(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    # No inline script: the only <script> without src is the JSON settings block (not executed).
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' id="swagger-settings" type="application/json"'], inline
    assert '"validatorUrl": null' in html and '"/api/schema/"' in html
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
