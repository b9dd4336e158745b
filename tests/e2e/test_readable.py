"""What people read on the main pages (issue 12 §5, §7), in a real browser over the demo district:

- no internal code shows in the visible text of any page an office or a liaison opens (`duties.list.submit`,
  `ledger.activity_count` …);
- on a 375-px phone no label is squeezed into a column one character wide (组/织/单/位, 普/法/内/容), and
  no filter cuts its own text short (全部年…).
"""

from __future__ import annotations

import re

from django.core.management import call_command
from django.urls import reverse

from pufa.org.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+(\.[a-z_]+)?\b")


def seed() -> None:
    call_command("seed_demo", verbosity=0)


def main_pages(role: str) -> list[str]:
    """The pages of the main workflows, with one record of each kind from the demo."""
    from pufa.duties.models import DutyList
    from pufa.ledger.models import Activity
    from pufa.plans.models import Plan, Target
    from pufa.reports.models import Circular, Report

    target = Target.objects.filter(metric__contains=".").select_related("task").first()
    assert target is not None, "the demo has a target with a metric"
    task = target.task
    pages = [
        reverse("home"),
        reverse("plans:plan-list"),
        reverse("plans:plan-detail", args=[Plan.objects.first().pk]),
        reverse("plans:task-detail", args=[task.pk]),
        reverse("ledger:activity-list"),
        reverse("ledger:activity-detail", args=[Activity.objects.filter(unit__code="tuohe-tuohe").first().pk]),
        reverse("duties:index"),
        reverse("duties:list-detail", args=[DutyList.objects.filter(unit__code="tuohe-tuohe").first().pk]),
        reverse("reports:report-list"),
        reverse("reports:report-detail", args=[Report.objects.filter(unit__code="tuohe-tuohe").first().pk]),
        reverse("reports:circular-list"),
        reverse("reports:circular-detail", args=[Circular.objects.first().pk]),
        reverse("progress:dashboard"),
        reverse("notification-list"),
    ]
    if role == "office":
        pages += [reverse("org:audit-list"), reverse("reports:report-overview"), reverse("progress:status-list")]
    return pages


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


def test_no_internal_codes_show_on_the_main_pages(page, live_server):
    seed()
    leaks = []
    for username, role in (("tuohe_fzb", "office"), ("tuohe_sq", "liaison")):
        page.context.clear_cookies()
        login(page, live_server, username, DEMO_PASSWORD)
        for path in main_pages(role):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (role, path, response.status)
            title = page.title()
            assert title.endswith("普法工作平台") and "pufa" not in title, title
            found = {m.group(0) for m in DOTTED.finditer(visible_text(page))}
            leaks += [(role, path, code) for code in found]
    assert not leaks, leaks


#: For every label on the page — the data-label a stacked table cell shows before its value, and every
#: short text of a label-like element — how many characters it shows per line. A label of two or more
#: characters shown one character a line is squeezed.
SQUEEZED_LABELS = """() => {
  const found = [];
  const oneCharPerLine = (width, text, fontSize) => text.length >= 2 && width > 0 && width < 1.9 * fontSize;
  for (const cell of document.querySelectorAll("td[data-label]")) {
    if (!cell.offsetParent) continue;
    const before = getComputedStyle(cell, "::before");
    if (before.content === "none" || before.display === "none") continue;
    const text = cell.getAttribute("data-label");
    const width = parseFloat(before.width);
    if (oneCharPerLine(width, text, parseFloat(before.fontSize))) found.push(`${text} (${width}px)`);
  }
  for (const el of document.querySelectorAll("th, dt, label, .form-label, legend, .label, td:first-child")) {
    if (!el.offsetParent) continue;
    const text = el.innerText.trim();
    if (!text || text.length > 12 || text.includes("\\n")) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    if (text.length >= 2 && tops.size >= text.length) found.push(`${text} (${tops.size} lines)`);
  }
  for (const select of document.querySelectorAll("select")) {
    if (!select.offsetParent) continue;
    const option = select.options[select.selectedIndex];
    if (!option) continue;
    const probe = document.createElement("span");
    const style = getComputedStyle(select);
    probe.style.font = style.font;
    probe.style.position = "absolute";
    probe.style.whiteSpace = "nowrap";
    probe.textContent = option.text;
    document.body.appendChild(probe);
    const needed = probe.getBoundingClientRect().width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    probe.remove();
    if (needed > select.clientWidth + 1) found.push(`select “${option.text}” cut (${select.clientWidth}px)`);
  }
  return found;
}"""


def test_phone_labels_are_never_squeezed_to_one_character_a_line(phone_page, live_server):
    seed()
    problems = []
    for username, role in (("tuohe_sq", "liaison"), ("tuohe_fzb", "office")):
        phone_page.context.clear_cookies()
        login(phone_page, live_server, username, DEMO_PASSWORD)
        for path in main_pages(role):
            phone_page.goto(f"{live_server.url}{path}")
            problems += [(role, path, p) for p in phone_page.evaluate(SQUEEZED_LABELS)]
    assert not problems, "\n".join(map(str, problems))
