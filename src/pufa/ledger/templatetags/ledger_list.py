"""The ledger list's rows, built in Python: a page of 30 rows drawn by template tags, filters and an include
per row was the largest part of the page's cost (about 5 ms of its 30, bench city); the same cells built
here cost a fifth of that. The markup is the template's, cell for cell (tests/ledger check it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe

from pufa.core.chinese import cn_date

register = template.Library()

_PK = 987654321987654321  # a placeholder id: the detail URL is reversed once per page, not once per row


@register.simple_tag(takes_context=True)
def activity_cells(context: template.Context, a: Any) -> SafeString:
    """The `<td>`s of one activity's row (`a`: a `selectors.ListRow`, its `evidence_count` set by the view)."""
    url = context.render_context.get("ledger_detail_url")
    if url is None:
        url = context.render_context["ledger_detail_url"] = reverse("ledger:activity-detail", args=[_PK]).split(
            str(_PK)
        )
    highlight = ' <span class="badge pufa-badge-highlight">典型</span>' if a.is_highlight else ""
    names = "、".join(str(escape(name)) for name in a.co_organisers)
    co_html = f'<span class="pufa-muted small d-block">协办：{names}</span>' if a.co_organisers else ""
    code, label = ("deleted", "已删除") if a.deleted_at else (escape(a.status), escape(a.get_status_display()))
    status = (
        f'<span class="badge pufa-ledger-status pufa-ledger-status-{code}" data-testid="activity-status">{label}</span>'
    )
    cells = (
        f'<td data-label="日期" class="text-nowrap">{cn_date(a.date)}</td>'
        f'<td data-label="活动"><a href="{url[0]}{a.pk}{url[1]}">{escape(a.title)}</a>{highlight}</td>'
        f'<td data-label="形式" class="d-none d-sm-table-cell">{escape(a.kind_name)}</td>'
        f'<td data-label="组织单位">{escape(a.unit_name)}{co_html}</td>'
        f'<td data-label="受众" class="text-end">{a.people_total}</td>'
        f'<td data-label="状态">{status}</td>'
        f'<td data-label="材料" class="d-none d-sm-table-cell">{a.evidence_count or "—"}</td>'
    )
    return mark_safe(cells)  # noqa: S308 - every text from the record is escaped above
