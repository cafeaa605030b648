"""The import streams the file in batches (issue 7): what holds across batches — one transaction, every bad row
with its line, duplicates and households checked over the whole file, re-imports recording exactly what changed.

The batches are made small here so that a few hundred rows cross many of them; the memory and speed at
1,000,000 rows are the bench's (bench/residents_import_bench.py), not a test's."""

import pytest

from tsunagu.people.models import Person, ResidencyEvent, ResidencyEventKind, ResidentStatus
from tsunagu.people.services import (
    CHOICE_MESSAGE,
    DUPLICATE_NUMBER_MESSAGE,
    HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE,
    SEX_ALLOWED,
    ImportFailed,
    RowError,
)
from tsunagu.people.services import residents as residents_module
from tsunagu.people.tests.test_importing import csv_bytes, run, sample_rows, snapshot

SIZE = 400


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(residents_module, "BATCH_ROWS", 37)


def many_rows(size=SIZE):
    """`size` residents in households of two, alternating between two towns."""
    base = sample_rows()[0]
    rows = []
    for n in range(size):
        town, lot = ("0001001", f"1-{n // 2}") if n // 2 % 2 else ("0001002", f"2-{n // 2}")
        rows.append(
            {
                **base,
                "宛名番号": str(700000000 + n),
                "世帯番号": f"H7{n // 2:05d}",
                "町丁目コード": town,
                "番地": lot,
                "電話番号": f"06-6000-{n:04d}",
                "ひとり暮らし": "無",
            }
        )
    return rows


def test_a_file_across_many_batches_imports_every_row_with_its_events(ward):
    result = run(csv_bytes(many_rows()))

    assert (result.row_count, result.created, result.households_created) == (SIZE, SIZE, SIZE // 2)
    assert Person.objects.filter(resident_number__startswith="7").count() == SIZE
    assert ResidencyEvent.objects.filter(import_batch_id=result.batch_id).count() == SIZE
    second = Person.objects.get(resident_number="700000001")
    assert (second.household.number, second.town.code, second.phone) == ("H700000", "0001002", "06-6000-0001")


def test_an_unchanged_reimport_writes_no_event_and_touches_no_resident(ward):
    rows = many_rows()
    run(csv_bytes(rows))
    before = sorted(Person.objects.values_list("resident_number", "updated_at"))
    events = ResidencyEvent.objects.count()

    result = run(csv_bytes(rows))

    assert (result.unchanged, result.updated, result.created, result.households_created) == (SIZE, 0, 0, 0)
    assert ResidencyEvent.objects.count() == events
    assert sorted(Person.objects.values_list("resident_number", "updated_at")) == before


def test_a_reimport_with_one_percent_changed_records_exactly_those_changes(ward):
    rows = many_rows()
    run(csv_bytes(rows))
    before = {p.resident_number: p for p in Person.objects.all()}
    changed = [dict(row) for row in rows]
    changed[5]["電話番号"] = "06-6999-0005"  # an update, no event
    changed[120].update({"住民状態": "死亡", "異動日": "2026-05-20"})
    # The whole household of 300 and 301 moves (both rows), so the 世帯番号 rule holds.
    for n in (300, 301):
        changed[n].update({"町丁目コード": "0002001", "番地": "9-9"})

    result = run(csv_bytes(changed))

    assert (result.updated, result.unchanged, result.created) == (4, SIZE - 4, 0)
    assert (result.died, result.moved_within, result.corrected, result.moved_out) == (1, 2, 0, 0)
    events = ResidencyEvent.objects.filter(import_batch_id=result.batch_id)
    assert sorted((e.person.resident_number, e.kind) for e in events) == [
        ("700000120", ResidencyEventKind.DIED),
        ("700000300", ResidencyEventKind.MOVED_WITHIN),
        ("700000301", ResidencyEventKind.MOVED_WITHIN),
    ]
    after = {p.resident_number: p for p in Person.objects.all()}
    touched = {number for number in after if after[number].updated_at != before[number].updated_at}
    assert touched == {"700000005", "700000120", "700000300", "700000301"}
    assert after["700000005"].phone == "06-6999-0005"
    assert (after["700000120"].status, after["700000300"].town.code) == (ResidentStatus.DECEASED, "0002001")


def test_a_bad_row_deep_in_the_file_is_reported_with_its_line_and_nothing_is_applied(ward):
    rows = many_rows()
    run(csv_bytes(rows[:100]))  # a registry to change: the file's earlier batches would update it
    before = snapshot()
    changed = [{**row, "電話番号": "06-6111-1111"} for row in rows]
    changed[349]["性別"] = "?"  # line 351: the header is line 1

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(changed))

    message = CHOICE_MESSAGE.format(column="性別", value="?", allowed=SEX_ALLOWED)
    assert failed.value.errors == [RowError(351, "性別", message)]
    assert snapshot() == before


