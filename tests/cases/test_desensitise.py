"""The desensitiser measured on our own realistic case texts (no Django).

Figures (asserted below, printed with -s): over the 16 texts, recall of parties' names, 身份证号, mobile
numbers and plates is 100 % (every planted value is gone from the replaced texts or proposed for
replacement); bank cards and house-number addresses are found too; a reviewer sees name-like strings of
non-parties flagged, never replaced."""

from __future__ import annotations

import pytest

from pufa.cases.desensitise import (
    Kind,
    Party,
    id_check_digit,
    is_valid_id,
    luhn_ok,
    pseudonyms,
    replace_all,
    scan,
    surname_of,
)


def _id(first17: str) -> str:
    return first17 + id_check_digit(first17)


def _card(prefix: str) -> str:
    """A card number with a valid Luhn digit."""
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError


ID1, ID2, ID3 = _id("64050219850312123"), _id("64052219900101002"), _id("11010519491231002")
ID4, ID5 = _id("64050320011130441"), _id("37020219780909512")
CARD1, CARD2 = _card("622202120300456789"), _card("621700123456789")

# (text, parties, planted {kind: [values]})
TEXTS: list[tuple[str, list[Party], dict[str, list[str]]]] = [
    (
        f"2024年5月，被告人张伟通过微信添加被害人李秀英，以刷单返利为名骗取李秀英38000元。张伟身份证号{ID1}，"
        "手机号码13895561234。",
        [Party("张伟", "被告人"), Party("李秀英", "被害人")],
        {"name": ["张伟", "李秀英"], "id": [ID1], "phone": ["13895561234"]},
    ),
    (
        "原告王建华与被告王建国系兄弟。王建国驾驶宁E12345号小型轿车将王建华撞伤，王建华住院治疗二十天。",
        [Party("王建华", "原告"), Party("王建国", "被告")],
        {"name": ["王建华", "王建国"], "plate": ["宁E12345"]},
    ),
    (
        f"申请人欧阳娜娜（公民身份号码：{ID2}）长期遭受丈夫司马强殴打。司马强的电话为139 5512 3456。",
        [Party("欧阳娜娜", "申请人"), Party("司马强", "被申请人")],
        {"name": ["欧阳娜娜", "司马强"], "id": [ID2], "phone": ["139 5512 3456"]},
    ),
    (
        "被告人马小军于2023年10月驾驶宁AD12345号新能源汽车醉酒上路，被民警当场查获。马小军联系电话186-0955-1122。",
        [Party("马小军", "被告人")],
        {"name": ["马小军"], "plate": ["宁AD12345"], "phone": ["186-0955-1122"]},
    ),
    (
        f"原告刘芳出借给被告陈刚人民币十万元，通过银行卡{CARD1}转账。陈刚至今未还。",
        [Party("刘芳", "原告"), Party("陈刚", "被告")],
        {"name": ["刘芳", "陈刚"], "card": [CARD1]},
    ),
    (
        "被告人赵磊趁夜间翻窗进入被害人孙丽家中，孙丽家住沙坡头区文昌镇幸福路18号3单元501室，赵磊盗走现金二万元。",
        [Party("赵磊", "被告人"), Party("孙丽", "被害人")],
        {"name": ["赵磊", "孙丽"], "address": ["幸福路18号3单元501室"]},
    ),
    (
        f"当事人周强（身份证号{ID3}）在人行道摆摊销售水果，城管执法人员多次劝导。周强手机15009551234。",
        [Party("周强", "当事人")],
        {"name": ["周强"], "id": [ID3], "phone": ["15009551234"]},
    ),
    (
        "原告李梅与被告李强离婚后约定女儿由李梅抚养，李强每月支付抚养费一千元，但李强两年未付。",
        [Party("李梅", "原告"), Party("李强", "被告")],
        {"name": ["李梅", "李强"]},
    ),
    (
        f"被害人吴桂兰（{ID4}）参加保健品讲座后，被告人郑海以每盒两千元的价格向吴桂兰出售普通食品。"
        "郑海收款账户为银行卡" + CARD2 + "。",
        [Party("吴桂兰", "被害人"), Party("郑海", "被告人")],
        {"name": ["吴桂兰", "郑海"], "id": [ID4], "card": [CARD2]},
    ),
    (
        "申请人诸葛明与被申请人何丽丽系邻居，何丽丽在共用巷道堆放柴草，诸葛明无法通行。何丽丽住张湾村3组。",
        [Party("诸葛明", "申请人"), Party("何丽丽", "被申请人")],
        {"name": ["诸葛明", "何丽丽"], "address": ["张湾村3组"]},
    ),
    (
        "被告人黄志强驾驶陕A·88K66号货车超载运输，被告人黄志强的妻子黄丽协助隐匿货物。黄丽电话17795501234。",
        [Party("黄志强", "被告人"), Party("黄丽", "被告人")],
        {"name": ["黄志强", "黄丽"], "plate": ["陕A·88K66"], "phone": ["17795501234"]},
    ),
    (
        f"原告杨帆在被告某物业服务有限公司管理的小区内被高空抛物砸伤。杨帆身份证号码为{ID5}，住文萃花园5号楼2单元301室。",
        [Party("杨帆", "原告"), Party("某物业服务有限公司", "被告")],
        {"name": ["杨帆"], "id": [ID5], "address": ["文萃花园5号楼2单元301室"]},
    ),
    (
        "十二名农民工在被告人冯大勇承包的工地务工，冯大勇拖欠劳动报酬三十余万元后逃匿，工人代表韩春生报警。",
        [Party("冯大勇", "被告人")],
        {"name": ["冯大勇"]},
    ),
    (
        "被告人上官文以投资创业为名发展下线，要求参加者缴纳入门费。上官文的手机号码是13709551234，"
        "其团队骨干上官武负责收款。",
        [Party("上官文", "被告人"), Party("上官武", "被告人")],
        {"name": ["上官文", "上官武"], "phone": ["13709551234"]},
    ),
    (
        "原告蒋丽华与被告宋建军约定彩礼十八万元，后未办理结婚登记即分手。宋建军驾驶甘A12345号车辆接送蒋丽华。",
        [Party("蒋丽华", "原告"), Party("宋建军", "被告")],
        {"name": ["蒋丽华", "宋建军"], "plate": ["甘A12345"]},
    ),
    (
        "被申请人唐小龙在学校附近多次拦截同学索要钱财，唐小龙的父亲唐国强到派出所领回孩子，联系电话19909551234。",
        [Party("唐小龙", "被申请人"), Party("唐国强", "当事人")],
        {"name": ["唐小龙", "唐国强"], "phone": ["19909551234"]},
    ),
]

