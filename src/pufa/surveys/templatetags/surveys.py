"""Small template helpers of the survey pages."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def given(values: dict[str, list[str]], key: str) -> list[str]:
    """The raw values a respondent sent for one field (kept when the page is shown again with errors)."""
    return values.get(key, []) if isinstance(values, dict) else []


@register.filter
def errors_for(errors: dict[str, list[str]], key: str) -> list[str]:
    return errors.get(key, []) if isinstance(errors, dict) else []


@register.simple_tag
def community_options(communities: Any, selected: Any) -> str:
    """The <option>s of the community question, built in one pass: a city-wide survey offers every community of
    the city (2,500), and a template loop (or format_html per option) over them cost 30-45 ms of CPU per
    answering page — the page every phone opens — where this costs about one. Ids are integers; names escaped."""
    chosen = str(selected or "")
    return mark_safe(  # noqa: S308  (every name goes through escape(); ids are ints)
        "".join(
            f'<option value="{int(pk)}"{" selected" if str(pk) == chosen else ""}>{html.escape(name)}</option>'
            for pk, name in communities
        )
    )


@register.simple_tag
def literacy_rows(rows: Any, quarters: Any) -> str:
    """The rows of the 法治素养 index (one per community, a cell per quarter: mean score and responses), built in
    one pass: a city's 2,500 communities × 4 quarters through template loops cost most of the page. Names are
    escaped; the numbers are a float and an int."""
    labels = [html.escape(q) for q in quarters]
    out = []
    for row in rows:
        cells = "".join(
            f'<td data-label="{labels[i]}">{f"<strong>{mean}</strong>（{n}）" if n else "—"}</td>'
            for i, (mean, n) in enumerate(row.cells)
        )
        out.append(f'<tr data-testid="literacy-row"><td data-label="社区">{html.escape(row.name)}</td>{cells}</tr>')
    return mark_safe("".join(out))  # noqa: S308  (names escaped; the rest is numbers)


@register.simple_tag
def group_rows(groups: Any, *, own_link: bool = False) -> str:
    """The rows of the results' tables by community and by audience, built in one pass: a city-wide survey has
    2,500 communities, and the template loop over them cost most of the results page (PostgreSQL, 100,000
    responses: about 60% of its CPU). `own_link`: a community's name links to the results of that community.
    Names and links are escaped (the standard library's escape: Django's, made for lazy strings, cost more
    than the rest of a row); the numbers are ints and a float, shown without localisation as the page does."""
    out = []
    for g in groups:
        name = html.escape(g.name)
        if own_link and g.id:
            name = f'<a href="?community={int(g.id)}">{name}</a>'
        count = f'<a href="{html.escape(g.url)}">{int(g.count)}</a>' if g.url else str(int(g.count))
        mean = "—" if g.mean_score is None else str(g.mean_score)
        out.append(f"<tr><td>{name}</td><td>{count}</td><td>{mean}</td></tr>")
    if not out:
        return mark_safe('<tr><td colspan="3" class="pufa-muted">暂无答卷。</td></tr>')
    return mark_safe("".join(out))  # noqa: S308  (names and links escaped; the rest is numbers)


@register.filter
def as_str(value: Any) -> str:
    return str(value)


@register.filter
def joined(values: Any) -> str:
    return ",".join(str(v) for v in values)
