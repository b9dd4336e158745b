"""Every scoring rule, the formalism refusal, ranks and discrimination, and the draw — pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pufa.assessment import draws, formalism, scoring
from pufa.plans.metrics import Metric

D = Decimal


@pytest.mark.parametrize(
    ("value", "compare", "expected"),
    [(D(0), "gte", D(0)), (D(2), "gte", D(5)), (D(3), "gte", D(5)), (D(3), "lte", D(0)), (D(2), "lte", D(5))],
)
def test_threshold(value, compare, expected):
    params = scoring.check_params(scoring.THRESHOLD, {"threshold": 2, "compare": compare})
    assert scoring.score(scoring.THRESHOLD, params, D(5), value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(D(-1), D(0)), (D(0), D(0)), (D(5), D(2)), (D(7.5), D(3)), (D(10), D(4)), (D(99), D(4))]
)
def test_linear_between_two_values(value, expected):
    params = scoring.check_params(scoring.LINEAR, {"low": 0, "high": 10})
    assert scoring.score(scoring.LINEAR, params, D(4), value) == expected


def test_linear_runs_downwards_when_fewer_is_better():
    params = scoring.check_params(scoring.LINEAR, {"low": 6, "high": 0})  # 宣传栏最长未更新月数: 0 is best
    assert scoring.score(scoring.LINEAR, params, D(3), D(0)) == D(3)
    assert scoring.score(scoring.LINEAR, params, D(3), D(3)) == D("1.50")
    assert scoring.score(scoring.LINEAR, params, D(3), D(8)) == D(0)


def test_steps_take_the_highest_step_reached():
    params = scoring.check_params(scoring.STEPS, {"steps": [[3, 1], [1, "0.5"]]})
    assert params["steps"] == [["1", "0.5"], ["3", "1"]]  # sorted
    got = [scoring.score(scoring.STEPS, params, D(4), D(v)) for v in (0, 1, 2, 3, 10)]
    assert got == [D(0), D(2), D(2), D(4), D(4)]


def test_target_status_shares_and_overrides():
    params = scoring.check_params(scoring.TARGET_STATUS, {"target": 7})
    got = {s: scoring.score(scoring.TARGET_STATUS, params, D(6), s) for s in scoring.DEFAULT_STATUS_SHARES}
    assert got == {
        "done": D(6),
        "on_track": D(6),
        "lagging": D(3),
        "not_started": D(0),
        "overdue": D(0),
        "unfinished": D(0),
    }
    strict = scoring.check_params(scoring.TARGET_STATUS, {"target": 7, "shares": {"on_track": "0.8", "lagging": 0}})
    assert scoring.score(scoring.TARGET_STATUS, strict, D(5), "on_track") == D(4)
    assert scoring.score(scoring.TARGET_STATUS, strict, D(5), "lagging") == D(0)
    assert scoring.score(scoring.TARGET_STATUS, strict, D(5), None) == D(0)


@pytest.mark.parametrize(
    ("rule", "params", "message"),
    [
        ("threshold", {"threshold": "两"}, "达标值应为数字"),
        ("threshold", {"threshold": 1, "compare": "eq"}, "比较方式"),
        ("linear", {"low": 3, "high": 3}, "不能相同"),
        ("linear", {"low": "NaN", "high": 3}, "起点值应为数字"),
        ("steps", {"steps": []}, "至少需要一档"),
        ("steps", {"steps": [[1, 2]]}, "0 到 1"),
        ("target_status", {}, "请选择量化指标"),
        ("target_status", {"target": 1, "shares": {"late": 1}}, "未知的状态"),
        ("median", {}, "请选择评分规则"),
    ],
)
def test_bad_parameters_are_refused_with_a_message(rule, params, message):
    with pytest.raises(scoring.RuleError, match=message):
        scoring.check_params(rule, params)


def test_rank_shares_places_on_ties_and_spread_flags_a_flat_scheme():
    assert scoring.rank({1: D(90), 2: D(95), 3: D(90), 4: D(80)}) == {2: 1, 1: 2, 3: 2, 4: 4}
    assert scoring.undiscriminating([D(98), D(98), D("98.5"), D(97.5)], D(100))
    assert not scoring.undiscriminating([D(98), D(72), D(85), D(60)], D(100))
    assert scoring.spread([D(1), D(3)]) == D(1)


def _metric(code: str, label: str, measure: str = "个", **extra) -> Metric:
    metric = Metric(code, label, measure, lambda q: {})
    for name, value in extra.items():
        object.__setattr__(metric, name, value)
    return metric


@pytest.mark.parametrize(
    "metric",
    [
        _metric("ledger.photo_count", "佐证照片数"),
        _metric("people.study_time", "学习时长", "分钟"),
        _metric("app.checkins", "每日签到次数"),
        _metric("portal.reads", "文章阅读量"),
        _metric("exams.app_ranking", "学法积分排名"),
        _metric("x.something", "某指标", formalism=True),
    ],
)
def test_formalism_metrics_are_recognised(metric):
    assert formalism.refusal(metric)


def test_work_metrics_pass_and_a_formalism_filter_does_not():
    assert formalism.refusal(_metric("ledger.activity_count", "活动场次", "场")) == ""
    assert formalism.refusal(_metric("people.roster", "队伍人数", "人")) == ""
    assert formalism.refusal(_metric("ledger.activity_count", "活动场次", "场"), {"kind": ["checkin"]})


UNITS = {
    "department": [(f"dept-{i}", "/1/") for i in range(10)],
    "community": [(f"c-{i}", "/1/2/" if i < 5 else "/1/3/") for i in range(10)],
}
INSPECTORS = [
    draws.Inspector("a", ("dept-0",), ("/1/",)),  # a district inspector of a department
    draws.Inspector("b", ("street-2",), ("/1/2/",)),  # street 2's inspector
    draws.Inspector("c", ("street-3",), ("/1/3/",)),
    draws.Inspector("d", ("dept-9",), ("/1/",)),
]


def _draw(seed: str, share: str = "0.3"):
    return draws.draw(
        seed=seed, groups=UNITS, inspectors=INSPECTORS, share=D(share), per_unit=2, scheme_region_path="/1/"
    )


def test_a_draw_is_reproducible_from_its_seed_and_depends_on_it():
    first = _draw("2026-12-01 上证收盘 3412.56")
    assert first == _draw("2026-12-01 上证收盘 3412.56")
    assert {g: len(v) for g, v in first["units"].items()} == {"department": 3, "community": 3}
    others = [_draw(f"seed {n}")["units"] for n in range(5)]
    assert any(o != first["units"] for o in others)


def test_the_draw_follows_the_documented_sha256_ordering():
    drawn = _draw("公开种子")["units"]["department"]
    by_key = sorted((code for code, _ in UNITS["department"]), key=lambda c: draws.key("公开种子", "unit", c))
    assert drawn == by_key[:3]


def test_recusal_holds_in_every_draw():
    for n in range(30):
        result = _draw(f"s{n}", share="0.5")
        for code, users in result["assignments"].items():
            region = dict(UNITS["department"] + UNITS["community"])[code]
            for username in users:
                inspector = next(i for i in INSPECTORS if i.username == username)
                assert code not in inspector.unit_codes
                assert not draws.recused(inspector, code, region, "/1/")
                if inspector.username == "b":
                    assert not region.startswith("/1/2/")


def test_a_rerun_from_stored_inputs_matches():
    inputs = {
        "groups": {g: [list(m) for m in ms] for g, ms in UNITS.items()},
        "inspectors": [{"username": i.username, "units": i.unit_codes, "regions": i.region_paths} for i in INSPECTORS],
        "share": "0.3",
        "per_unit": 2,
        "region": "/1/",
    }
    assert draws.rerun(inputs, "x") == _draw("x")


# ---------------------------------------------------------------- grade bands

BANDS = scoring.check_bands(
    [
        {"name": "优秀", "quota": "20", "min": "90"},
        {"name": "良好", "quota": "", "min": "80"},
        {"name": "合格", "quota": None, "min": 60},
        {"name": "不合格"},
    ]
)


def test_bands_are_normalised_to_plain_json():
    assert BANDS == [
        {"name": "优秀", "quota": 20, "min": 90},
        {"name": "良好", "quota": None, "min": 80},
        {"name": "合格", "quota": None, "min": 60},
        {"name": "不合格", "quota": None, "min": None},
    ]
    assert scoring.check_bands([{"name": "A", "quota": "12.5"}, {"name": "B"}])[0]["quota"] == "12.5"


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([{"name": "优秀"}], "2 到"),
        ([{"name": "优秀", "min": 90}, {"name": "优秀"}], "重复"),
        ([{"name": "", "min": 90}, {"name": "其他"}], "名称"),
        ([{"name": "优秀", "quota": 0}, {"name": "其他"}], "名额比例"),
        ([{"name": "优秀", "quota": 120}, {"name": "其他"}], "名额比例"),
        ([{"name": "优秀", "min": "abc"}, {"name": "其他"}], "最低得分率"),
        ([{"name": "良好", "min": 80}, {"name": "优秀", "min": 90}, {"name": "其他"}], "不能高于上一档"),
        ([{"name": "优秀", "min": 90}, {"name": "其他", "min": 10}], "最后一档"),
    ],
)
def test_bad_bands_are_refused(bands, message):
    with pytest.raises(scoring.RuleError, match=message):
        scoring.check_bands(bands)


def test_the_quota_caps_the_best_band_and_rounds_down():
    # ten units all above 90: 20% of ten is two excellent, the rest fall to 良好 (above 80)
    totals = {i: D(99 - i) for i in range(10)}
    grades = scoring.grade(totals, BANDS, D(100))
    assert [grades[i] for i in range(10)] == ["优秀"] * 2 + ["良好"] * 8
    # four units: 20% of four admits none
    four = scoring.grade({i: D(95) - i for i in range(4)}, BANDS, D(100))
    assert set(four.values()) == {"良好"}


def test_minimums_are_shares_of_full_marks():
    totals = {1: D(36), 2: D(33), 3: D(25), 4: D(23.9), 5: D(0)}
    grades = scoring.grade(totals, BANDS, D(40))  # 90% of 40 is 36, 80% is 32, 60% is 24
    assert grades == {1: "优秀", 2: "良好", 3: "合格", 4: "不合格", 5: "不合格"}


def test_ties_never_split_and_never_overrun_a_quota():
    # ten units, two excellent places, three tied at the top: all three go down together
    totals = {i: D(98) for i in range(3)} | {i: D(91) for i in range(3, 10)}
    grades = scoring.grade(totals, BANDS, D(100))
    assert {grades[i] for i in range(3)} == {"良好"}
    # … and lower totals do not climb back into the passed band
    assert {grades[i] for i in range(3, 10)} == {"良好"}
    # two tied at the top fit the two places
    totals[2] = D(97)
    grades = scoring.grade({k: v for k, v in totals.items() if k != 0} | {0: D(98)}, BANDS, D(100))
    assert [grades[0], grades[1], grades[2]] == ["优秀", "优秀", "良好"]


def test_describe_band_in_words():
    assert scoring.describe_band(BANDS[0], D(40)) == "不超过同类单位的20%，得分不低于满分的90%（36分）"
    assert scoring.describe_band(BANDS[-1], D(40)) == "其余单位"
