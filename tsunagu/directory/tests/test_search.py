"""The search by need: plain words answer with the right windows; the resident's own district first; nothing
matched answers with the general windows, kindly."""

import datetime

import pytest

from tsunagu.directory.models import Topic
from tsunagu.directory.selectors import directory_search
from tsunagu.directory.vocabulary import needs_for
from tsunagu.testing.directory import build_directory

TODAY = datetime.date(2026, 5, 1)


@pytest.fixture
def directory(ward):
    return build_directory(ward)


def names(result):
    return [e.service.name for e in result.entries]


def test_parents_care_answers_with_the_care_plaza_of_the_residents_town(ward, directory):
    result = directory_search(query="親の介護", today=TODAY, town_id=ward.towns.b1.pk)
    assert names(result)[0] == "北恩加島ケアプラザ"
    assert "泉尾ケアプラザ" in names(result)
    in_a = directory_search(query="親の介護", today=TODAY, town_id=ward.towns.a2.pk)
    assert names(in_a)[0] == "泉尾ケアプラザ"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("お金に困っている", "生活自立相談窓口"),
        ("子どもの不登校", "こども相談"),
        ("ひきこもり", "生活自立相談窓口"),
        ("ヒキコモリ", "生活自立相談窓口"),  # katakana folds onto the hiragana phrase
        ("引きこもりの息子", "生活自立相談窓口"),
        ("認知症かも", "泉尾ケアプラザ|北恩加島ケアプラザ"),  # without a town: either care plaza
        ("ｻﾛﾝ", "泉尾ふれあいサロン"),  # half-width kana
    ],
)
def test_plain_words_answer_with_the_right_window(directory, query, first):
    result = directory_search(query=query, today=TODAY)
    assert not result.fallback
    assert names(result)[0] in first.split("|")


def test_money_trouble_is_not_taken_for_any_trouble(directory):
    # 「困っている」 alone is the general need; beside 「お金に」 the specific need wins.
    assert Topic.GENERAL in {t for n in needs_for("お金に困っている") for t in n.topics}
    result = directory_search(query="お金に困っている", today=TODAY)
    assert [n.topics for n in result.needs] == [(Topic.MONEY, Topic.WORK)]
    assert "区役所 福祉の総合相談" not in names(result)


def test_no_match_offers_the_general_windows(directory):
    result = directory_search(query="宇宙旅行", today=TODAY)
    assert result.fallback
    assert set(names(result)) == {"区役所 福祉の総合相談", "社協 総合相談"}


def test_drafts_are_never_found(directory):
    assert "準備中のサロン" not in names(directory_search(query="サロン", today=TODAY))


def test_full_text_finds_a_name(directory):
    assert names(directory_search(query="ふれあい", today=TODAY)) == ["泉尾ふれあいサロン"]
