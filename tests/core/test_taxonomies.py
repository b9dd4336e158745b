"""The reference lists kept in each process's memory (core.taxonomies) and the options tag that draws them:
a change made anywhere is seen on the next read, and a select's options are what the template loop drew."""

from __future__ import annotations

from django.template import Context, Template

from pufa.core import taxonomies
from pufa.core.models import ActivityKind, Audience, Domain


def _names(terms: tuple[taxonomies.Term, ...]) -> list[str]:
    return [t.name for t in terms]


def test_the_lists_follow_every_saved_change_without_a_version_to_bump(db):
    kinds, domains, audiences = taxonomies.terms()
    assert _names(kinds) == list(ActivityKind.objects.values_list("name", flat=True))
    assert _names(domains) == list(Domain.objects.values_list("name", flat=True))
    assert _names(audiences) == list(Audience.objects.values_list("name", flat=True))
    assert taxonomies.terms()[0] is kinds  # kept, not read again

    # Renamed (another process's save() would do the same): the fingerprint moves, the list is read again.
    kind = ActivityKind.objects.get(pk=kinds[0].pk)
    kind.name = "改名后的形式"
    kind.save()
    assert taxonomies.terms()[0][0].name == "改名后的形式"

    Domain.objects.create(name="新增领域", code="xinzeng", sort_order=999)
    assert taxonomies.terms()[1][-1].code == "xinzeng"

    retired = Audience.objects.get(pk=audiences[0].pk)
    retired.is_active = False
    retired.save()
    assert taxonomies.terms()[2][0].is_active is False  # retired rows stay listed (old records keep labels)


def test_the_options_tag_draws_what_the_loop_drew():
    template = Template("{% load pufa %}{% options items selected value='code' %}")
    items = [
        taxonomies.Term(1, "a", "甲<乙>", True),
        taxonomies.Term(2, "b&c", "丙", True),
        taxonomies.Term(3, "d", "丁", True),
    ]
    html = template.render(Context({"items": items, "selected": ["b&c", "d"]}))
    assert html == (
        '<option value="a">甲&lt;乙&gt;</option>'
        '<option value="b&amp;c" selected>丙</option>'
        '<option value="d" selected>丁</option>'
    )
    one = Template("{% load pufa %}{% options items chosen.pk %}")
    assert one.render(Context({"items": items, "chosen": items[1]})).count(" selected") == 1
    assert " selected" not in one.render(Context({"items": items, "chosen": None}))
