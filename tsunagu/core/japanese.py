"""Japanese text folding for name, フリガナ and address matching, and the stored form of phone numbers.

The registered spelling of a name or an address is never changed here: these functions build separate keys
that are stored or compared beside it, so that 「髙橋」 is found by typing 「高橋」, 「ﾀｶﾊｼ」 finds 「タカハシ」
and 「泉尾1丁目」 is the same 町丁目 as 「泉尾一丁目」.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv
from django.utils.translation import gettext_lazy

__all__ = [
    "INVALID_KANA_MESSAGE",
    "VARIANT_TABLE",
    "cp932_unencodable",
    "fold_variants",
    "is_kana",
    "kana_search_key",
    "name_search_key",
    "normalize_kana_reading",
    "normalize_phone",
    "query_keys",
    "to_katakana",
    "town_name_key",
]

INVALID_KANA_MESSAGE = gettext_lazy("フリガナにカタカナ・ひらがな以外の文字が含まれています")

# 異体字 → standard form, for search keys only.
# Source/why: the 旧字体 printed in brackets beside its 新字体 in the 常用漢字表 (澤→沢, 廣→広, 龍→竜 …)
# plus the surname variants that 住民記録 and 戸籍 data keep and people cannot type (髙, 﨑, 𠮷, 邉, 濵 …).
# Staff and residents treat each group as "the same name"; a search that misses the person is worse than
# one extra row, since the registered spelling is shown in the result and disambiguates.
# Deliberately NOT folded: pairs kept apart as different surnames in practice (籠/篭, 舘/館), and anything
# NFKC already handles (compatibility ideographs such as U+FA10 塚 → 塚, which is why NFKC runs first).
_VARIANT_GROUPS: dict[str, str] = {
    "高": "髙",  # 髙橋
    "崎": "﨑嵜碕",  # 山﨑, 宮嵜, 川碕 (U+FA11 survives NFKC)
    # 斉 and 斎 are different characters, but さいとう is spelled 斉藤/斎藤/齊藤/齋藤 interchangeably.
    "斉": "斎齊齋",
    "辺": "邊邉",  # 渡邊, 渡邉
    "浜": "濵濱",  # 濵田, 濱田
    "徳": "德",
    "槙": "槇",
    "瀬": "瀨",
    "桜": "櫻",
    "沢": "澤",
    "広": "廣",
    "国": "國",
    "蔵": "藏",
    "島": "嶋嶌",
    "富": "冨",
    "真": "眞",
    "恵": "惠",
    "昇": "曻",
    "条": "條",
    "渕": "淵",  # 淵上/渕上: both spellings are common; 渕 chosen as the single target
    "来": "來",
    "荘": "莊",
    # 竜 is the 常用漢字表 form of 龍 (same bracket relation as 沢/澤); 辰 is a different character.
    "竜": "龍",
    "吉": "𠮷",  # 𠮷田 (outside the BMP, not in CP932)
    "柳": "栁",
    "桑": "桒",
    "栄": "榮",
    "寿": "壽",
    "実": "實",
    "弥": "彌",
    "豊": "豐",
    "満": "滿",
    "黒": "黑",
}

# Module-level, built once: {variant: standard}, and the str.translate table made from it.
VARIANT_TABLE: dict[str, str] = {
    variant: standard for standard, variants in _VARIANT_GROUPS.items() for variant in variants
}
_VARIANT_TRANSLATION = str.maketrans(VARIANT_TABLE)

# Ideographic variation selectors (IVS, e.g. 邉 + U+E0100) and standard variation selectors pick a glyph,
# not a different character: registry systems emit them, search should ignore them.
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_WHITESPACE = re.compile(r"\s+")  # str regex \s covers ASCII and U+3000 全角スペース

# Separators people put inside readings (中黒, hyphens, dashes, ＝ for foreign names). The long vowel
# mark ー (U+30FC) is NOT among them: it is part of the reading.
_KANA_SEPARATORS = "・･·‐‑‒–—―-−－﹣゠=＝"
_KANA_SEPARATOR_RE = re.compile("[" + re.escape(_KANA_SEPARATORS) + r"\s]+")

# Small → large and spelling-equivalent kana, so スヅキ/スズキ and ヲ/オ match. Voicing is kept (ガ≠カ).
_KANA_FOLD = str.maketrans(
    {
        "ァ": "ア",
        "ィ": "イ",
        "ゥ": "ウ",
        "ェ": "エ",
        "ォ": "オ",
        "ッ": "ツ",
        "ャ": "ヤ",
        "ュ": "ユ",
        "ョ": "ヨ",
        "ヮ": "ワ",
        "ヵ": "カ",
        "ヶ": "ケ",
        "ヂ": "ジ",
        "ヅ": "ズ",
        "ヲ": "オ",
        "ヰ": "イ",
        "ヱ": "エ",
    }
)

# A kana letter followed by a voicing mark, combining (NFD data) or spacing (old data written 「カ゛」).
_VOICED_PAIR_RE = re.compile("([\u3041-\u3096\u30a1-\u30fa])([\u3099-\u309c])")
_SPACING_TO_COMBINING = {"\u309b": "\u3099", "\u309c": "\u309a"}

# What counts as kana: hiragana ぁ–ゖ, katakana ァ–ヺ, ー, half-width ｦ–ﾝ with ｰ ﾞ ﾟ, combining and spacing
# voicing marks (they compose into the letter). Iteration marks (ゝヽ) are excluded: a reading with them
# would never match the spelled-out form.
_KANA_CHAR = "\u3041-\u3096\u3099-\u309c\u30a1-\u30fa\u30fc\uff66-\uff9f"
_KANA_RE = re.compile(f"[{_KANA_CHAR}]+")
# A stored reading after normalisation: full-width katakana and ー only (spaces checked separately).
_STORED_KATAKANA_RE = re.compile("[\u30a1-\u30fa\u30fc]+")


def fold_variants(text: str) -> str:
    """NFKC, drop variation selectors, then map 異体字 to their standard form (髙→高, 﨑→崎, 齋→斉 …)."""
    text = unicodedata.normalize("NFKC", text)
    text = _VARIATION_SELECTORS.sub("", text)
    return text.translate(_VARIANT_TRANSLATION)


def to_katakana(text: str) -> str:
    """Hiragana → katakana and half-width kana → full-width; everything else unchanged."""
    # h2z first: it composes ｶﾞ into ガ; ascii/digit stay off so latin letters, digits and spaces keep width.
    text = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    text = _VOICED_PAIR_RE.sub(_compose_voiced, text)
    return jaconv.hira2kata(text)


def _compose_voiced(match: re.Match[str]) -> str:
    # Compose only this pair: NFC on the whole text would also rewrite compatibility ideographs.
    letter, mark = match.groups()
    composed = unicodedata.normalize("NFC", letter + _SPACING_TO_COMBINING.get(mark, mark))
    return composed if len(composed) == 1 else match.group(0)


def name_search_key(text: str) -> str:
    """Key stored beside a registered name: NFKC, variants folded, no whitespace, latin lower-cased."""
    return _WHITESPACE.sub("", fold_variants(text)).lower()


def kana_search_key(text: str) -> str:
    """Key stored beside a フリガナ: katakana, no separators, small kana and ヂ/ヅ/ヲ/ヰ/ヱ folded."""
    text = to_katakana(text)
    text = _KANA_SEPARATOR_RE.sub("", text)
    return text.translate(_KANA_FOLD)


def is_kana(text: str) -> bool:
    """True if ``text`` is not blank and, whitespace aside, is only hiragana/katakana (any width) and ー."""
    stripped = _WHITESPACE.sub("", text)
    return bool(stripped) and _KANA_RE.fullmatch(stripped) is not None


def query_keys(query: str) -> tuple[str, str]:
    """(name_key, kana_key) for a search box input; kana_key is "" unless the query is all kana."""
    # Separators such as 中黒 are ignored for the kana test, so 「メアリー・アン」 still searches readings.
    kana_candidate = _KANA_SEPARATOR_RE.sub("", query)
    kana_key = kana_search_key(query) if is_kana(kana_candidate) else ""
    return name_search_key(query), kana_key


def normalize_kana_reading(text: str) -> str:
    """The フリガナ as stored: full-width katakana, one 全角 space between words, no outer spaces.

    Small kana, ヂ/ヅ etc. are kept as written (folding is for the search key only). Blank input gives "";
    whether a reading is required is the caller's decision.

    Raises ValueError(INVALID_KANA_MESSAGE) when anything but kana, ー and spaces is present.
    """
    words = _WHITESPACE.split(to_katakana(text))
    words = [word for word in words if word]
    if any(_STORED_KATAKANA_RE.fullmatch(word) is None for word in words):
        raise ValueError(INVALID_KANA_MESSAGE)
    return "\u3000".join(words)


# Dashes people and registry systems put between numbers: hyphen-minus look-alikes, dashes, the minus sign, and
# the katakana long vowel mark ー (U+30FC; half-width ｰ becomes it under NFKC), which IMEs produce for 「-」.
_DASHES = "‐‑‒–—―−﹣－ー"
_DASH_TRANSLATION = str.maketrans(dict.fromkeys(_DASHES, "-"))

# A 丁目 (or 北海道's 条) number, in 漢数字 or in digits: 一丁目, 十一丁目, 二十丁目, 1丁目, 01丁目.
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "壱": 1, "二": 2, "弐": 2, "三": 3, "参": 3, "四": 4, "五": 5,
                 "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_KANJI_UNITS = {"十": 10, "拾": 10, "百": 100}
_BLOCK_NUMBER_RE = re.compile(f"([0-9]+|[{''.join(_KANJI_DIGITS)}{''.join(_KANJI_UNITS)}]+)(丁目|条)")


def _kanji_number(text: str) -> int:
    """一 → 1, 十一 → 11, 二十 → 20, 百五 → 105; digit by digit when no 十/百 is written (一〇 → 10)."""
    if not any(char in _KANJI_UNITS for char in text):
        return int("".join(str(_KANJI_DIGITS[char]) for char in text))
    total = current = 0
    for char in text:
        if char in _KANJI_UNITS:
            total += (current or 1) * _KANJI_UNITS[char]
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS[char]
    return total + current


def _block_number(match: re.Match[str]) -> str:
    number, unit = match.groups()
    value = int(number) if number.isdigit() else _kanji_number(number)
    return f"{value}{unit}"


def town_name_key(text: str) -> str:
    """Key for matching a 町丁目名 (and, with the same folding, a 番地 or 方書) as registries write it.

    泉尾1丁目, 泉尾一丁目, 泉尾１丁目 and 泉尾 一丁目 give the same key (十一丁目 = 11丁目, 二十丁目 = 20丁目);
    width, spaces, 異体字 and dash look-alikes (２－５－８ = 2-5-8 = 2ー5ー8) are folded too. Only the number
    before 丁目 or 条 is read as a number: 一番町 stays 一番町 and 1番 stays 1番, because 番・番地 name a lot,
    not a town, and a town called 一番町 is never written 1番町. The registered spelling is kept for display;
    this key is only compared."""
    text = _WHITESPACE.sub("", fold_variants(text)).lower().translate(_DASH_TRANSLATION)
    return _BLOCK_NUMBER_RE.sub(_block_number, text)


def normalize_phone(text: str) -> str:
    """A phone number in the half-width form it is stored in: ０６－６５５５－０１０１ → 06-6555-0101.

    全角 digits, parentheses and spaces become half-width (NFKC); every dash look-alike (－ ー ‐ ― − …) becomes
    「-」; outer spaces go. Nothing is checked here: whether the result is a phone number is the caller's
    decision (the import refuses letters, a form may not)."""
    return unicodedata.normalize("NFKC", text).translate(_DASH_TRANSLATION).strip()


def cp932_unencodable(text: str) -> list[str]:
    """Characters of ``text`` that CP932 cannot encode, each once, in order of first appearance.

    Exports must map or report these (e.g. 𠮷, IVS selectors), never drop them silently.
    """
    found: dict[str, None] = {}
    for char in text:
        if char in found:
            continue
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            found[char] = None
    return list(found)


def without_controls(text: str, limit: int | None = None) -> str:
    """`text` (cut to `limit` characters) with control characters and lone surrogates shown as U+FFFD: what is
    typed into a URL may be stored and shown, and PostgreSQL refuses NUL in text and JSON."""
    text = text if limit is None else text[:limit]
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)
