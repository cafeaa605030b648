"""The resident import against the database's own bulk load of the same rows (issue 7, acceptance 5).

Runs inside a Django worker on an empty scratch database (see harness.py). The CSV is generated here into a file,
deterministically, so the figure does not depend on the demo generator. Measured:

- the import of BENCH_SIZE rows (default 1,000,000) into an empty registry, and the peak memory of the worker
  (ru_maxrss: the import streams, so it does not grow with the file);
- the raw load of exactly the rows the import wrote (households, residents, events) into the same tables, in one
  transaction: COPY on PostgreSQL, DB-API executemany on SQLite; the ratio is raw rate ÷ import rate;
- a re-import of the unchanged file, and one with 1% of the rows changed (whose counts and events are checked)."""

from __future__ import annotations

import cProfile
import csv
import os
import pickle
import pstats
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

N_ROWS = int(os.environ.get("BENCH_SIZE", "1000000"))
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


def generate_csv(path: Path, n_rows: int, town_codes: list[str], seed: int = SEED, changed_every: int = 0) -> int:
    """A registry extract as a ward would hand it over: CP932, CRLF, half-width kana here and there, written row
    by row. With `changed_every`, every so many rows differ from the plain file: a new phone number, and every
    fifth of those a move to another 番地 (so a 区内転居). Returns how many rows were changed."""
    import datetime

    import jaconv

    rng = random.Random(seed)
    changed = 0
    with path.open("w", encoding="cp932", newline="") as out:
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
            phone = f"06-6{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}" if rng.random() < 0.7 else ""
            row = [
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
                phone,
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
            if changed_every and n % changed_every == changed_every // 2:
                changed += 1
                row[11] = f"06-7{n % 1000:03d}-{n % 10000:04d}"
                if changed % 5 == 0 and status == "住民":
                    row[1] = ""  # out of the household (a move of part of it must name a new one)
                    row[9] = "99-99-99"
            writer.writerow(row)
    return changed


TABLES = ("people_household", "people_person", "people_residencyevent")


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")
    return [column[0] for column in cursor.description]


def _dump(directory: Path) -> dict[str, int]:
    """Every row of the three tables, kept in files to load them back raw."""
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            path = directory / table
            if connection.vendor == "postgresql":
                with path.open("wb") as out, cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    for block in copy:
                        out.write(block)
            else:
                cursor.execute(f"SELECT * FROM {table}")
                with path.open("wb") as out:
                    while rows := cursor.fetchmany(20000):
                        pickle.dump([tuple(row) for row in rows], out)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _empty() -> None:
    """Empty the tables and reclaim their space, so the raw load starts as clean as the import did."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in reversed(TABLES):
            cursor.execute(f"DELETE FROM {table}")
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")


def _unpickled(path: Path):
    with path.open("rb") as source:
        while True:
            try:
                yield from pickle.load(source)
            except EOFError:
                return


def _raw_load(directory: Path) -> float:
    """Seconds to load the dumped rows back, in one transaction, the database's fastest way. On SQLite the time
    to read the dump back (measured alone) is taken off, so only executemany counts."""
    from django.db import connection, transaction

    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for table in TABLES:
                with (directory / table).open("rb") as source, cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    while block := source.read(1 << 20):
                        copy.write(block)
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
        return seconds
    reading = time.perf_counter()
    for table in TABLES:
        for _row in _unpickled(directory / table):
            pass
    reading = time.perf_counter() - reading
    with connection.cursor() as cursor:
        columns = {table: _columns(cursor, table) for table in TABLES}
    started = time.perf_counter()
    with transaction.atomic():
        for table in TABLES:
            marks = ", ".join("?" * len(columns[table]))
            raw.executemany(f"INSERT INTO {table} VALUES ({marks})", _unpickled(directory / table))
    return time.perf_counter() - started - reading


def _label(n: int) -> str:
    return "1m" if n == 1_000_000 else f"{n // 1000}k"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(database: str, *flags: str) -> dict[str, float]:
    import logging

    steps = logging.getLogger("tsunagu.people.services.residents")
    steps.setLevel(logging.DEBUG)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("    %(message)s"))
    steps.addHandler(handler)
    steps.propagate = False
    from tsunagu.areas.models import Town
    from tsunagu.people.models import ResidencyEvent, ResidencyEventKind
    from tsunagu.people.services import residents_import

    Town.objects.bulk_create([Town(code=f"{27100000 + n:08d}", name=f"大正{n}丁目") for n in range(N_TOWNS)])
    codes = list(Town.objects.values_list("code", flat=True))
    work = Path(tempfile.mkdtemp(prefix="import-bench-", dir=os.environ.get("BENCH_TMP")))
    plain, changed_file = work / "residents.csv", work / "residents-1pct.csv"
    started = time.perf_counter()
    generate_csv(plain, N_ROWS, codes)
    changed = generate_csv(changed_file, N_ROWS, codes, changed_every=100)
    print(
        f"  generated 2 × {N_ROWS:,} CP932 rows ({plain.stat().st_size / 1e6:.1f} MB each) "
        f"in {time.perf_counter() - started:.1f} s; peak RSS so far {_peak_rss_mb():.0f} MB"
    )
    rss_before = _peak_rss_mb()

    profiler = cProfile.Profile() if "--profile" in flags else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = residents_import(source=plain)
    if profiler:
        profiler.disable()
    import_seconds = time.perf_counter() - started
    peak = _peak_rss_mb()
    assert result.created == N_ROWS, result
    cpu = time.process_time() - cpu
    print(
        f"  residents_import: {import_seconds:.2f} s ({N_ROWS / import_seconds:,.0f} rows/s; this process's CPU "
        f"{cpu:.2f} s), peak RSS {peak:.0f} MB"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)

    counts = _dump(work)
    _empty()
    raw_seconds = _raw_load(work)
    print(f"  raw load of the same rows {counts}: {raw_seconds:.2f} s ({N_ROWS / raw_seconds:,.0f} rows/s)")

    profiler = cProfile.Profile() if "--profile-reimport" in flags else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    again = residents_import(source=plain)
    if profiler:
        profiler.disable()
    unchanged_seconds = time.perf_counter() - started
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    assert (again.unchanged, again.created, again.updated) == (N_ROWS, 0, 0), again
    assert not ResidencyEvent.objects.filter(import_batch_id=again.batch_id).exists()
    print(f"  re-import, unchanged: {unchanged_seconds:.2f} s (this process's CPU {time.process_time() - cpu:.2f} s)")

    started = time.perf_counter()
    second = residents_import(source=changed_file)
    changed_seconds = time.perf_counter() - started
    events = ResidencyEvent.objects.filter(import_batch_id=second.batch_id)
    assert (second.updated, second.unchanged, second.created) == (changed, N_ROWS - changed, 0), second
    assert events.count() == second.moved_within, (events.count(), second)
    assert events.exclude(kind=ResidencyEventKind.MOVED_WITHIN).count() == 0
    print(f"  re-import, {changed:,} rows changed ({second.moved_within:,} moves): {changed_seconds:.2f} s")
    for path in work.iterdir():
        path.unlink()
    work.rmdir()

    import_rate, raw_rate = N_ROWS / import_seconds, N_ROWS / raw_seconds
    label = _label(N_ROWS)
    return {
        f"import_rows_per_s_{database}": round(import_rate, 1),
        f"import_raw_rows_per_s_{database}": round(raw_rate, 1),
        f"import_ratio_raw_{database}": round(raw_rate / import_rate, 2),
        f"import_peak_rss_mb_{label}_{database}": round(peak, 1),
        f"import_rss_before_mb_{database}": round(rss_before, 1),
        f"reimport_unchanged_seconds_{label}_{database}": round(unchanged_seconds, 2),
        f"reimport_1pct_seconds_{label}_{database}": round(changed_seconds, 2),
    }
