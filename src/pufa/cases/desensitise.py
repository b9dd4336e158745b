"""Desensitisation of case texts (脱敏) before publication — pure Python, no Django.

Two kinds of work, on purpose different:

1. **Parties' names are replaced.** A case records its parties as structured rows (name, role); every
   occurrence of each party's full name becomes 姓+某 (张某). When two parties share a surname the second
   becomes 李某某, a third 李某甲 and so on, so a reader can still tell them apart. Compound surnames (欧阳,
   司马, 诸葛 …) keep both characters (欧阳某). Parties that are organisations (…公司, …厂) are not persons
   and keep their names.
2. **Personal data is detected and a replacement proposed**, for the reviewer to accept or reject:
   身份证号 (18 characters, valid birth date; the GB 11643-1999 check digit decides between 身份证号 and a
   「疑似身份证号」 typo), mobile numbers (11 digits starting 13–19, also written 138-1234-5678), bank card
   numbers (16–19 digits passing the Luhn check), vehicle plates (宁A12345, 新能源 宁AD12345), and exact
   addresses with a house number (幸福路18号, 3号楼2单元501室, 张湾村3组).
3. **Other name-like strings are only flagged.** A part-of-speech tagger marks 谢谢 or 幼儿园 as names, so
   automatic recognition is not trusted: a common surname followed by one or two characters, next to a word
   that introduces a person (原告、丈夫、邻居 … or 称、报警 …), is offered to the reviewer with 姓+某 as the
   proposal, never replaced without a decision.

`scan(fields, parties)` returns the replaced texts and the findings; `apply(text, findings)` performs
accepted replacements. Everything is deterministic, so the tests measure recall on fixed texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "COMPOUND_SURNAMES",
    "Finding",
    "Kind",
    "Party",
    "Scan",
    "id_check_digit",
    "is_valid_id",
    "luhn_ok",
    "pseudonyms",
    "replace_all",
    "scan",
    "surname_of",
]


class Kind:
    """What a finding is (codes stored with the finding; labels shown to the reviewer)."""

    NAME = "name"
    ID_CARD = "id_card"
    ID_SUSPECT = "id_suspect"
    PHONE = "phone"
    BANK_CARD = "bank_card"
    PLATE = "plate"
    ADDRESS = "address"
    POSSIBLE_NAME = "possible_name"

    LABELS = {
        NAME: "当事人姓名",
        ID_CARD: "身份证号",
        ID_SUSPECT: "疑似身份证号",
        PHONE: "手机号码",
        BANK_CARD: "银行卡号",
        PLATE: "车牌号",
        ADDRESS: "详细地址",
        POSSIBLE_NAME: "疑似姓名",
    }


COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "司空",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "太叔",
        "申屠",
        "闻人",
        "赫连",
        "万俟",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "端木",
        "独孤",
        "拓跋",
        "左丘",
        "东郭",
        "第五",
        "梁丘",
        "羊舌",
    ]
)

#: Common single surnames (the ~120 most frequent), for flagging name-like strings; party names work with any.
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)

_ORGANISATION = re.compile(r"(公司|厂|店|行|社|院|局|所|中心|委员会|协会|银行|集团|合作社|部|站|队|馆|学校|医院)$")
_CJK = r"\u4e00-\u9fff"
_PSEUDONYM_SUFFIX = ("某", "某某", "某甲", "某乙", "某丙", "某丁", "某戊", "某己", "某庚", "某辛")


@dataclass(frozen=True)
class Party:
    """A party of a case: name as written in the texts, role (原告、被告、被害人 …)."""

    name: str
    role: str = ""

    @property
    def is_person(self) -> bool:
        name = self.name.strip()
        return bool(re.fullmatch(rf"[{_CJK}]{{2,5}}", name)) and not _ORGANISATION.search(name)


@dataclass(frozen=True)
class Finding:
    """One string to change (or to decide about) in the texts: where it is, what it is, the proposal."""

    kind: str
    text: str
    replacement: str
    fields: tuple[str, ...] = ()
    auto: bool = False  # replaced on submit (parties' names); the others wait for the reviewer
    context: str = ""

    @property
    def label(self) -> str:
        return Kind.LABELS.get(self.kind, self.kind)


@dataclass
class Scan:
    """The outcome of one scan: the texts with parties' names replaced, and every finding."""

    texts: dict[str, str]
    findings: list[Finding] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Finding]:
        return [f for f in self.findings if f.kind in kinds]


# ---------------------------------------------------------------- names


def surname_of(name: str) -> str:
    name = name.strip()
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def pseudonyms(parties: Iterable[Party]) -> dict[str, str]:
    """Each person's name → 姓+某; the second person with the same surname gets 姓某某, then 姓某甲 …

    The order of the parties decides who is 李某 and who 李某某 (the first-listed party keeps the shorter one).
    """
    result: dict[str, str] = {}
    used: dict[str, int] = {}
    for party in parties:
        name = party.name.strip()
        if not party.is_person or name in result:
            continue
        surname = surname_of(name)
        n = used.get(surname, 0)
        suffix = _PSEUDONYM_SUFFIX[n] if n < len(_PSEUDONYM_SUFFIX) else f"某{n}"
        used[surname] = n + 1
        result[name] = surname + suffix
    return result


