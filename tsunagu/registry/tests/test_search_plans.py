"""On PostgreSQL, every kind of search box query (registry.search) is served by the index chosen for it.

A ward of 20,000 residents with a realistic spread of names (a few common family names, many rarer ones) and
birth dates is written and ANALYZEd, so that the planner decides on real statistics: no index is forced, and
none is preferred because the table is tiny. Each query the search page runs on the person table (the capped
count, the ordered page of keys, the rows by key) is EXPLAINed as it ran; none may read the whole table, and the
page of keys must come from the kind's index:

- a kana prefix, and a list without a name, from person_kana_order, read in order (no sort);
- a longer kana query from person_kana_order (readings that start with it), then the others from
  person_kana_trgm when they are few, or from person_kana_order (index-only) when they are many;
- a short name from person_name_order (an index-only scan, since it carries the columns the order reads);
- a longer name from person_name_trgm; a 宛名番号 from its unique index; a date from person_birth_date.
"""

import datetime
import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.core.japanese import kana_search_key, name_search_key
from tsunagu.people.models import Person, Sex
from tsunagu.registry.selectors import PersonFilters, person_search
from tsunagu.testing.factories import TownFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner and indexes")

RESIDENTS = 20_000
FAMILY = [
    ("田中", "タナカ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("吉田", "ヨシダ"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("山田", "ヤマダ"), ("髙橋", "タカハシ"), ("木村", "キムラ"), ("小林", "コバヤシ"),
    ("林", "ハヤシ"), ("清水", "シミズ"), ("藤原", "フジワラ"), ("岡田", "オカダ"), ("山﨑", "ヤマサキ"),
    ("前田", "マエダ"), ("西村", "ニシムラ"), ("森", "モリ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"),
    ("伊藤", "イトウ"), ("渡邉", "ワタナベ"), ("加藤", "カトウ"), ("松田", "マツダ"), ("藤田", "フジタ"),
    ("池田", "イケダ"), ("橋本", "ハシモト"), ("坂本", "サカモト"), ("石田", "イシダ"), ("上田", "ウエダ"),
    ("森本", "モリモト"), ("西田", "ニシダ"), ("原田", "ハラダ"), ("村上", "ムラカミ"), ("谷口", "タニグチ"),
    ("岡本", "オカモト"), ("藤井", "フジイ"), ("中川", "ナカガワ"), ("久保", "クボ"), ("松井", "マツイ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("和子", "カズコ"), ("清", "キヨシ"),
    ("幸子", "サチコ"), ("茂", "シゲル"), ("節子", "セツコ"), ("実", "ミノル"), ("洋子", "ヨウコ"),
    ("翔太", "ショウタ"), ("陽菜", "ヒナ"), ("大輔", "ダイスケ"), ("愛", "アイ"), ("拓也", "タクヤ"),
    ("由美", "ユミ"), ("健一", "ケンイチ"), ("恵子", "ケイコ"), ("修", "オサム"), ("裕子", "ユウコ"),
]  # fmt: skip


@pytest.fixture(scope="module")
def city_residents(django_db_setup, django_db_blocker):
    """20,000 residents committed for the module and VACUUM ANALYZEd, as a live ward's table is: statistics
    for the planner, and the visibility map that lets an index-only scan skip the table. Removed afterwards."""
    with django_db_blocker.unblock():
        rng = random.Random(7)
        towns = [TownFactory(code=f"99{n:05d}", name=f"計画確認{n}丁目") for n in range(3)]
        family_weights = [1 / (rank + 1) for rank in range(len(FAMILY))]  # Zipf, as surnames are spread
        persons = []
        for n in range(RESIDENTS):
            (family, family_kana), (given, given_kana) = rng.choices(FAMILY, family_weights)[0], rng.choice(GIVEN)
            persons.append(
                Person(
                    resident_number=f"{2_000_000_000 + n}",
                    family_name=family,
                    given_name=given,
                    family_name_kana=family_kana,
                    given_name_kana=given_kana,
                    name_key=name_search_key(family + given),
                    kana_key=kana_search_key(family_kana + given_kana),
                    birth_date=datetime.date(1925, 1, 1) + datetime.timedelta(days=rng.randrange(36_500)),
                    sex=Sex.FEMALE if n % 2 else Sex.MALE,
                    town=rng.choice(towns),
                )
            )
        Person.objects.bulk_create(persons, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE people_person")
        try:
            yield
        finally:
            Person.objects.filter(town__in=towns).delete()
            for town in towns:
                town.delete()


@pytest.fixture
def city_ward(city_residents, ward):
    return ward


def _plans(user, query):
    """Each query the search page ran on the person table, with its plan."""
    with CaptureQueriesContext(connection) as captured:
        person_search(user=user, filters=PersonFilters(query=query))
    plans = []
    for sql in (q["sql"] for q in captured.captured_queries):
        if '"people_person"' in sql and sql.lstrip().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                result = cursor.fetchone()[0]
            plans.append((sql, (json.loads(result) if isinstance(result, str) else result)[0]["Plan"]))
    return plans


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _person_scans(plan):
    """(node type, index) of each node reading the person table or one of its indexes."""
    return [
        (n["Node Type"], n.get("Index Name"))
        for n in _nodes(plan)
        if n.get("Relation Name") == "people_person" or n.get("Index Name", "").startswith(("person_", "people_person"))
    ]


def _whole_table_scans(plan, under_limit=False):
    """Sequential scans of the person table not stopped by a LIMIT (the capped count's LIMIT 1001 stops one
    at the 1,001st match: for a query as broad as 「た」 that is the planner's cheapest way to count)."""
    if plan["Node Type"] == "Seq Scan" and plan.get("Relation Name") == "people_person" and not under_limit:
        yield plan
    for child in plan.get("Plans", []):
        yield from _whole_table_scans(child, under_limit or plan["Node Type"] == "Limit")


def _pages(plans):
    """The plans of the ordered page queries (of rows, or of keys first): one per part read."""
    return [plan for sql, plan in plans if " ORDER BY " in sql]


def _page_of_keys(plans):
    return _pages(plans)[-1]


@pytest.mark.parametrize(
    ("query", "indexes"),
    [
        ("", {"person_kana_order"}),
        ("た", {"person_kana_order"}),
        ("ﾀﾅ", {"person_kana_order"}),
        ("やまだ", {"person_kana_order"}),
        ("山田", {"person_name_order"}),
        ("林", {"person_name_order"}),
        ("髙橋", {"person_name_order"}),
        ("山﨑花子", {"person_name_trgm"}),
        ("橋太郎", {"person_name_trgm"}),
        ("2000012345", {"people_person_resident_number_key", "people_person_resident_number_c018bf06_like"}),
        ("S40.5.3", {"person_birth_date"}),
        ("1965-05-03", {"person_birth_date"}),
    ],
)
def test_each_kind_of_query_reads_its_index_and_never_the_whole_table(city_ward, query, indexes):
    plans = _plans(city_ward.ward_officer, query)

    assert plans
    for sql, plan in plans:
        assert not list(_whole_table_scans(plan)), (sql, _person_scans(plan))
    used = {index for _node, index in _person_scans(_page_of_keys(plans))}
    assert used & indexes, used


def test_a_kana_prefix_is_read_in_order_and_stops_after_the_page(city_ward):
    plan = _page_of_keys(_plans(city_ward.ward_officer, "た"))

    assert plan["Node Type"] == "Limit"
    assert not [n for n in _nodes(plan) if n["Node Type"] in ("Sort", "Incremental Sort")]
    assert _person_scans(plan) in ([("Index Scan", "person_kana_order")], [("Index Only Scan", "person_kana_order")])


def test_readings_that_have_a_rare_kana_further_on_are_found_by_trigrams(city_ward):
    plans = _plans(city_ward.ward_officer, "ろうた")  # nobody: both parts are read

    assert "person_kana_trgm" in {index for _sql, plan in plans for _node, index in _person_scans(plan)}


def test_a_common_given_name_is_met_walking_the_kana_order_from_the_index_alone(city_ward):
    # 「いちろう」: nobody's reading starts with it, one in twenty has it further on, in every family name.
    plans = _plans(city_ward.ward_officer, "いちろう")

    assert _person_scans(_page_of_keys(plans)) == [("Index Only Scan", "person_kana_order")]


def test_a_short_name_is_ordered_from_the_index_alone(city_ward):
    plan = _page_of_keys(_plans(city_ward.ward_officer, "山田"))

    assert _person_scans(plan) == [("Index Only Scan", "person_name_order")]
