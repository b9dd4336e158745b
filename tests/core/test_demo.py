"""`pufa seed-demo` builds the demo district and is idempotent."""

from __future__ import annotations

from django.core.management import call_command

from pufa.core.models import AuditEntry
from pufa.org.models import Membership, Region, Unit, User


def counts() -> tuple[int, ...]:
    from pufa.assessment.models import Appeal, Draw, Finding, Scheme, Score, SelfAssessment

    return (
        Region.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
        *(m.objects.count() for m in (Scheme, SelfAssessment, Draw, Finding, Score, Appeal)),
    )


def check_assessment_demo() -> None:
    """This year's scheme has its appeal waiting; last year's is published with grade bands, and its ranking
    and circular (as the office reads them) agree."""
    import io

    import docx
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from pufa.assessment import selectors
    from pufa.assessment.models import Appeal, Scheme

    year = timezone.localdate().year
    current = Scheme.objects.get(year=year)
    assert current.status == "published" and current.appeals.filter(status=Appeal.Status.PENDING).count() == 1
    done = Scheme.objects.get(year=year - 1)
    assert done.status == "released" and done.released_at is not None and done.released_at.year == year - 1
    assert done.appeals.get().status == Appeal.Status.UPHELD
    office = User.objects.get(username="tuohe_fzb")
    counts = selectors.band_counts(actor=office, scheme=done)
    used = {name for rows in counts.values() for name, n in rows if n}
    assert len(used) >= 3, counts  # the ranking spreads over the bands
    client = Client()
    client.force_login(office)
    page = client.get(reverse("assessment:ranking", args=[done.pk])).content.decode()
    circular = client.get(reverse("reports:assessment-circular", args=[done.pk, "docx"]))
    assert circular.status_code == 200
    document = docx.Document(io.BytesIO(b"".join(circular.streaming_content)))  # type: ignore[attr-defined]
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    for group_rows in selectors.ranking(actor=office, scheme=done, limit=None).values():
        for row in group_rows[1]:
            assert row.unit in page and row.unit in text and row.band in page


def test_seed_demo_builds_district_and_is_idempotent(db, capsys):
    call_command("seed_demo")
    first = counts()
    assert Region.objects.filter(name="沱河街道", level="street").exists()
    for alias in [
        "法治办",
        "宣传办",
        "司法所",
        "派出所",
        "信访办",
        "市监所",
        "环保办",
        "妇联",
        "社保所",
        "应急办",
        "民政所",
        "卫计办",
        "土地所",
        "党政办",
        "团委",
        "工会",
    ]:
        assert any(alias in u.aliases for u in Unit.objects.filter(region__name="沱河街道")), alias
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"office", "liaison", "inspector", "member"}
    assert "tuohe_sfs" in capsys.readouterr().out
    # Pages no longer recompute statuses: the demo leaves them computed for today.
    from django.utils import timezone

    from pufa.progress.models import ProgressStatus

    assert ProgressStatus.objects.exists()
    assert not ProgressStatus.objects.exclude(computed_on=timezone.localdate()).exists()
    call_command("seed_demo", "--quiet-logins")
    assert counts() == first
    check_assessment_demo()  # last: downloading the circular is itself audited
