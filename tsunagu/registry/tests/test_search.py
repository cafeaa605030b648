"""The search box: what an input means (registry.search), what each kind finds on SQLite and PostgreSQL alike,
the order, and the capped count of the search page. test_search_plans.py shows the PostgreSQL indexes serve it."""

import datetime

import pytest

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.registry import selectors
from tsunagu.registry.search import QueryKind, SearchTerm, classify_query
from tsunagu.registry.selectors import PersonFilters, person_queryset, person_search
from tsunagu.testing.factories import PersonFactory

SEARCH_URL = "/people/"
TODAY = datetime.date(2026, 4, 1)


# -- What an input means ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_a_blank_input_is_no_condition(text):
    assert classify_query(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [("1000066270", "1000066270"), ("１０００ ０６６２７０", "1000066270"), (" 12 ", "12"), ("19400503", "19400503")],
)
def test_digits_are_a_resident_number(text, number):
    # Eight digits too: a date needs an era, separators or 年月日 in the search box (the 生年月日 field reads 19400503).
    assert classify_query(text) == SearchTerm(QueryKind.RESIDENT_NUMBER, number)


@pytest.mark.parametrize(
    "text",
    [
        "S15.3.2",
        "s15.3.2",
        "S.15.3.2",
        "昭和15年3月2日",
        "昭15.3.2",
        "Ｓ１５．３．２",
        "1940-03-02",
        "1940/3/2",
        "1940年3月2日",
    ],
)
def test_a_date_in_wareki_or_seireki_is_a_birth_date(text):
    assert classify_query(text, today=TODAY) == SearchTerm(QueryKind.BIRTH_DATE, datetime.date(1940, 3, 2))


def test_a_date_that_does_not_exist_is_text_and_finds_nobody():
    assert classify_query("S70.3.2", today=TODAY).kind == QueryKind.NAME_CONTAINS


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("た", QueryKind.KANA_PREFIX, "タ"),
        ("ﾀｶ", QueryKind.KANA_PREFIX, "タカ"),
        ("たかはし", QueryKind.KANA_CONTAINS, "タカハシ"),
        ("タカハシ", QueryKind.KANA_CONTAINS, "タカハシ"),
        ("ﾀｶﾊｼ", QueryKind.KANA_CONTAINS, "タカハシ"),
        ("たかはし　たろう", QueryKind.KANA_CONTAINS, "タカハシタロウ"),
        ("高", QueryKind.NAME_PREFIX, "高"),
        ("髙橋", QueryKind.NAME_PREFIX, "高橋"),
        ("山﨑", QueryKind.NAME_PREFIX, "山崎"),
        ("髙橋 太郎", QueryKind.NAME_CONTAINS, "高橋太郎"),
        ("Yamada", QueryKind.NAME_CONTAINS, "yamada"),
    ],
)
def test_kana_and_names_are_folded_and_short_ones_are_a_prefix(text, kind, key):
    assert classify_query(text) == SearchTerm(kind, key)


# -- What each kind finds (both databases) ------------------------------------------------------------------


@pytest.fixture
def named(ward):
    """Residents whose names and dates tell the kinds apart, beside the ward's 髙橋 and 山田 personas."""
    town = ward.towns.a1
    return {
        "takahashi": ward.people.a1_agreed,  # 髙橋 タカハシ, 太郎…, タロウ, 1940-05-03
        "yamasaki": PersonFactory(
            town=town, family_name="山﨑", given_name="花子", family_name_kana="ヤマサキ", given_name_kana="ハナコ",
            birth_date=datetime.date(1940, 3, 2),
        ),
        "takada": PersonFactory(
            town=town, family_name="高田", given_name="一郎", family_name_kana="タカダ", given_name_kana="イチロウ",
            birth_date=datetime.date(1952, 11, 30),
        ),
        "nakatakahashi": PersonFactory(
            town=town, family_name="中髙橋", given_name="修", family_name_kana="ナカタカハシ", given_name_kana="オサム",
            birth_date=datetime.date(1940, 3, 2),
        ),
    }  # fmt: skip


def found(ward, query, user=None):
    return {p.pk for p in person_queryset(user=user or ward.ward_officer, filters=PersonFilters(query=query))}


def ids(named, *names):
    return {named[name].pk for name in names}


@pytest.mark.parametrize("query", ["たかはし", "タカハシ", "ﾀｶﾊｼ", "かはし", "ﾀｶﾊ"])
def test_kana_of_three_or_more_is_found_anywhere_in_the_reading(ward, named, query):
    assert found(ward, query) == ids(named, "takahashi", "nakatakahashi")


@pytest.mark.parametrize(("query", "names"), [("た", {"takahashi", "takada"}), ("ﾀｶ", {"takahashi", "takada"})])
def test_kana_of_one_or_two_is_the_start_of_the_reading(ward, named, query, names):
    assert found(ward, query) == ids(named, *names)


def test_a_given_name_reading_is_found(ward, named):
    assert named["takahashi"].pk in found(ward, "たろう")
    assert found(ward, "はなこ") == ids(named, "yamasaki")


@pytest.mark.parametrize(
    ("query", "names"), [("高橋", {"takahashi"}), ("髙橋", {"takahashi"}), ("高", {"takahashi", "takada"})]
)
def test_a_short_name_is_the_start_of_the_family_name_whatever_the_variant(ward, named, query, names):
    assert found(ward, query) == ids(named, *names)


