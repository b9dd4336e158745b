"""The data interface's docs page in a real browser: Swagger UI renders every operation from pufa's own
static files, under the site's CSP, with no request to another host (the `page` fixture checks that)."""

from __future__ import annotations

from playwright.sync_api import expect


def test_docs_page_renders_locally_under_the_csp(page, live_server, world):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/activities/" in paths and "/api/activities/{pk}/submit/" in paths
    assert "普法工作平台数据接口" in page.content() and "登记活动" in page.content()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
