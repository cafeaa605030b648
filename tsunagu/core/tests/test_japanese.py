import unicodedata

import pytest

from tsunagu.core.japanese import (
    INVALID_KANA_MESSAGE,
    VARIANT_TABLE,
    cp932_unencodable,
    fold_variants,
    is_kana,
    kana_search_key,
    name_search_key,
    normalize_kana_reading,
    normalize_phone,
    query_keys,
    to_katakana,
    town_name_key,
)


@pytest.mark.parametrize(
    "spellings",
    [
        ("髙橋 太郎", "高橋太郎", "高橋　太郎", "髙橋\u3000太郎"),
        ("山﨑", "山崎", "山嵜", "山碕"),
        ("齊藤", "齋藤", "斉藤", "斎藤"),
        ("渡邊", "渡邉", "渡辺"),
        ("濵田", "濱田", "浜田"),
        ("德永", "徳永"),
        ("槇原", "槙原"),
        ("廣瀨", "広瀬"),
        ("櫻井", "桜井"),
        ("澤田", "沢田"),
        ("國分", "国分"),
        ("大藏", "大蔵"),
        ("中嶋", "中嶌", "中島"),
        ("冨田", "富田"),
        ("眞理子", "真理子"),
        ("惠子", "恵子"),
        ("曻", "昇"),
        ("\ufa10本", "塚本"),  # compatibility ideograph 塚, folded by NFKC
        ("北條", "北条"),
        ("淵上", "渕上"),
        ("來島", "来島"),
        ("莊司", "荘司"),
        ("龍太", "竜太"),
        ("𠮷田", "吉田"),
        ("渡邉\U000e0100", "渡辺"),  # 邉 with an ideographic variation selector, as registry systems emit it
        ("ＳＭＩＴＨ John", "smithjohn"),
    ],
)
def test_name_search_key_treats_variant_spellings_as_the_same_name(spellings: tuple[str, ...]) -> None:
    keys = {name_search_key(spelling) for spelling in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("registered", "query"),
    [
        ("籠橋", "篭橋"),  # different surnames in practice: not folded
        ("館野", "舘野"),
        ("加藤", "佐藤"),
        ("辰巳", "竜巳"),
    ],
)
def test_name_search_key_keeps_different_names_apart(registered: str, query: str) -> None:
    assert name_search_key(registered) != name_search_key(query)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("齋藤", "斉藤"),
        ("斎藤", "斉藤"),
        ("渡邉", "渡辺"),
        ("\ufa10", "塚"),
        ("高橋", "高橋"),
        ("ﾀｶﾊｼ", "タカハシ"),  # NFKC widens half-width kana
    ],
)
def test_fold_variants(text: str, expected: str) -> None:
    assert fold_variants(text) == expected


def test_variant_table_is_reachable_after_nfkc_and_idempotent() -> None:
    for variant, standard in VARIANT_TABLE.items():
        # A key that NFKC rewrites would never be looked up: the entry would be dead.
        assert unicodedata.normalize("NFKC", variant) == variant, variant
        assert standard not in VARIANT_TABLE, standard
        assert fold_variants(standard) == standard


def test_name_search_key_removes_all_whitespace_and_lower_cases() -> None:
    assert name_search_key(" 髙橋\u3000太郎\t") == "高橋太郎"
    assert name_search_key("Maria  Garcia") == "mariagarcia"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("たかはし", "タカハシ"),
        ("ﾀｶﾊｼ", "タカハシ"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"),
        ("ゔぁ", "ヴァ"),
        ("カ゛ハ゜", "ガパ"),  # spacing voicing marks from old data
        ("か\u3099", "ガ"),  # decomposed (NFD) input
        ("髙橋 abc 123", "髙橋 abc 123"),  # everything else untouched, including width and kanji
        ("\ufa10", "\ufa10"),
        ("ｽｽﾞｷ　ｲﾁﾛｳ", "スズキ　イチロウ"),
    ],
)
def test_to_katakana(text: str, expected: str) -> None:
    assert to_katakana(text) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ("タカハシ", "たかはし", "ﾀｶﾊｼ", "タカ ハシ", "たか　はし"),
        ("スズキ", "スヅキ", "すづき"),
        ("フジワラ", "フヂワラ"),
        ("キヨ", "キョ"),  # small kana folded to large
        ("ハツ", "ハッ"),
        ("メアリーアン", "メアリー・アン", "メアリー－アン", "メアリー-アン", "メアリー＝アン"),
        ("オサム", "ヲサム"),
        ("イネ", "ヰネ"),
        ("エミ", "ヱミ"),
        ("ケンジ", "ヶンジ"),
        ("カオリ", "ヵオリ"),
        ("ワタナベ", "ヮタナベ"),
    ],
)
def test_kana_search_key_matches_spelling_variants(spellings: tuple[str, ...]) -> None:
    keys = {kana_search_key(spelling) for spelling in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("カトウ", "ガトウ"),  # voicing is kept
        ("ハナ", "パナ"),
        ("ヴァイオリン", "バイオリン"),  # ヴ kept
        ("オーノ", "オノ"),  # long vowel mark kept
    ],
)
def test_kana_search_key_keeps_distinct_readings_apart(one: str, other: str) -> None:
    assert kana_search_key(one) != kana_search_key(other)


def test_kana_search_key_examples() -> None:
    assert kana_search_key("スヅキ　ジロー") == "スズキジロー"
    assert kana_search_key("ﾀｶﾊｼ") == "タカハシ"