@pytest.mark.parametrize("registry", ["empty", "filled"])
def test_a_number_repeated_batches_later_is_reported_with_its_first_line(ward, registry):
    rows = many_rows()
    if registry == "filled":
        run(csv_bytes(rows[:50]))
    before = snapshot()
    repeated = [*rows, {**rows[10], "世帯番号": "H799999"}, {**rows[300], "世帯番号": "H799998"}]

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(repeated))

    assert failed.value.errors == [
        RowError(SIZE + 2, "宛名番号", DUPLICATE_NUMBER_MESSAGE.format(value="700000010", first=12)),
        RowError(SIZE + 3, "宛名番号", DUPLICATE_NUMBER_MESSAGE.format(value="700000300", first=302)),
    ]
    assert snapshot() == before


def test_a_household_split_across_batches_is_checked_as_one(ward):
    rows = many_rows()
    # The first and the last row of the file join one new household at two addresses.
    rows[0]["世帯番号"] = rows[-1]["世帯番号"] = "H788888"
    before = snapshot()

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows))

    first_town = "泉尾二丁目"  # rows[0] lives in 0001002
    assert failed.value.errors[-1] == RowError(
        SIZE + 1, "世帯番号", HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE.format(number="H788888", line=2, town=first_town)
    )
    assert snapshot() == before


def test_progress_is_reported_batch_by_batch(ward):
    seen = []

    run(csv_bytes(many_rows()), on_progress=lambda done, total: seen.append((done, total)))

    assert seen[-1] == (SIZE, SIZE)
    assert len(seen) > SIZE // 37
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_an_uploaded_file_is_read_in_place(ward, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

    data = csv_bytes(many_rows(50), encoding="cp932")
    in_memory = SimpleUploadedFile("residents.csv", data)
    on_disk = TemporaryUploadedFile("residents.csv", "text/csv", len(data), None)
    on_disk.write(data)
    on_disk.seek(0)

    first = run(in_memory)
    second = run(on_disk)

    assert (first.created, first.encoding, second.unchanged) == (50, "cp932", 50)
    on_disk.close()


def _planner_rows(table: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


def test_the_planner_counts_the_rows_an_import_writes_before_it_commits(ward, monkeypatch):
    """PostgreSQL plans a batch's lookups by its statistics; autovacuum renews them only after the import
    commits. Without ANALYZE inside the import, a registry imported into an empty table is "empty" to the planner
    for the whole import, and each batch's lookup of its 宛名番号 scans every row."""
    from django.db import connection

    from tsunagu.core import bulk

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    monkeypatch.setattr(bulk.PlannerStatistics, "MIN_ROWS", 50)
    seen: list[float] = []
    original = residents_module.existing_persons

    def looked_up(numbers):
        seen.append(_planner_rows("people_person"))
        return original(numbers)

    monkeypatch.setattr(residents_module, "existing_persons", looked_up)
    run(csv_bytes(many_rows()))  # 400 rows in batches of 37: analysed at 50, 100, 200 and 400 rows written

    assert _planner_rows("people_person") >= SIZE
    assert _planner_rows("people_household") >= SIZE // 2
    assert _planner_rows("people_residencyevent") >= SIZE
    # An unchanged re-import reads the registry batch by batch: the planner knows it from its first batch.
    seen.clear()
    run(csv_bytes(many_rows()))
    assert seen and min(seen) >= SIZE
