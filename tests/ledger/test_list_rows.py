"""The list's rows are read as plain values (selectors.ListRow) and drawn by a tag (ledger_list.activity_cells)
for speed: its cells must be the markup the template loop with its per-row include drew from the activity
records, for every kind of row."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from pufa.ledger.selectors import ListRow

#: The row as the template drew it before the tag (with the status include inlined).
LOOP = (
    "{% load pufa %}"
    '<td data-label="日期" class="text-nowrap">{{ a.date|cn_date }}</td>'
    '<td data-label="活动"><a href="{% url \'ledger:activity-detail\' a.pk %}">{{ a.title }}</a>'
    '{% if a.is_highlight %} <span class="badge pufa-badge-highlight">典型</span>{% endif %}</td>'
    '<td data-label="形式" class="d-none d-sm-table-cell">{{ a.kind.name }}</td>'
    '<td data-label="组织单位">{{ a.unit.name }}{% with co=a.co_organisers %}{% if co %}'
    '<span class="pufa-muted small d-block">协办：{% for u in co %}{{ u.name }}{% if not forloop.last %}、'
    "{% endif %}{% endfor %}</span>{% endif %}{% endwith %}</td>"
    '<td data-label="受众" class="text-end">{{ a.people_total }}</td>'
    '<td data-label="状态">{% if a.deleted_at %}<span class="badge pufa-ledger-status '
    'pufa-ledger-status-deleted" data-testid="activity-status">已删除</span>{% else %}<span class="badge '
    'pufa-ledger-status pufa-ledger-status-{{ a.status }}" data-testid="activity-status">'
    "{{ a.get_status_display }}</span>{% endif %}</td>"
    '<td data-label="材料" class="d-none d-sm-table-cell">{{ a.evidence_count|default:"—" }}</td>'
)


def _activity(**changes: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "pk": 42,
        "date": dt.date(2026, 3, 15),
        "title": "民法典进社区 <第1期> & 问答",
        "is_highlight": False,
        "kind": SimpleNamespace(name="集中宣传"),
        "unit": SimpleNamespace(name="桃园社区居委会"),
        "co_organisers": [],
        "people_total": 120,
        "deleted_at": None,
        "status": "submitted",
        "get_status_display": lambda: "已提交",
        "evidence_count": 0,
    }
    values.update(changes)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"is_highlight": True, "evidence_count": 3},
        {"co_organisers": [SimpleNamespace(name="沱河街道司法所"), SimpleNamespace(name="A&B 学校")]},
        {"deleted_at": dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC), "status": "confirmed"},
        {"status": "returned", "get_status_display": lambda: "已退回"},
        {"status": "draft", "get_status_display": lambda: "草稿"},
    ],
)
def test_the_tag_draws_the_cells_the_template_drew(changes):
    a = _activity(**changes)
    row = ListRow(
        pk=a.pk,
        date=a.date,
        title=a.title,
        is_highlight=a.is_highlight,
        people_total=a.people_total,
        deleted_at=a.deleted_at,
        status=a.status,
        kind_name=a.kind.name,
        unit_name=a.unit.name,
        co_organisers=[u.name for u in a.co_organisers],
        evidence_count=a.evidence_count,
    )
    drawn = Template("{% load ledger_list %}{% activity_cells a %}").render(Context({"a": row}))
    assert drawn == Template(LOOP).render(Context({"a": a}))
    assert "&lt;第1期&gt; &amp; 问答" in drawn and "/ledger/42/" in drawn
