"""The demand classifier: which 普法领域 a hotline work order asks about, offline, on one CPU core.

Two parts behind one interface (`Classifier.predict`):

- **A linear model**: character 1–2-grams of the text, weighted TF-IDF (sublinear tf, smoothed idf, L2
  norm), with a one-vs-rest linear SVM (L2-regularised hinge loss, trained by dual coordinate descent, the
  liblinear method). Measured beforehand on 495 real 问政 messages this family reached 0.80 accuracy against
  0.76 with jieba words, so no word segmenter is needed. Written in pure Python because scikit-learn is not
  among the pinned dependencies; the model is a few thousand weights kept as JSON (`Model.to_json`).
- **Editable keyword rules** the office keeps (`Rule`): every keyword found in the text adds the rule's weight
  to its domain's score, so the office can correct the model at once, before the next training.

The confidence is the top domain's share of a softmax over the combined scores (`TEMPERATURE` scales the
SVM margins, which sit around ±1, into probabilities): an order whose best two domains are close gets a low
confidence and waits in the review queue.

This module imports no Django, so the bench and the command line use it as is.
"""

from __future__ import annotations

import json
import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Scales SVM margins (about ±1) before the softmax that turns scores into a confidence.
TEMPERATURE = 3.0
#: The SVM's cost (liblinear's C) and passes over the data; 1.0 and 30 converge on a few thousand orders.
COST = 1.0
EPOCHS = 30

SEED_CORPUS = Path(__file__).with_name("data") / "seed_orders.tsv"

_DROP = re.compile(r"[\s\d０-９a-zA-Z，。、；：？！“”‘’（）《》【】,.;:?!\"'()\[\]<>\-—_/\\#@*&%$+=~`|·…]+")


def normalise(text: str) -> str:
    """The text the features come from: NFKC, without spaces, digits, Latin letters and punctuation (order
    numbers, phone fragments and dates say nothing about the domain)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def ngrams(text: str) -> Counter[str]:
    """Character unigrams and bigrams of the normalised text."""
    clean = normalise(text)
    grams: Counter[str] = Counter(clean)
    grams.update(clean[i : i + 2] for i in range(len(clean) - 1))
    return grams


@dataclass
class Model:
    """A trained linear model: the labels (domain codes), the idf of each feature, and for each feature the
    weights of every label (plus one bias per label)."""

    labels: list[str]
    idf: dict[str, float]
    weights: dict[str, list[float]]
    bias: list[float]
    samples: int = 0

    def vector(self, text: str) -> dict[str, float]:
        """The TF-IDF vector of a text (features the model never saw are left out)."""
        vec = {g: (1.0 + math.log(n)) * self.idf[g] for g, n in ngrams(text).items() if g in self.idf}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {g: v / norm for g, v in vec.items()} if norm else {}

    def scores(self, text: str) -> list[float]:
        """The decision value of each label for the text."""
        out = list(self.bias)
        for g, v in self.vector(text).items():
            row = self.weights.get(g)
            if row is not None:
                for i, w in enumerate(row):
                    out[i] += w * v
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "idf": {g: round(v, 5) for g, v in self.idf.items()},
            "weights": {g: [round(w, 5) for w in row] for g, row in self.weights.items()},
            "bias": [round(b, 5) for b in self.bias],
            "samples": self.samples,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        return cls(
            labels=list(data["labels"]),
            idf={str(g): float(v) for g, v in data["idf"].items()},
            weights={str(g): [float(w) for w in row] for g, row in data["weights"].items()},
            bias=[float(b) for b in data["bias"]],
            samples=int(data.get("samples", 0)),
        )


def train(texts: Sequence[str], labels: Sequence[str], *, cost: float = COST, epochs: int = EPOCHS) -> Model:
    """Fit TF-IDF and a one-vs-rest linear SVM on labelled texts (deterministic: the shuffle is seeded)."""
    if len(texts) != len(labels) or not texts:
        raise ValueError("训练数据为空，或文本与领域数量不一致。")
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError("训练数据至少需要两个领域。")
    grams = [ngrams(t) for t in texts]
    df: Counter[str] = Counter()
    for g in grams:
        df.update(g.keys())
    n = len(texts)
    idf = {g: math.log((1 + n) / (1 + d)) + 1.0 for g, d in df.items()}
    model = Model(labels=classes, idf=idf, weights={}, bias=[0.0] * len(classes), samples=n)
    vectors = [model.vector(t) for t in texts]
    for k, label in enumerate(classes):
        y = [1.0 if lab == label else -1.0 for lab in labels]
        w, b = _svm(vectors, y, cost=cost, epochs=epochs)
        model.bias[k] = b
        for feature, value in w.items():
            model.weights.setdefault(feature, [0.0] * len(classes))[k] = value
    return model


def _svm(xs: list[dict[str, float]], ys: list[float], *, cost: float, epochs: int) -> tuple[dict[str, float], float]:
    """Dual coordinate descent for the L1-loss (hinge) linear SVM with a bias feature of 1 (Hsieh et al. 2008)."""
    alpha = [0.0] * len(xs)
    w: dict[str, float] = {}
    b = 0.0
    qii = [sum(v * v for v in x.values()) + 1.0 for x in xs]
    order = list(range(len(xs)))
    rng = random.Random(0)
    for _ in range(epochs):
        rng.shuffle(order)
        largest = 0.0
        for i in order:
            x, y = xs[i], ys[i]
            grad = y * (sum(w.get(g, 0.0) * v for g, v in x.items()) + b) - 1.0
            old = alpha[i]
            new = min(max(old - grad / qii[i], 0.0), cost)
            if new != old:
                delta = (new - old) * y
                for g, v in x.items():
                    w[g] = w.get(g, 0.0) + delta * v
                b += delta
                alpha[i] = new
                largest = max(largest, abs(new - old))
        if largest < 1e-4:
            break
    return w, b


@dataclass(frozen=True)
class Rule:
    """A keyword rule: any of `keywords` in the text adds `weight` to `domain`'s score (once per keyword)."""

    domain: str
    keywords: tuple[str, ...]
    weight: float = 1.0


