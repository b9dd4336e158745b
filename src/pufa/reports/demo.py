"""The reports part of the demo district: half-year reports of 沱河街道's communities in each workflow state
(one accepted, one submitted and waiting for review, one draft), drafted by pufa from the demo ledger and
written up by the demo liaisons, and a published circular of the street office."""

from __future__ import annotations

from django.utils import timezone

from pufa.org.models import Unit, User
from pufa.reports import services
from pufa.reports.models import Circular, Period, Report

PRACTICES = {
    "tuohe-tuohe": (
        "（一）抓住重要节点开展集中宣传。围绕“3·15”国际消费者权益日、全民国家安全教育日和民法典宣传月，"
        "在社区广场设立咨询台，联合司法所、派出所开展集中宣传，发放宣传资料，现场解答群众咨询。\n"
        "（二）以案释法贴近群众需求。邀请社区法律顾问结合婚姻家庭、邻里纠纷等身边案例开展以案释法，"
        "引导居民依法表达诉求、化解矛盾。\n"
        "（三）发挥法律明白人作用。组织法律明白人参加培训，参与矛盾纠纷排查和法治宣传，"
        "做到小事不出网格、大事不出社区。"
    ),
    "tuohe-taoyuan": (
        "（一）开展“法律进小区”活动。依托小区议事会和楼栋长，利用周末组织法治课，宣讲民法典物业服务合同、"
        "相邻关系等与居民生活密切相关的内容。\n"
        "（二）加强青少年法治教育。联合辖区学校开展模拟法庭、法治手抄报等活动，增强青少年法治意识。"
    ),
}
PLANS = {
    "tuohe-tuohe": "下半年，我社区将紧扣宪法宣传周等节点，继续开展“法律进小区”活动，"
    "加强法律明白人队伍建设，推动每季度法治课常态化。",
    "tuohe-taoyuan": "下一步，我社区将针对进度滞后的任务逐项整改，确保每季度至少开展一堂法治课，"
    "按期完成全年普法工作任务。",
}

PROBLEMS = {
    "tuohe-tuohe": "一是法治宣传栏更新不够及时，上半年有几个月未按要求更新；"
    "二是面向青少年和外来务工人员的普法覆盖面仍需扩大。",
    "tuohe-taoyuan": "一是法治宣传栏更新不及时，全年任务进度滞后；二是普法活动形式较为单一，以集中宣讲为主。",
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _write(report: Report, author: User, code: str) -> Report:
    if not report.is_editable:
        return report
    return services.report_update(
        actor=author,
        report=report,
        title=report.title,
        intro=report.intro,
        # The liaison's own text replaces pufa's seeded prose, as a liaison rewrites a draft before submitting.
        practices=PRACTICES.get(code) or report.practices,
        problems=PROBLEMS.get(code) or report.problems,
        plans=PLANS.get(code) or report.plans or "下一步，我单位将对照年度普法工作要点，按期完成各项普法任务。",
    )


def seed_reports() -> None:
    """Idempotent: reports that exist are left as they are."""
    today = timezone.localdate()
    year = today.year if today.month >= 7 else today.year - 1
    office = _user("tuohe_fzb")
    steps = [
        ("tuohe-tuohe", "tuohe_sq", "accepted"),
        ("tuohe-taoyuan", "taoyuan_sq", "submitted"),
        ("tuohe-sfs", "tuohe_sfs", "draft"),
    ]
    for code, username, state in steps:
        unit = Unit.objects.filter(code=code).first()
        author = _user(username)
        if unit is None or author is None:
            continue
        if Report.objects.filter(kind=Report.Kind.UNIT, unit=unit, period=Period.H1, year=year).exists():
            continue
        report = services.report_start(actor=author, unit=unit, period=Period.H1, year=year, today=today)
        if state == "draft":
            continue
        _write(report, author, code)
        services.report_submit(actor=author, report=report, today=today)
        if state == "accepted" and office is not None:
            services.report_accept(actor=office, report=report, comment="数据详实，做法具体，同意。")
    street_office = Unit.objects.filter(code="tuohe-fzb").first()
    if (
        street_office is not None
        and office is not None
        and not Circular.objects.filter(issuing_unit=street_office).exists()
    ):
        circular = services.circular_draft(actor=office, issuing_unit=street_office, today=today)
        if circular.data.get("units"):
            services.circular_update(
                actor=office,
                circular=circular,
                title=circular.title,
                number=f"沱法治办〔{today.year}〕1号",
                intro=circular.intro,
                requirements=circular.requirements,
            )
            services.circular_publish(actor=office, circular=circular)
