"""The classifier's quality on the labelled set the tests keep (tests/data/demand/labelled_orders.tsv: 160
orders written for the tests, 16 in each of 10 domains, none of them in the seed corpus the model learns from).

Measured (pure-Python model, this machine): model alone macro-F1 0.856; model with the default keyword rules
0.914; with a review threshold of 0.4 a quarter of the orders wait for review and 2 of 160 wrong domains pass.
Floors: 0.80 for the full classifier — the accuracy the issue measured for the same method on 495 real 问政
messages, which are noisier than written texts, so falling below it means the classifier broke, not that the
texts are hard — and 0.75 for the model without rules (the jieba-word baseline of the same measurement).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pufa.demand import classifier

LABELLED = Path(__file__).resolve().parents[1] / "data" / "demand" / "labelled_orders.tsv"
RULES = Path(classifier.__file__).with_name("data") / "default_rules.tsv"


@pytest.fixture(scope="module")
def model() -> classifier.Model:
    rows = classifier.read_labelled(classifier.SEED_CORPUS)
    return classifier.train([t for _, t in rows], [d for d, _ in rows])


@pytest.fixture(scope="module")
def labelled() -> list[tuple[str, str]]:
    return classifier.read_labelled(LABELLED)


def default_rules() -> list[classifier.Rule]:
    return [classifier.Rule(d, classifier.split_keywords(k), 0.5) for d, k in classifier.read_labelled(RULES)]


def test_the_labelled_set_is_large_balanced_and_apart_from_the_training_corpus(labelled):
    seed = {t for _, t in classifier.read_labelled(classifier.SEED_CORPUS)}
    domains = {d for d, _ in labelled}
    assert len(labelled) >= 150 and len(domains) == 10
    assert min(sum(1 for d, _ in labelled if d == x) for x in domains) >= 15
    assert not seed & {t for _, t in labelled}


def test_macro_f1_of_the_model_alone_is_above_its_floor(model, labelled):
    clf = classifier.Classifier(model)
    predicted = [clf.predict(t).domain for _, t in labelled]
    assert classifier.macro_f1([d for d, _ in labelled], predicted) >= 0.75


def test_macro_f1_with_the_default_rules_is_above_its_floor_and_better_than_the_model(model, labelled):
    gold = [d for d, _ in labelled]
    alone = classifier.macro_f1(gold, [classifier.Classifier(model).predict(t).domain for _, t in labelled])
    both = classifier.macro_f1(
        gold, [classifier.Classifier(model, default_rules()).predict(t).domain for _, t in labelled]
    )
    assert both >= 0.80
    assert both > alone


def test_low_confidence_catches_most_mistakes(model, labelled):
    """At the default review threshold, at most 5 % of the set is a wrong domain that nobody reviews."""
    from pufa.demand.engine import DEFAULT_REVIEW_BELOW

    clf = classifier.Classifier(model, default_rules())
    predictions = [(d, clf.predict(t)) for d, t in labelled]
    unreviewed_wrong = sum(1 for d, p in predictions if p.domain != d and p.confidence >= DEFAULT_REVIEW_BELOW)
    reviewed = sum(1 for _, p in predictions if p.confidence < DEFAULT_REVIEW_BELOW)
    assert unreviewed_wrong <= 0.05 * len(labelled)
    assert reviewed <= 0.4 * len(labelled)  # the queue stays a queue, not the whole import


def test_speed_is_measured_in_orders_per_second(model, labelled):
    clf = classifier.Classifier(model, default_rules())
    texts = [t for _, t in labelled] * 5
    started = time.process_time()
    for text in texts:
        clf.predict(text)
    rate = len(texts) / max(time.process_time() - started, 1e-9)
    assert rate >= 500  # the bench measures ≥ 2,000/s on an idle core; shared CI cores get a wide margin


def test_a_rule_decides_what_the_model_does_not_know(model):
    text = "咨询宠物医院误诊导致猫死亡的赔偿问题"
    plain = classifier.Classifier(model).predict(text)
    ruled = classifier.Classifier(model, [classifier.Rule("scjg-sp", ("宠物医院",), 3.0)]).predict(text)
    assert ruled.domain == "scjg-sp"
    assert ruled.confidence > plain.confidence or plain.domain == "scjg-sp"


def test_empty_text_has_no_domain(model):
    assert classifier.Classifier(model).predict("，。123 ").domain == ""


def test_model_round_trips_through_json(model, labelled):
    again = classifier.Model.from_json(model.to_json())
    text = labelled[0][1]
    assert again.labels == model.labels
    assert classifier.Classifier(again).predict(text).domain == classifier.Classifier(model).predict(text).domain


def test_training_is_deterministic():
    texts, labels = ["离婚抚养费", "拖欠工资", "离婚财产", "加班工资"], ["a", "b", "a", "b"]
    first, second = classifier.train(texts, labels), classifier.train(texts, labels)
    assert first.to_json() == second.to_json()
    assert classifier.Classifier(first).predict("工资").domain == "b"


def test_training_refuses_one_label_or_nothing():
    with pytest.raises(ValueError):
        classifier.train([], [])
    with pytest.raises(ValueError):
        classifier.train(["甲", "乙"], ["a", "a"])


def test_macro_f1_counts_each_label_equally():
    assert classifier.macro_f1(["a", "a", "b"], ["a", "a", "b"]) == 1.0
    assert classifier.macro_f1(["a", "a", "a", "b"], ["a", "a", "a", "a"]) == pytest.approx((6 / 7 + 0) / 2)
