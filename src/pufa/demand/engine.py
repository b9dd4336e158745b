"""The classifier and place matcher built from the database: the active trained model (else the model
trained from the seed corpus, cached per process), the keyword rules that apply to an office's region, and
the regions and gazetteer below it. `classify_orders` writes domain and place on orders, leaving alone what
an office corrected by hand."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.conf import settings

from pufa.core.models import Domain
from pufa.demand import classifier, places
from pufa.demand.models import GazetteerEntry, KeywordRule, TrainedModel, WorkOrder
from pufa.org.access import ancestor_paths
from pufa.org.models import Region

#: Orders classified below this confidence (domain or place) wait in the review queue.
DEFAULT_REVIEW_BELOW = 0.4


def review_below() -> float:
    """The review threshold (setting PUFA_DEMAND_REVIEW_BELOW; measured on the tests' labelled set: at 0.4
    a quarter of the orders are reviewed and 2 of 160 wrong domains pass unreviewed)."""
    return float(getattr(settings, "PUFA_DEMAND_REVIEW_BELOW", DEFAULT_REVIEW_BELOW))


@functools.lru_cache(maxsize=1)
def seed_model() -> classifier.Model:
    """The model trained on the seed corpus shipped with the app (about 1.5 s, once per process)."""
    rows = classifier.read_labelled(classifier.SEED_CORPUS)
    return classifier.train([t for _, t in rows], [d for d, _ in rows])


def current_model() -> classifier.Model:
    row = TrainedModel.objects.filter(is_active=True).order_by("-created_at", "-id").first()
    return classifier.Model.from_json(row.data) if row is not None else seed_model()


def rules_for(region: Region | None) -> list[classifier.Rule]:
    """The default rules and, for an office's region, the rules of that region and the regions above it."""
    rows = KeywordRule.objects.filter(is_active=True, domain__is_active=True).select_related("domain")
    if region is None:
        rows = rows.filter(region__isnull=True)
    else:
        rows = rows.filter(region__isnull=True) | rows.filter(region__path__in=ancestor_paths(region.path))
    return [classifier.Rule(r.domain.code, classifier.split_keywords(r.keywords), r.weight) for r in rows]


def build_classifier(region: Region | None) -> classifier.Classifier:
    return classifier.Classifier(current_model(), rules_for(region))


def build_matcher(region: Region | None) -> places.Matcher:
    """Names of the regions at and below `region` (every region when None) and their gazetteer entries."""
    regions = Region.objects.filter(deleted_at__isnull=True)
    entries = GazetteerEntry.objects.all()
    if region is not None:
        regions = regions.filter(path__startswith=region.path)
        entries = entries.filter(region__path__startswith=region.path)
    names = places.region_names(regions.exclude(level=Region.Level.GROUP).values_list("id", "name"))
    names += [places.Name(n, r, k) for n, r, k in entries.values_list("name", "region_id", "kind")]
    return places.Matcher(names)


def domain_ids() -> dict[str, int]:
    return dict(Domain.objects.values_list("code", "id"))


def classify_orders(orders: Iterable[WorkOrder], region: Region | None) -> None:
    """Set domain and place (with confidences) on unsaved or saved orders, in memory; manual values stay."""
    clf, matcher, ids = build_classifier(region), build_matcher(region), domain_ids()
    for order in orders:
        if not order.domain_manual:
            prediction = clf.predict(order.text)
            order.domain_id = ids.get(prediction.domain)
            order.domain_confidence = prediction.confidence if order.domain_id else 0.0
        if not order.place_manual:
            place = matcher.match(order.address, order.text)
            order.place_id = place.region_id
            order.place_confidence = place.confidence


def current_model_row() -> TrainedModel | None:
    """The trained model in use, or None while the seed model is."""
    return TrainedModel.objects.filter(is_active=True).order_by("-created_at", "-id").first()