def test_query_keys_for_kana_query() -> None:
    name_key, kana_key = query_keys("たかはし")
    assert kana_key == kana_search_key("タカハシ") == kana_search_key("ﾀｶﾊｼ")
    assert name_key == name_search_key("たかはし")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("髙橋", ("高橋", "")),
        ("髙橋 たろう", ("高橋たろう", "")),  # mixed: not a reading
        ("ﾀｶﾊｼ ﾀﾛｳ", ("タカハシタロウ", "タカハシタロウ")),
        ("たかはし　たろう", ("たかはしたろう", "タカハシタロウ")),
        ("メアリー・アン", ("メアリー・アン", "メアリーアン")),
        ("Smith", ("smith", "")),
        ("", ("", "")),
        ("   ", ("", "")),
        ("・", ("・", "")),
    ],
)
def test_query_keys(query: str, expected: tuple[str, str]) -> None:
    assert query_keys(query) == expected


def test_query_keys_kanji_query_has_no_kana_key() -> None:
    assert query_keys("髙橋")[1] == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("たかはし", True),
        ("タカハシ", True),
        ("ﾀｶﾊｼ", True),
        ("タカハシ　タロウ", True),
        ("ジロー", True),
        ("ヴァ", True),
        ("", False),
        ("　", False),
        ("髙橋", False),
        ("タカハシ1", False),
        ("takahashi", False),
        ("タカハシ・タロウ", False),
    ],
)
def test_is_kana(text: str, expected: bool) -> None:
    assert is_kana(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ヤマダ タロウ", "ヤマダ\u3000タロウ"),
        ("やまだ　たろう", "ヤマダ\u3000タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u3000タロウ"),
        ("  ヤマダ \u3000 タロウ  ", "ヤマダ\u3000タロウ"),  # one 全角 space between, none outside
        ("ヤマダタロウ", "ヤマダタロウ"),
        ("スヅキ　ジロー", "スヅキ\u3000ジロー"),  # stored as written: folding is only for the search key
        ("キョウコ", "キョウコ"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_kana_reading(text: str, expected: str) -> None:
    assert normalize_kana_reading(text) == expected


@pytest.mark.parametrize(
    "text",
    ["山田 タロウ", "ヤマダ タロウ1", "yamada", "ヤマダ・タロウ", "ヤマダ-タロウ", "ア゛", "ﾔﾏﾀﾞ ﾞ"],
)
def test_normalize_kana_reading_refuses_non_kana(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        normalize_kana_reading(text)
    assert str(excinfo.value) == INVALID_KANA_MESSAGE
    assert INVALID_KANA_MESSAGE == "フリガナにカタカナ・ひらがな以外の文字が含まれています"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山田太郎", []),
        ("髙橋 﨑山", []),  # held in CP932 through the IBM extension codes
        ("𠮷田", ["𠮷"]),
        ("𠮷田𠮷男", ["𠮷"]),  # each character reported once
        ("渡邉\U000e0100", ["\U000e0100"]),
        ("", []),
    ],
)
def test_cp932_unencodable(text: str, expected: list[str]) -> None:
    assert cp932_unencodable(text) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ("泉尾1丁目", "泉尾一丁目", "泉尾１丁目", "泉尾 一丁目", "泉尾01丁目"),
        ("泉尾11丁目", "泉尾十一丁目", "泉尾１１丁目"),
        ("泉尾20丁目", "泉尾二十丁目", "泉尾弐拾丁目"),
        ("泉尾10丁目", "泉尾十丁目", "泉尾一〇丁目"),
        ("北1条西2丁目", "北一条西二丁目", "北１条西２丁目"),
        ("2-5-8", "２－５－８", "2ー5ー8", "2−5−8", "2‐5‐8", "2―5―8"),  # 番地: dashes as people type them
        ("コーポ泉尾101", "コーポ泉尾 １０１"),  # 方書
        ("濵田町一丁目", "濱田町1丁目", "浜田町一丁目"),  # 異体字, as in names
    ],
)
def test_town_name_key_folds_the_ways_registries_write_a_town(spellings):
    assert {town_name_key(s) for s in spellings} == {town_name_key(spellings[0])}, spellings


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("泉尾1丁目", "泉尾11丁目"),
        ("泉尾一丁目", "泉尾十一丁目"),
        ("泉尾一丁目", "泉尾二丁目"),
        ("泉尾一丁目", "泉尾一丁目2番"),  # a lot (番) is not part of a town's name …
        ("一番町", "1番町"),  # … and a number before 番 is never read as one: 一番町 is a name
        ("八丁堀", "8丁堀"),  # 丁 alone is not 丁目
        ("2-5-8", "2-5-9"),
    ],
)
def test_town_name_key_keeps_different_towns_and_lots_apart(one, other):
    assert town_name_key(one) != town_name_key(other)


def test_town_name_key_leaves_the_registered_spelling_alone():
    name = "泉尾一丁目"

    assert town_name_key(name) == "泉尾1丁目"
    assert name == "泉尾一丁目"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("０６－６５５５－０１０１", "06-6555-0101"),
        ("06ー6555ー0101", "06-6555-0101"),  # ー (long vowel mark): what an IME gives for 「-」 after digits
        ("06ｰ6555ｰ0101", "06-6555-0101"),
        ("06‐6555‐0101", "06-6555-0101"),
        ("06―6555―0101", "06-6555-0101"),
        ("06−6555−0101", "06-6555-0101"),
        ("（０６）６５５５－０１０１", "(06)6555-0101"),
        ("　090-1111-2222　", "090-1111-2222"),
        ("06-6555-0101", "06-6555-0101"),
        ("", ""),
    ],
)
def test_normalize_phone_gives_the_half_width_form(written, stored):
    assert normalize_phone(written) == stored


def test_normalize_phone_does_not_judge_what_is_not_a_phone_number():
    # Letters stay: refusing them is the import's rule (PHONE_MESSAGE), not this function's.
    assert normalize_phone("０６ーＡＢＣ") == "06-ABC"
