"""Import rate of `residents_import` against a bare bulk insert of the same residents (issue 14).

Runs inside a Django worker on an empty scratch database (see harness.py). The CSV is generated here,
deterministically, so the figure does not depend on the demo generator."""

from __future__ import annotations

import cProfile
import csv
import io
import os
import pstats
import random
import time

N_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
N_TOWNS = 120
SEED = 20240501

# Paired spellings and readings (Faker's ja_JP kana_name does not match its names).
SURNAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("髙橋", "タカハシ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡邉", "ワタナベ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"),
    ("山﨑", "ヤマサキ"), ("山崎", "ヤマザキ"), ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"),
    ("林", "ハヤシ"), ("齋藤", "サイトウ"), ("斎藤", "サイトウ"), ("清水", "シミズ"), ("山口", "ヤマグチ"),
    ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"), ("石川", "イシカワ"),
    ("濵田", "ハマダ"), ("前田", "マエダ"), ("藤田", "フジタ"), ("小川", "オガワ"), ("岡田", "オカダ"),
    ("後藤", "ゴトウ"), ("長谷川", "ハセガワ"), ("村上", "ムラカミ"), ("近藤", "コンドウ"), ("石井", "イシイ"),
]  # fmt: skip
GIVEN = [
    ("太郎", "タロウ"), ("花子", "ハナコ"), ("一郎", "イチロウ"), ("和子", "カズコ"), ("清", "キヨシ"),
    ("幸子", "サチコ"), ("茂", "シゲル"), ("節子", "セツコ"), ("実", "ミノル"), ("洋子", "ヨウコ"),
    ("博", "ヒロシ"), ("恵子", "ケイコ"), ("勇", "イサム"), ("美智子", "ミチコ"), ("進", "ススム"),
    ("京子", "キョウコ"), ("正", "タダシ"), ("久子", "ヒサコ"), ("豊", "ユタカ"), ("悦子", "エツコ"),
    ("翔太", "ショウタ"), ("陽菜", "ヒナ"), ("蓮", "レン"), ("結衣", "ユイ"), ("大翔", "ヒロト"),
    ("さくら", "サクラ"), ("健一", "ケンイチ"), ("由美", "ユミ"), ("修", "オサム"), ("明美", "アケミ"),
]  # fmt: skip
HEADER = [
    "宛名番号", "世帯番号", "氏", "名", "氏フリガナ", "名フリガナ", "生年月日", "性別", "町丁目コード", "番地", "方書",
    "電話番号", "住民状態", "異動日", "要介護度", "身体障害者手帳種別", "身体障害者手帳等級", "療育手帳",
    "精神障害者保健福祉手帳等級", "難病", "ひとり暮らし", "高齢者のみ世帯",
]  # fmt: skip
ERAS = [("明治", 1868), ("大正", 1912), ("昭和", 1926), ("平成", 1989), ("令和", 2019)]
CARE = ["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"]
PHYSICAL = ["視覚障害", "聴覚・平衡機能障害", "肢体不自由", "内部障害"]


def _birth_text(rng: random.Random, day) -> str:
    form = rng.random()
    if form < 0.4:
        return day.isoformat()
    from tsunagu.core.wareki import format_wareki, format_wareki_short

    return format_wareki(day) if form < 0.8 else format_wareki_short(day)


def generate_csv(n_rows: int, town_codes: list[str], seed: int = SEED) -> bytes:
    """A registry extract as a ward would hand it over: CP932, CRLF, half-width kana here and there."""
    import datetime

    import jaconv

    rng = random.Random(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    household = 0
    left_in_household = 0
    start = datetime.date(1925, 1, 1).toordinal()
    span = datetime.date(2024, 12, 31).toordinal() - start
    for n in range(n_rows):
        if left_in_household == 0:
            household += 1
            left_in_household = rng.choice((1, 1, 2, 2, 2, 3, 4))
            town = rng.choice(town_codes)
            address = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
            extra = f"ハイツ大正{rng.randint(1, 5)}0{rng.randint(1, 9)}" if rng.random() < 0.3 else ""
            surname = rng.choice(SURNAMES)
            alone = left_in_household == 1
        left_in_household -= 1
        given = rng.choice(GIVEN)
        born = datetime.date.fromordinal(start + rng.randrange(span))
        old = born.year < 1960
        family_kana = jaconv.z2h(surname[1], kana=True) if rng.random() < 0.1 else surname[1]
        status_roll = rng.random()
        status = "住民" if status_roll < 0.96 else ("転出" if status_roll < 0.98 else "死亡")
        moved = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if status != "住民" else ""
        writer.writerow(
            [
                str(200000000 + n),
                f"H{household:08d}",
                surname[0],
                given[0],
                family_kana,
                given[1],
                _birth_text(rng, born),
                rng.choice(("男", "女", "1", "2")),
                town,
                address,
                extra,
                f"06-6{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}" if rng.random() < 0.7 else "",
                status,
                moved,
                rng.choice(CARE) if old and rng.random() < 0.25 else "",
                rng.choice(PHYSICAL) if rng.random() < 0.05 else "",
                str(rng.randint(1, 6)) if rng.random() < 0.05 else "",
                rng.choice(("A", "B1", "B2")) if rng.random() < 0.01 else "",
                str(rng.randint(1, 3)) if rng.random() < 0.02 else "",
                "有" if rng.random() < 0.02 else "無",
                "有" if alone and old else "",
                "1" if old and rng.random() < 0.5 else "0",
            ]
        )
    return out.getvalue().encode("cp932")


def _empty_residents() -> None:
    """Empty the tables and reclaim their space, so the bare insert starts as clean as the import did."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_residencyevent")
        cursor.execute("DELETE FROM people_person")
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM ANALYZE people_person")


def measure(database: str, *flags: str) -> dict[str, float]:
    from tsunagu.areas.models import Town
    from tsunagu.people.models import Person
    from tsunagu.people.services import IMPORT_BATCH_SIZE, residents_import

    Town.objects.bulk_create(
        [Town(code=f"{27100000 + n:08d}", name=f"大正{n}丁目") for n in range(N_TOWNS)]
    )
    codes = list(Town.objects.values_list("code", flat=True))
    started = time.perf_counter()
    data = generate_csv(N_ROWS, codes)
    print(f"  generated {N_ROWS:,} CP932 rows ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")

    profiler = cProfile.Profile() if "--profile" in flags else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = residents_import(source=data, filename="bench.csv")
    if profiler:
        profiler.disable()
    import_seconds = time.perf_counter() - started
    assert result.created == N_ROWS, result
    print(f"  residents_import: {import_seconds:.2f} s")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)

    persons = list(Person.objects.all())
    _empty_residents()
    for person in persons:
        person.pk = None
    started = time.perf_counter()
    Person.objects.bulk_create(persons, batch_size=IMPORT_BATCH_SIZE)
    bare_seconds = time.perf_counter() - started
    print(f"  bare Person.objects.bulk_create: {bare_seconds:.2f} s")

    import_rate = N_ROWS / import_seconds
    bare_rate = N_ROWS / bare_seconds
    return {
        f"import_rows_per_s_{database}": round(import_rate, 1),
        f"import_ratio_{database}": round(bare_rate / import_rate, 2),
    }