@pytest.mark.parametrize("query", ["山崎", "山﨑", "山﨑花子", "崎花子", "山崎 花子"])
def test_zaki_variants_find_yamasaki(ward, named, query):
    assert found(ward, query) == ids(named, "yamasaki")


def test_a_longer_name_is_found_anywhere_in_the_name(ward, named):
    assert found(ward, "髙橋太") == found(ward, "高橋太") == ids(named, "takahashi")  # not 中髙橋修
    assert found(ward, "橋修") == set()  # two characters: the start only
    assert found(ward, "高橋修") == ids(named, "nakatakahashi")


@pytest.mark.parametrize("query", ["S15.3.2", "昭和15年3月2日", "1940-03-02", "Ｓ１５．３．２", "昭15/3/2"])
def test_a_date_finds_those_born_that_day(ward, named, query):
    assert found(ward, query) == ids(named, "yamasaki", "nakatakahashi")


def test_a_resident_number_finds_exactly_that_resident(ward, named):
    number = named["takada"].resident_number
    assert found(ward, number) == ids(named, "takada")
    assert found(ward, number[:-1]) == set()  # no partial numbers
    assert found(ward, number, user=ward.association_member) == set()  # only those who see the number


@pytest.mark.parametrize("query", ["%", "_", "タ%", "\\", "％"])
def test_wildcards_typed_are_plain_characters(ward, named, query):
    assert found(ward, query) == set()


def test_results_are_in_kana_order_then_resident_number_for_every_kind(ward, named):
    twins = [
        PersonFactory(town=ward.towns.a1, family_name="高田", given_name="一郎", family_name_kana="タカダ",
                      given_name_kana="イチロウ", resident_number=number)
        for number in ("300000002", "300000001")
    ]  # fmt: skip
    expected_ta = [named["takada"], *sorted(twins, key=lambda p: p.resident_number), named["takahashi"]]
    expected_ta.sort(key=lambda p: (p.kana_key, p.resident_number))

    for query in ("た", "たか", "高", "高田"):  # the kana prefix walks the order index; the others are sorted
        rows = list(person_queryset(user=ward.ward_officer, filters=PersonFilters(query=query)))
        wanted = [p for p in expected_ta if query in ("た", "たか", "高") or p.family_name == "高田"]
        assert rows == wanted, query
    everyone = list(person_queryset(user=ward.ward_officer, filters=PersonFilters()))
    assert everyone == sorted(everyone, key=lambda p: (p.kana_key, p.resident_number))


def test_the_query_composes_with_the_policy_and_the_filters(ward, named):
    assert found(ward, "たかはし", user=ward.association_member) == {named["takahashi"].pk}
    assert found(ward, "たかはし", user=ward.care_plaza_worker) == set()  # district B only
    filters = PersonFilters(query="S15.3.2", town_id=ward.towns.a2.pk)
    assert list(person_queryset(user=ward.ward_officer, filters=filters)) == []


# -- The search page's count ----------------------------------------------------------------------------


def test_the_page_counts_up_to_the_limit_and_says_more(ward, named, verified_client, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 3)
    PersonFactory.create_batch(3, town=ward.towns.a1, family_name="高田", family_name_kana="タカダ")

    page = person_search(user=ward.ward_officer, filters=PersonFilters(query="たかだ"), page_size=2)

    assert (page.total, page.total_capped, page.pages, len(page.persons)) == (3, True, 2, 2)
    entry = AuditEntry.objects.filter(action=AuditAction.SEARCH).latest("seq")
    assert entry.detail == {"total": 3, "page": 1, "total_capped": True}
    content = verified_client(ward.ward_officer).get(SEARCH_URL, {"q": "たかだ"}).content.decode()
    assert "3人以上が見つかりました。" in content


def test_under_the_limit_the_count_is_exact(ward, named, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 3)

    page = person_search(user=ward.ward_officer, filters=PersonFilters(query="たか"))

    assert (page.total, page.total_capped) == (2, False)


def test_the_api_counts_exactly(ward, named, monkeypatch):
    from tsunagu.registry.tests.test_api import LIST_URL, token_client

    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 1)

    data = token_client(ward.ward_officer).get(LIST_URL, {"q": "たか"}).json()

    assert data["count"] == 2


def test_readings_that_start_with_the_kana_come_first_on_every_page(ward, named):
    atakahashi = PersonFactory(
        town=ward.towns.a1, family_name="阿高橋", given_name="清",
        family_name_kana="アタカハシ", given_name_kana="キヨシ",
    )  # fmt: skip
    expected = [named["takahashi"], atakahashi, named["nakatakahashi"]]  # タカハシ…, then アタカハシ, ナカタカハシ

    assert list(person_queryset(user=ward.ward_officer, filters=PersonFilters(query="たかはし"))) == expected
    pages = [
        person_search(user=ward.ward_officer, filters=PersonFilters(query="たかはし"), page=number, page_size=2)
        for number in (1, 2)
    ]
    assert [p.persons for p in pages] == [expected[:2], expected[2:]]
    assert {(p.total, p.pages, p.total_capped) for p in pages} == {(3, 2, False)}


def test_the_count_limit_spans_both_parts(ward, named, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 1)

    page = person_search(user=ward.ward_officer, filters=PersonFilters(query="たかはし"))

    assert (page.total, page.total_capped, page.persons) == (1, True, [named["takahashi"]])
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 2)
    page = person_search(user=ward.ward_officer, filters=PersonFilters(query="たかはし"))
    assert (page.total, page.total_capped, page.persons) == (2, False, [named["takahashi"], named["nakatakahashi"]])