def split_keywords(text: str) -> tuple[str, ...]:
    """Keywords as the office types them: separated by 、，, ; or new lines."""
    return tuple(dict.fromkeys(k.strip() for k in re.split(r"[、，,；;\s]+", text) if k.strip()))


@dataclass(frozen=True)
class Prediction:
    domain: str
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)


class Classifier:
    """The model and the rules together. `labels` are every domain either knows."""

    def __init__(self, model: Model | None, rules: Iterable[Rule] = (), temperature: float = TEMPERATURE) -> None:
        self.model = model
        self.rules = [r for r in rules if r.keywords]
        self.temperature = temperature
        labels = list(model.labels) if model else []
        labels += sorted({r.domain for r in self.rules} - set(labels))
        self.labels = labels

    def scores(self, text: str) -> dict[str, float]:
        scores = dict.fromkeys(self.labels, 0.0)
        if self.model is not None:
            scores.update(zip(self.model.labels, self.model.scores(text), strict=True))
        for rule in self.rules:
            hits = sum(1 for k in rule.keywords if k in text)
            if hits:
                scores[rule.domain] += rule.weight * hits
        return scores

    def predict(self, text: str) -> Prediction:
        """The best domain and its confidence; an empty domain (confidence 0) when nothing is known."""
        scores = self.scores(text)
        if not scores or not normalise(text):
            return Prediction("", 0.0, scores)
        best = max(scores, key=lambda d: scores[d])
        top = scores[best]
        total = sum(math.exp(self.temperature * (s - top)) for s in scores.values())
        return Prediction(best, round(1.0 / total, 4), scores)


def read_labelled(path: Path) -> list[tuple[str, str]]:
    """(domain code, text) pairs from a file of `code<TAB>text` lines (# comments and blank lines skipped)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, _, text = line.partition("\t")
            rows.append((code.strip(), text.strip()))
    return rows


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The mean over the gold labels of each label's F1 (a label never predicted right scores 0)."""
    total = 0.0
    labels = sorted(set(gold))
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / len(labels) if labels else 0.0


def dumps(model: Model) -> str:
    return json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":"))