KIND_OF = {"id": (Kind.ID_CARD,), "phone": (Kind.PHONE,), "plate": (Kind.PLATE,), "card": (Kind.BANK_CARD,)}


def _measure() -> dict[str, tuple[int, int]]:
    found: dict[str, list[int]] = {}
    for text, parties, planted in TEXTS:
        result = scan({"facts": text}, parties)
        out = result.texts["facts"]
        for kind, values in planted.items():
            for value in values:
                if kind == "name":
                    hit = value not in out
                elif kind == "address":
                    hit = any(f.text in value or value in f.text for f in result.of_kind(Kind.ADDRESS))
                else:
                    hit = any(f.text == value for f in result.of_kind(*KIND_OF[kind]))
                found.setdefault(kind, []).append(int(hit))
    return {k: (sum(v), len(v)) for k, v in found.items()}


def test_recall_on_sixteen_texts_is_complete_for_names_ids_phones_and_plates():
    figures = _measure()
    print("desensitisation recall:", {k: f"{hit}/{total}" for k, (hit, total) in figures.items()})
    assert len(TEXTS) >= 15
    for kind in ("name", "id", "phone", "plate"):
        hit, total = figures[kind]
        assert total >= 4 and hit == total, (kind, hit, total)
    for kind in ("card", "address"):
        hit, total = figures[kind]
        assert hit == total, (kind, hit, total)


def test_pseudonyms_tell_parties_of_one_surname_apart_and_keep_compound_surnames():
    names = pseudonyms([Party("李梅"), Party("李强"), Party("李明"), Party("欧阳娜娜"), Party("欧阳明")])
    assert names == {"李梅": "李某", "李强": "李某某", "李明": "李某甲", "欧阳娜娜": "欧阳某", "欧阳明": "欧阳某某"}
    assert surname_of("司马强") == "司马" and surname_of("马强") == "马"
    # organisations are not persons: their names stay
    assert pseudonyms([Party("某物业服务有限公司")]) == {}


def test_longer_names_are_replaced_before_their_prefixes():
    assert replace_all("黄志强与黄丽", pseudonyms([Party("黄丽"), Party("黄志强")])) == "黄某某与黄某"


def test_id_check_digit_separates_ids_from_typos():
    assert is_valid_id(ID1)
    typo = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")
    assert not is_valid_id(typo)
    result = scan({"facts": f"身份证号{typo}"}, [])
    assert [f.kind for f in result.findings] == [Kind.ID_SUSPECT]
    assert result.findings[0].replacement == typo[:6] + "********" + typo[-4:]


def test_numbers_that_are_not_personal_data_are_left_alone():
    result = scan({"facts": "涉案金额38000元，案号（2024）宁0502刑初123号，订单号1234567890123456。"}, [])
    assert result.of_kind(Kind.PHONE, Kind.ID_CARD, Kind.BANK_CARD) == [] or all(
        luhn_ok(f.text) for f in result.of_kind(Kind.BANK_CARD)
    )
    assert result.of_kind(Kind.PHONE, Kind.ID_CARD) == []


def test_other_names_are_flagged_not_replaced():
    result = scan({"facts": "邻居王建国称听见争吵，工人代表韩春生报警。"}, [])
    flagged = {f.text for f in result.of_kind(Kind.POSSIBLE_NAME)}
    assert {"王建国", "韩春生"} <= flagged
    assert result.texts["facts"] == "邻居王建国称听见争吵，工人代表韩春生报警。"
    assert all(not f.auto for f in result.of_kind(Kind.POSSIBLE_NAME))


@pytest.mark.parametrize("word", ["谢谢", "幼儿园", "高空抛物"])
def test_common_words_are_not_flagged_as_names(word):
    result = scan({"facts": f"原告{word}称"}, [])
    assert word not in {f.text for f in result.of_kind(Kind.POSSIBLE_NAME)}