# ---------------------------------------------------------------- numbers

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character of the first 17 digits of a 身份证号 (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _plausible_birth(number: str) -> bool:
    try:
        year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    except ValueError:
        return False
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    return number[0] in "123456789"


def is_valid_id(number: str) -> bool:
    number = number.upper()
    return (
        len(number) == 18
        and number[:17].isdigit()
        and _plausible_birth(number)
        and id_check_digit(number[:17]) == number[17]
    )


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{16}[0-9Xx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<![0-9])(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![0-9])")
_CARD_RE = re.compile(r"(?<![0-9])((?:\d{4}[\s-]?){3,4}\d{1,4}|\d{16,19})(?![0-9])")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_RE = re.compile(rf"([{_PROVINCES}])([A-HJ-NP-Z])[·•\s]?([A-HJ-NP-Z0-9]{{5,6}})(?![A-Za-z0-9])")
_ROAD = r"(?:大道|大街|胡同|路|街|巷|弄)"
_ADDRESS_RE = re.compile(
    rf"([{_CJK}]{{1,10}}?{_ROAD})\s*(\d+|[一二三四五六七八九十百]+)\s*号(?:院)?"
    rf"(?:\s*\d+\s*(?:号楼|栋|幢|号院))?(?:\s*\d+\s*单元)?(?:\s*\d+\s*(?:室|号房|号))?"
    rf"|([{_CJK}]{{1,10}}?(?:小区|花园|家园|公寓|新村|大厦))\s*\d+\s*(?:号楼|栋|幢)(?:\s*\d+\s*单元)?(?:\s*\d+\s*室)?"
    rf"|([{_CJK}]{{1,8}}?村)\s*(\d+|[一二三四五六七八九十]+)\s*(?:组|队)(?:\s*\d+\s*号)?"
)
#: Where an address's own name starts: after the last administrative level or verb of place.
_ADDRESS_HEAD = re.compile(r"^.*(?:省|市|区|县|旗|镇|乡|街道|社区|住|在|于|至|到|位于|家住|住址|地址|、|，)")


def _mask_phone(m: re.Match[str]) -> str:
    return f"{m.group(1)}****{m.group(3)}"


def _address_name(raw: str) -> str:
    """The road, estate or village part of an address match (without the district before it)."""
    head = _ADDRESS_HEAD.match(raw)
    return raw[head.end() :] if head and head.end() < len(raw) else raw


# ---------------------------------------------------------------- possible names

_PERSON_BEFORE = (
    "原告|被告|被告人|第三人|申请人|被申请人|上诉人|被上诉人|当事人|被害人|受害人|犯罪嫌疑人|证人|嫌疑人|"
    "丈夫|妻子|儿子|女儿|父亲|母亲|哥哥|姐姐|弟弟|妹妹|爷爷|奶奶|邻居|朋友|同事|员工|工人|经理|老板|村民|居民|"
    "业主|租户|房东|司机|老人|租客|网友|男子|女子|职工|店主|债权人|债务人"
)
_PERSON_AFTER = "称|说|表示|报警|向|与|系|驾驶|签订|借款|承认|认为|起诉|诉称|辩称|同意|拒绝|欠"
#: Zero-width matches, so overlapping candidates are all seen (工人代表韩春生报警: 代表… and 韩春生).
_NAME_AFTER_ROLE = re.compile(rf"(?:{_PERSON_BEFORE})(?=([{_CJK}]{{2,4}}))")
_NAME_BEFORE_VERB = re.compile(rf"(?=([{_CJK}]{{2,3}})(?:{_PERSON_AFTER}))")
_PERSON_AFTER_CHARS = frozenset("称说向与系欠")
_NOT_NAMES = frozenset(
    [
        "某某",
        "某甲",
        "某乙",
        "公司",
        "法院",
        "政府",
        "调解",
        "民警",
        "法官",
        "检察",
        "律师",
        "本案",
        "该案",
        "双方",
        "一方",
        "对方",
        "他人",
        "其他",
        "自己",
        "本人",
        "谢谢",
        "高空",
        "方式",
        "时间",
        "安全",
        "保险",
        "交通",
        "金额",
        "万元",
        "元整",
        "于是",
        "同时",
        "当时",
        "曾经",
        "至今",
        "于某",
        "因此",
        "因为",
        "所以",
        "但是",
        "法律",
        "合同",
        "协议",
        "关于",
        "当事",
        "人民",
        "社区",
        "街道",
        "司法",
        "行政",
        "执法",
        "单位",
        "全部",
        "部分",
        "王府",
        "江边",
        "高中",
        "高速",
        "宁夏",
        "中卫",
        "石油",
        "金融",
        "黄金",
        "万一",
        "白天",
        "钱款",
        "任何",
        "明确",
        "常年",
        "向其",
        "于当",
        "余元",
        "余万",
        "文化",
        "成功",
        "安排",
        "包括",
        "应当",
        "管理",
        "陆续",
    ]
)


def _possible_names(text: str, known: set[str]) -> list[tuple[str, str]]:
    """(string, proposal) for name-like strings that are not parties' names nor pseudonyms: flag only."""
    found: list[tuple[str, str]] = []
    matches = [(m.group(1), False) for m in _NAME_AFTER_ROLE.finditer(text)]
    matches += [(m.group(1), True) for m in _NAME_BEFORE_VERB.finditer(text)]
    for candidate, before_verb in matches:
        # Try the longest plausible name at the start of the candidate: 姓 + 1–2 characters.
        for length in (3, 2):
            name = candidate[:length]
            if len(name) != length:
                continue
            surname = surname_of(name)
            if surname not in COMPOUND_SURNAMES and surname not in COMMON_SURNAMES:
                continue
            if "某" in name or name in known or name in _NOT_NAMES or name[1:] in _NOT_NAMES:
                continue
            if any(name in k or k in name for k in known):
                continue
            if length == 3 and before_verb and name[2] in _PERSON_AFTER_CHARS:
                continue
            if name not in dict(found):
                found.append((name, surname + "某"))
            break
    return found


# ---------------------------------------------------------------- the scan


def replace_all(text: str, replacements: Mapping[str, str]) -> str:
    """Replace every key by its value in one pass, longest keys first (欧阳娜娜 before 欧阳娜)."""
    keys = sorted((k for k in replacements if k), key=len, reverse=True)
    if not keys:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return pattern.sub(lambda m: replacements[m.group(0)], text)


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return text[max(0, start - width) : start] + "【" + text[start:end] + "】" + text[end : end + width]


def scan(fields: Mapping[str, str], parties: Sequence[Party]) -> Scan:
    """Replace parties' names in every field and find the remaining personal data.

    `fields` maps a field name to its text (title, facts …). Returns the new texts and one finding per
    distinct string (with the fields it occurs in); findings of parties' names are `auto` (already applied).
    """
    names = pseudonyms(parties)
    texts = {key: replace_all(value or "", names) for key, value in fields.items()}
    found: dict[tuple[str, str], Finding] = {}

    def add(kind: str, text: str, replacement: str, key: str, context: str, auto: bool = False) -> None:
        existing = found.get((kind, text))
        if existing is None:
            found[(kind, text)] = Finding(kind, text, replacement, (key,), auto, context)
        elif key not in existing.fields:
            found[(kind, text)] = Finding(kind, text, replacement, (*existing.fields, key), auto, existing.context)

    for key, original in fields.items():
        for name, pseudonym in names.items():
            at = (original or "").find(name)
            if at >= 0:
                add(Kind.NAME, name, pseudonym, key, _context(original, at, at + len(name)), auto=True)

    known = set(names) | set(names.values()) | {p.name.strip() for p in parties}
    for key, text in texts.items():
        taken: list[tuple[int, int]] = []

        def free(start: int, end: int, taken: list[tuple[int, int]] = taken) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        for m in _ID_RE.finditer(text):
            number = m.group(1)
            if not _plausible_birth(number):
                continue
            kind = Kind.ID_CARD if is_valid_id(number) else Kind.ID_SUSPECT
            add(kind, number, number[:6] + "********" + number[-4:], key, _context(text, m.start(), m.end()))
            taken.append(m.span())
        for m in _PHONE_RE.finditer(text):
            if free(*m.span()):
                add(Kind.PHONE, m.group(0), _mask_phone(m), key, _context(text, m.start(), m.end()))
                taken.append(m.span())
        for m in _CARD_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group(1))
            if 16 <= len(digits) <= 19 and free(*m.span()) and luhn_ok(digits):
                masked = digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
                add(Kind.BANK_CARD, m.group(1), masked, key, _context(text, m.start(), m.end()))
                taken.append(m.span())
        for m in _PLATE_RE.finditer(text):
            add(Kind.PLATE, m.group(0), f"{m.group(1)}{m.group(2)}****", key, _context(text, m.start(), m.end()))
        for m in _ADDRESS_RE.finditer(text):
            raw = m.group(0)
            name = _address_name(raw)
            start = m.end() - len(name)
            if not re.search(r"\d|[一二三四五六七八九十]+\s*(?:号|组|队)", name):
                continue
            road = re.search(rf"({_ROAD}|小区|花园|家园|公寓|新村|大厦|村)", name)
            proposal = f"××{road.group(1)}××号" if road and road.group(1) not in ("村",) else "××村××组"
            if road and road.group(1) in ("小区", "花园", "家园", "公寓", "新村", "大厦"):
                proposal = f"××{road.group(1)}××号楼"
            add(Kind.ADDRESS, name, proposal, key, _context(text, start, m.end()))
        for name, proposal in _possible_names(text, known):
            at = text.find(name)
            add(Kind.POSSIBLE_NAME, name, proposal, key, _context(text, at, at + len(name)))
    return Scan(texts=texts, findings=list(found.values()))
