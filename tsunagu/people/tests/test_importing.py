import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tsunagu.audit.models import AuditAction, AuditChannel, AuditEntry
from tsunagu.core.csvio import (
    DUPLICATE_HEADER_MESSAGE,
    EMPTY_FILE_MESSAGE,
    MISSING_HEADER_MESSAGE,
    UNDECODABLE_MESSAGE,
    UNKNOWN_HEADER_MESSAGE,
)
from tsunagu.core.import_command import FAILED_MESSAGE
from tsunagu.people.models import (
    CareLevel,
    Household,
    ImportBatch,
    IntellectualGrade,
    Person,
    PhysicalDisabilityType,
    ResidencyEvent,
    ResidencyEventKind,
    ResidentStatus,
    Sex,
)
from tsunagu.people.services import (
    CHOICE_MESSAGE,
    DATE_EXAMPLES,
    DATE_IN_FUTURE,
    DATE_MESSAGE,
    DUPLICATE_NUMBER_MESSAGE,
    HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE,
    HOUSEHOLD_ELSEWHERE_MESSAGE,
    KANA_MESSAGE,
    PHONE_MESSAGE,
    REQUIRED_VALUE_MESSAGE,
    SEX_ALLOWED,
    SYSTEM_USERNAME,
    TOWN_AMBIGUOUS_MESSAGE,
    TOWN_HEADER_MESSAGE,
    TOWN_MISMATCH_MESSAGE,
    TOWN_NAME_WITH_LOT_MESSAGE,
    TOWN_UNKNOWN_CODE_MESSAGE,
    TOWN_UNKNOWN_NAME_MESSAGE,
    ImportFailed,
    RowError,
    residents_import,
)
from tsunagu.registry.selectors import PersonFilters, person_search
from tsunagu.testing.factories import TownFactory

DATA = Path(__file__).parent / "data"
TODAY = datetime.date(2026, 6, 1)
HEADER = [
    "宛名番号", "世帯番号", "氏", "名", "氏フリガナ", "名フリガナ", "生年月日", "性別", "町丁目コード", "番地", "方書",
    "電話番号", "住民状態", "異動日", "要介護度", "身体障害者手帳種別", "身体障害者手帳等級", "療育手帳",
    "精神障害者保健福祉手帳等級", "難病", "ひとり暮らし", "高齢者のみ世帯",
]  # fmt: skip


def sample_rows():
    """The rows of tests/data/residents_*.csv as dicts, to edit for a re-import."""
    text = (DATA / "residents_utf8.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def csv_bytes(rows, *, header=None, encoding="utf-8"):
    header = header or list(rows[0])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode(encoding)


def run(source, **kwargs):
    kwargs.setdefault("today", TODAY)
    return residents_import(source=source, **kwargs)


def person(number):
    return Person.objects.get(resident_number=number)


def events_of(number):
    return list(ResidencyEvent.objects.filter(person__resident_number=number).order_by("id"))


def nothing_written(before):
    return before == snapshot()


def snapshot():
    return (
        Person.objects.count(),
        Household.objects.count(),
        ResidencyEvent.objects.count(),
        ImportBatch.objects.count(),
        AuditEntry.objects.count(),
        sorted(Person.objects.values_list("resident_number", "updated_at")),
    )


# ── reading the file ──


@pytest.mark.parametrize(
    ("filename", "encoding"),
    [("residents_cp932.csv", "cp932"), ("residents_utf8_bom.csv", "utf-8-sig"), ("residents_utf8.csv", "utf-8")],
)
def test_every_encoding_imports_the_same_residents(ward, filename, encoding):
    result = run(DATA / filename)

    assert result.encoding == encoding
    assert (result.row_count, result.created, result.updated) == (5, 5, 0)
    takahashi = person("300000001")
    assert (takahashi.family_name, takahashi.given_name) == ("髙橋", "ハナ")
    assert (takahashi.family_name_kana, takahashi.given_name_kana) == ("タカハシ", "ハナ")
    assert takahashi.birth_date == datetime.date(1940, 5, 3)
    assert takahashi.town == ward.towns.a1
    assert ImportBatch.objects.get().encoding == encoding


def test_values_are_read_from_each_notation(ward):
    run(DATA / "residents_cp932.csv")

    takahashi = person("300000001")
    assert takahashi.sex == Sex.FEMALE
    assert takahashi.care_level == CareLevel.CARE_2
    assert (takahashi.lives_alone, takahashi.elderly_only_household, takahashi.intractable_disease) == (
        True,
        True,
        False,
    )
    assert takahashi.household.number == "H300001"

    yamasaki = person("300000002")
    assert yamasaki.family_name == "山﨑"  # not folded to 山崎
    assert yamasaki.birth_date == datetime.date(1948, 11, 20)  # 西暦
    assert yamasaki.sex == Sex.MALE
    assert yamasaki.address == "２－５－８"  # addresses stay as written
    assert yamasaki.address_extra == "コーポ泉尾101"
    assert yamasaki.phone == "06-6555-0102"  # full-width digits accepted
    assert yamasaki.physical_disability_type == PhysicalDisabilityType.LIMB
    assert yamasaki.physical_disability_grade == 2

    kazuko = person("300000003")
    assert kazuko.birth_date == datetime.date(1950, 2, 14)  # S25.2.14
    assert kazuko.sex == Sex.FEMALE  # 2
    assert kazuko.care_level == CareLevel.SUPPORT_1  # 要支援１
    assert (kazuko.intractable_disease, kazuko.lives_alone, kazuko.elderly_only_household) == (True, False, True)
    assert kazuko.household_id == yamasaki.household_id

    watanabe = person("300000004")
    assert watanabe.birth_date == datetime.date(1990, 4, 1)  # 平成2年
    assert watanabe.intellectual_disability_grade == IntellectualGrade.B  # B2
    assert watanabe.mental_disability_grade == 2  # ２
    assert watanabe.status_changed_on == datetime.date(2023, 4, 1)

    saito = person("300000005")
    assert saito.status == ResidentStatus.MOVED_OUT
    assert saito.status_changed_on == datetime.date(2025, 3, 31)


def test_imported_variant_names_are_found_by_their_standard_spelling(ward):
    run(DATA / "residents_cp932.csv")
    imported = person("300000001")

    for query in ("高橋", "髙橋", "たかはし", "ﾀｶﾊｼ"):
        page = person_search(user=ward.ward_officer, filters=PersonFilters(query=query))
        assert imported in page.persons, query
    page = person_search(user=ward.ward_officer, filters=PersonFilters(query="山崎"))
    assert {p.resident_number for p in page.persons} == {"300000002", "300000003"}


def test_new_residents_get_their_first_events_and_households(ward):
    households_before = Household.objects.count()
    result = run(DATA / "residents_cp932.csv")

    batch = ImportBatch.objects.get()
    assert batch.pk == result.batch_id
    assert (batch.row_count, batch.created_count, batch.updated_count, batch.moved_out_count) == (5, 5, 0, 1)
    assert batch.finished_at is not None
    assert Household.objects.count() == households_before + 4 == households_before + result.households_created
    assert [(e.kind, e.occurred_on) for e in events_of("300000001")] == [(ResidencyEventKind.REGISTERED, TODAY)]
    assert [(e.kind, e.occurred_on) for e in events_of("300000004")] == [
        (ResidencyEventKind.MOVED_IN, datetime.date(2023, 4, 1))
    ]
    assert [(e.kind, e.occurred_on) for e in events_of("300000005")] == [
        (ResidencyEventKind.REGISTERED, TODAY),
        (ResidencyEventKind.MOVED_OUT, datetime.date(2025, 3, 31)),
    ]
    assert set(ResidencyEvent.objects.values_list("import_batch", flat=True)) == {batch.pk}


# ── re-import ──


def test_reimport_records_moves_and_deaths_and_changes_nothing_else(ward):
    run(DATA / "residents_cp932.csv")
    before = {p.resident_number: p for p in Person.objects.all()}
    rows = sample_rows()
    rows[0].update({"町丁目コード": "0001002", "番地": "7-7", "異動日": "R8.5.10"})  # move within the ward
    rows[1].update({"住民状態": "死亡", "異動日": "令和8年5月20日"})
    rows[2].update({"住民状態": "転出", "異動日": ""})  # no date given: the import date
    rows[4].update({"住民状態": "住民", "異動日": "2026-05-01"})  # returns

    result = run(csv_bytes(rows, encoding="cp932"))

    assert (result.created, result.updated, result.unchanged) == (0, 4, 1)
    assert (result.moved_within, result.died, result.moved_out, result.returned, result.corrected) == (1, 1, 1, 1, 0)
    moved = events_of("300000001")[-1]
    assert (moved.kind, moved.occurred_on) == (ResidencyEventKind.MOVED_WITHIN, datetime.date(2026, 5, 10))
    assert moved.details == {
        "from": {"town_code": "0001001", "town": "泉尾一丁目", "address": "1-2-3", "address_extra": ""},
        "to": {"town_code": "0001002", "town": "泉尾二丁目", "address": "7-7", "address_extra": ""},
    }
    assert moved.import_batch_id == result.batch_id
    died = person("300000002")
    assert (died.status, died.status_changed_on) == (ResidentStatus.DECEASED, datetime.date(2026, 5, 20))
    assert [e.kind for e in events_of("300000002")][-1] == ResidencyEventKind.DIED
    gone = person("300000003")
    assert (gone.status, gone.status_changed_on) == (ResidentStatus.MOVED_OUT, TODAY)
    assert [(e.kind, e.occurred_on) for e in events_of("300000003")][-1] == (ResidencyEventKind.MOVED_OUT, TODAY)
    back = person("300000005")
    assert back.status == ResidentStatus.RESIDENT
    assert [e.kind for e in events_of("300000005")][-1] == ResidencyEventKind.RETURNED
    # Everything the file did not change is as it was; the unchanged row was not written at all.
    untouched = ["family_name", "given_name", "birth_date", "sex", "care_level", "phone", "household_id", "name_key"]
    for number, old in before.items():
        new = person(number)
        assert [getattr(new, f) for f in untouched] == [getattr(old, f) for f in untouched]
    assert person("300000004").updated_at == before["300000004"].updated_at
    assert len(events_of("300000004")) == 1
    assert ImportBatch.objects.get(pk=result.batch_id).died_count == 1


def test_a_partial_file_leaves_everyone_else_alone(ward):
    run(DATA / "residents_cp932.csv")
    before = sorted(Person.objects.values_list("resident_number", "updated_at", "status", "town_id"))
    rows = sample_rows()[:1]

    result = run(csv_bytes(rows))

    assert (result.row_count, result.unchanged, result.updated) == (1, 1, 0)
    assert sorted(Person.objects.values_list("resident_number", "updated_at", "status", "town_id")) == before


def test_a_changed_name_or_birth_date_is_a_correction_with_new_search_keys(ward):
    run(DATA / "residents_cp932.csv")
    rows = sample_rows()[:1]
    rows[0].update({"氏": "高橋", "生年月日": "昭和15年5月4日", "要介護度": "要介護3"})

    result = run(csv_bytes(rows))

    assert (result.updated, result.corrected, result.moved_within) == (1, 1, 0)
    corrected = events_of("300000001")[-1]
    assert corrected.kind == ResidencyEventKind.CORRECTED
    assert corrected.details == {"fields": ["birth_date", "family_name"]}
    takahashi = person("300000001")
    assert (takahashi.family_name, takahashi.name_key) == ("高橋", "高橋ハナ")
    assert takahashi.care_level == CareLevel.CARE_3


def test_an_attribute_change_updates_the_row_without_an_event(ward):
    run(DATA / "residents_cp932.csv")
    rows = sample_rows()[:1]
    rows[0].update({"要介護度": "", "電話番号": "06-6555-9999"})

    result = run(csv_bytes(rows))

    assert (result.updated, result.corrected) == (1, 0)
    assert len(events_of("300000001")) == 1
    assert (person("300000001").care_level, person("300000001").phone) == ("", "06-6555-9999")


def test_missing_optional_columns_are_left_as_they_are(ward):
    run(DATA / "residents_cp932.csv")
    header = ["宛名番号", "氏", "氏フリガナ", "生年月日", "性別", "町丁目名"]
    rows = [{**sample_rows()[0], "町丁目名": "泉尾一丁目"}]

    result = run(csv_bytes(rows, header=header))

    assert result.unchanged == 1
    takahashi = person("300000001")
    assert (takahashi.care_level, takahashi.household.number) == (CareLevel.CARE_2, "H300001")
    assert takahashi.lives_alone is True


# ── errors ──


def test_three_bad_rows_write_nothing_and_are_all_reported(ward):
    run(DATA / "residents_cp932.csv")
    before = snapshot()
    text = (
        "宛名番号,氏,名,氏フリガナ,名フリガナ,生年月日,性別,町丁目コード,方書\r\n"
        "300000010,田中,一,タナカ,ハジメ,昭和20年1月1日,男,0001001,\r\n"
        "300000011,田中,二郎,タナカ,ジロウ,昭和70年1月1日,男,0001001,\r\n"
        '300000012,田中,三郎,タナカ,サブロウ,昭和22年1月1日,男,0001001,"泉尾ハイツ\r\n'
        '２階"\r\n'
        "300000013,田中,四郎,タナカ,シロウ,昭和23年1月1日,おとこ,0001001,\r\n"
        "300000014,田中,五郎,tanaka,ゴロウ,昭和24年1月1日,男,9999999,\r\n"
    ).encode("cp932")

    with pytest.raises(ImportFailed) as failed:
        run(text)

    assert failed.value.errors == [
        RowError(3, "生年月日", DATE_MESSAGE.format(
            column="生年月日", value="昭和70年1月1日", reason="昭和は1926年12月25日から1989年1月7日までです"
        )),
        RowError(6, "性別", CHOICE_MESSAGE.format(column="性別", value="おとこ", allowed=SEX_ALLOWED)),
        RowError(7, "氏フリガナ", KANA_MESSAGE.format(column="氏フリガナ", value="tanaka")),
        RowError(7, "町丁目コード", TOWN_UNKNOWN_CODE_MESSAGE.format(value="9999999")),
    ]  # fmt: skip
    assert str(failed.value.errors[0]) == (
        "3行目：生年月日「昭和70年1月1日」を読み取れません（昭和は1926年12月25日から1989年1月7日までです）"
    )
    assert nothing_written(before)


def test_dates_that_cannot_be_read_say_how_to_write_them(ward):
    rows = [
        {**sample_rows()[0], "生年月日": "そのうち"},
        {**sample_rows()[1], "生年月日": ""},
        {**sample_rows()[2], "異動日": "2099-01-01"},
    ]

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows))

    assert [e.message for e in failed.value.errors] == [
        DATE_MESSAGE.format(column="生年月日", value="そのうち", reason=DATE_EXAMPLES),
        REQUIRED_VALUE_MESSAGE.format(column="生年月日"),
        DATE_MESSAGE.format(column="異動日", value="2099-01-01", reason=DATE_IN_FUTURE),
    ]


def test_a_duplicate_resident_number_is_an_error_on_the_later_line(ward):
    rows = sample_rows()
    rows[3]["宛名番号"] = "３００００００01"  # full-width: the same number as line 2

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows))

    assert failed.value.errors == [
        RowError(5, "宛名番号", DUPLICATE_NUMBER_MESSAGE.format(value="300000001", first=2))
    ]
    assert not Person.objects.filter(resident_number__startswith="3000000").exists()


def test_towns_are_checked_by_code_and_name(ward):
    header = ["宛名番号", "氏", "氏フリガナ", "生年月日", "性別", "町丁目コード", "町丁目名"]
    base = sample_rows()[0]
    rows = [
        {**base, "宛名番号": "1", "町丁目コード": "", "町丁目名": "泉尾二丁目"},
        {**base, "宛名番号": "2", "町丁目コード": "", "町丁目名": "泉尾九丁目"},
        {**base, "宛名番号": "3", "町丁目コード": "0001001", "町丁目名": "泉尾二丁目"},
    ]

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows, header=header))

    assert failed.value.errors == [
        RowError(3, "町丁目名", TOWN_UNKNOWN_NAME_MESSAGE.format(value="泉尾九丁目")),
        RowError(4, "町丁目名", TOWN_MISMATCH_MESSAGE.format(code="0001001", town="泉尾一丁目", value="泉尾二丁目")),
    ]

    run(csv_bytes(rows[:1], header=header))
    assert person("1").town == ward.towns.a2


def test_header_errors_are_reported_before_any_row(ward):
    header = ["宛名番号", "氏", "氏フリガナ", "性別", "性別", "町丁目コード", "生年月曰"]

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(sample_rows(), header=header))

    assert failed.value.errors == [
        RowError(1, "性別", DUPLICATE_HEADER_MESSAGE.format(column="性別")),
        RowError(1, "生年月曰", UNKNOWN_HEADER_MESSAGE.format(column="生年月曰")),
        RowError(1, "生年月日", MISSING_HEADER_MESSAGE.format(column="生年月日")),
    ]


def test_header_spellings_are_matched_loosely_but_a_town_column_is_needed(ward):
    header = ["宛名番号", "氏", "氏（フリガナ）", "生年月日", "性別", "番地"]

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(sample_rows(), header=header))

    assert failed.value.errors == [RowError(1, "町丁目コード", TOWN_HEADER_MESSAGE)]


def test_an_empty_or_undecodable_file_is_refused(ward):
    with pytest.raises(ImportFailed) as empty:
        run(b"")
    assert empty.value.errors == [RowError(1, "", EMPTY_FILE_MESSAGE)]

    with pytest.raises(ImportFailed) as binary:
        run("宛名番号,氏\r\n1,山田\r\n".encode("utf-16"))
    assert binary.value.errors == [RowError(0, "", UNDECODABLE_MESSAGE)]
    assert str(binary.value.errors[0]) == UNDECODABLE_MESSAGE


# ── who imports, the audit log, dry runs and the command ──


def test_an_import_writes_one_audit_entry(ward):
    before = AuditEntry.objects.count()

    result = run(DATA / "residents_cp932.csv", user=ward.ward_officer)

    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.target_type, entry.channel) == (AuditAction.IMPORT, "person", AuditChannel.CLI)
    assert (entry.actor_id_value, entry.actor_username) == (ward.ward_officer.pk, "ward_officer")
    assert entry.detail["batch"] == result.batch_id
    assert entry.detail["filename"] == "residents_cp932.csv"
    assert entry.detail["counts"] == result.counts()
    assert entry.detail["counts"]["created"] == 5
    assert ImportBatch.objects.get().imported_by == ward.ward_officer
    assert {e.recorded_by_id for e in ResidencyEvent.objects.all()} == {ward.ward_officer.pk}


def test_without_a_user_the_system_is_recorded(ward):
    run(DATA / "residents_cp932.csv")

    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.actor_id_value, entry.actor_username) == (None, SYSTEM_USERNAME)
    assert ImportBatch.objects.get().imported_by is None


def test_a_dry_run_counts_and_writes_nothing(ward):
    before = snapshot()

    result = run(DATA / "residents_cp932.csv", dry_run=True)

    assert (result.batch_id, result.dry_run, result.created, result.households_created) == (None, True, 5, 4)
    assert nothing_written(before)


def test_a_dry_run_of_a_reimport_sees_the_changes(ward):
    run(DATA / "residents_cp932.csv")
    rows = sample_rows()
    rows[1].update({"住民状態": "死亡", "世帯番号": "H399999"})
    before = snapshot()

    result = run(csv_bytes(rows), dry_run=True)

    assert (result.updated, result.unchanged, result.died, result.households_created) == (1, 4, 1, 1)
    assert nothing_written(before)


def test_the_command_imports_and_reports(ward):
    out = io.StringIO()

    call_command(
        "import_residents", str(DATA / "residents_cp932.csv"), "--user", "ward_officer", "--no-progress", stdout=out
    )

    assert "新規 5" in out.getvalue()
    assert ImportBatch.objects.get().imported_by == ward.ward_officer


def test_the_command_prints_every_error_and_fails(ward, tmp_path):
    bad = tmp_path / "bad.csv"
    rows = sample_rows()
    rows[0]["性別"] = "?"
    rows[2]["町丁目コード"] = "0009999"
    bad.write_bytes(csv_bytes(rows, encoding="cp932"))
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_residents", str(bad), stderr=err)

    assert str(failed.value) == FAILED_MESSAGE.format(count=2)
    assert err.getvalue().splitlines() == [
        "2行目：" + CHOICE_MESSAGE.format(column="性別", value="?", allowed=SEX_ALLOWED),
        "4行目：" + TOWN_UNKNOWN_CODE_MESSAGE.format(value="0009999"),
    ]
    assert not ImportBatch.objects.exists()


def test_the_command_refuses_an_unauthorised_or_unknown_user(ward):
    with pytest.raises(CommandError, match="権限がありません"):
        call_command("import_residents", str(DATA / "residents_cp932.csv"), "--user", "ward_clerk")
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_residents", str(DATA / "residents_cp932.csv"), "--user", "nobody")
    assert not ImportBatch.objects.exists()


def test_the_command_dry_run_writes_nothing(ward):
    before = snapshot()
    out = io.StringIO()

    call_command("import_residents", str(DATA / "residents_cp932.csv"), "--dry-run", stdout=out)

    assert out.getvalue().startswith("検査のみ（書き込みなし）")
    assert nothing_written(before)


def test_a_long_import_shows_a_progress_bar(ward, capsys):
    base = sample_rows()[0]
    rows = [{**base, "宛名番号": str(500000000 + n), "世帯番号": f"H5{n:06d}"} for n in range(1001)]

    run(csv_bytes(rows), progress=True)
    shown = capsys.readouterr().err
    run(csv_bytes(rows[:1000]), progress=True)

    assert "検査" in shown and "書き込み" in shown
    assert capsys.readouterr().err == ""
    assert Person.objects.filter(resident_number__startswith="5").count() == 1001


# ── as registries write it: 町丁目 numerals, 世帯番号 at another address, phone numbers ──

TOWN_HEADER = ["宛名番号", "氏", "氏フリガナ", "生年月日", "性別", "町丁目コード", "町丁目名"]


def town_rows(*cells):
    """One resident per (町丁目コード, 町丁目名) pair, numbered 1, 2, 3 …"""
    base = sample_rows()[0]
    return [
        {**base, "宛名番号": str(n), "町丁目コード": code, "町丁目名": name}
        for n, (code, name) in enumerate(cells, start=1)
    ]


def test_town_names_in_arabic_or_kanji_numerals_find_the_same_town(ward):
    eleven = TownFactory(code="0001011", name="泉尾十一丁目")
    rows = town_rows(
        ("", "泉尾1丁目"), ("", "泉尾１丁目"), ("", "泉尾 一丁目"), ("", "泉尾一丁目"),
        ("", "泉尾11丁目"), ("", "泉尾十一丁目"), ("0001001", "泉尾1丁目"),
    )  # fmt: skip

    result = run(csv_bytes(rows, header=TOWN_HEADER))

    assert result.created == 7
    assert [person(str(n)).town for n in range(1, 8)] == [ward.towns.a1] * 4 + [eleven] * 2 + [ward.towns.a1]
    ward.towns.a1.refresh_from_db()
    assert ward.towns.a1.name == "泉尾一丁目"  # the registered spelling is what pages show


def test_a_town_name_that_differs_after_folding_is_still_refused(ward):
    rows = town_rows(("", "泉尾3丁目"), ("0001001", "泉尾2丁目"), ("", "泉尾11丁目"))

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows, header=TOWN_HEADER))

    assert failed.value.errors == [
        RowError(2, "町丁目名", TOWN_UNKNOWN_NAME_MESSAGE.format(value="泉尾3丁目")),
        RowError(3, "町丁目名", TOWN_MISMATCH_MESSAGE.format(code="0001001", town="泉尾一丁目", value="泉尾2丁目")),
        RowError(4, "町丁目名", TOWN_UNKNOWN_NAME_MESSAGE.format(value="泉尾11丁目")),  # not 泉尾一丁目
    ]


def test_a_name_that_folds_to_two_towns_is_ambiguous_and_the_code_decides(ward):
    TownFactory(code="0001003", name="泉尾三丁目")
    other = TownFactory(code="0009003", name="泉尾3丁目")

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(town_rows(("", "泉尾３丁目")), header=TOWN_HEADER))
    assert failed.value.errors == [RowError(2, "町丁目名", TOWN_AMBIGUOUS_MESSAGE.format(value="泉尾３丁目"))]

    run(csv_bytes(town_rows(("0009003", "泉尾三丁目")), header=TOWN_HEADER))
    assert person("1").town == other


def test_a_lot_number_in_the_town_name_is_not_a_town(ward):
    rows = town_rows(("", "泉尾一丁目2番3号"), ("", "泉尾1丁目2-3"), ("", "泉尾一丁目二番地"), ("", "一番町"))

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows, header=TOWN_HEADER))

    assert failed.value.errors == [
        RowError(2, "町丁目名", TOWN_NAME_WITH_LOT_MESSAGE.format(value="泉尾一丁目2番3号", town="泉尾一丁目")),
        RowError(3, "町丁目名", TOWN_NAME_WITH_LOT_MESSAGE.format(value="泉尾1丁目2-3", town="泉尾一丁目")),
        RowError(4, "町丁目名", TOWN_NAME_WITH_LOT_MESSAGE.format(value="泉尾一丁目二番地", town="泉尾一丁目")),
        RowError(5, "町丁目名", TOWN_UNKNOWN_NAME_MESSAGE.format(value="一番町")),
    ]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("０６－６５５５－０１０２", "06-6555-0102"),
        ("06ー6555ー0102", "06-6555-0102"),  # the long vowel mark an IME gives for a hyphen
        ("06‐6555―0102", "06-6555-0102"),
        ("06−6555−0102", "06-6555-0102"),
        ("（06）6555-0102", "(06)6555-0102"),
        (" 06-6555-0102 ", "06-6555-0102"),
    ],
)
def test_phone_numbers_are_stored_half_width(ward, written, stored):
    rows = [{**sample_rows()[0], "電話番号": written}]

    run(csv_bytes(rows))

    assert person("300000001").phone == stored


def test_a_phone_number_with_letters_is_refused(ward):
    rows = [{**sample_rows()[0], "電話番号": "06ー6555ー010A"}]

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows))

    assert failed.value.errors == [RowError(2, "電話番号", PHONE_MESSAGE.format(value="06ー6555ー010A"))]


# 世帯番号. After the sample file: H300002 is 山﨑太郎 (line 3) and 和子 (line 4) at 泉尾二丁目 ２－５－８
# コーポ泉尾101; H300001 is 髙橋ハナ alone at 泉尾一丁目 1-2-3.


def test_an_address_rewritten_in_another_width_is_stored_as_written_but_is_no_move(ward):
    run(DATA / "residents_cp932.csv")
    rows = [{**row, "番地": "2-5-8", "方書": "コーポ泉尾 １０１"} for row in sample_rows()[1:3]]  # was ２－５－８

    result = run(csv_bytes(rows))

    assert (result.updated, result.moved_within) == (2, 0)
    assert (person("300000002").address, person("300000002").address_extra) == ("2-5-8", "コーポ泉尾 １０１")
    assert [e.kind for e in events_of("300000002")] == [ResidencyEventKind.REGISTERED]


def test_a_whole_household_moves_together(ward):
    run(DATA / "residents_cp932.csv")
    rows = sample_rows()[1:3]
    for row in rows:
        row.update({"町丁目コード": "0002001", "番地": "8-8", "方書": "", "異動日": "R8.5.10"})

    result = run(csv_bytes(rows))

    assert (result.updated, result.moved_within) == (2, 2)
    taro, kazuko = person("300000002"), person("300000003")
    assert (taro.town, taro.household.number) == (ward.towns.b1, "H300002")
    assert kazuko.household_id == taro.household_id


def test_moving_part_of_a_household_under_its_number_is_reported(ward):
    run(DATA / "residents_cp932.csv")
    before = snapshot()
    moved = {**sample_rows()[1], "町丁目コード": "0002001", "番地": "8-8", "方書": ""}

    with pytest.raises(ImportFailed) as alone:
        run(csv_bytes([moved]))
    with pytest.raises(ImportFailed) as beside:
        run(csv_bytes([moved, sample_rows()[2]]))  # 和子's row, unchanged: she stays at the old address

    assert alone.value.errors == [
        RowError(2, "世帯番号", HOUSEHOLD_ELSEWHERE_MESSAGE.format(number="H300002", town="泉尾二丁目"))
    ]
    assert beside.value.errors == [
        RowError(2, "世帯番号", HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE.format(number="H300002", line=3, town="泉尾二丁目"))
    ]
    assert str(alone.value.errors[0]) == (
        "2行目：世帯番号「H300002」は別の住所（泉尾二丁目）の世帯の番号です。世帯ごとの転居なら世帯員全員の行を"
        "新しい住所で入れてください。別の世帯なら世帯番号を確かめてください"
    )
    assert nothing_written(before)


def test_a_member_who_moves_out_into_a_new_household_number_is_no_conflict(ward):
    run(DATA / "residents_cp932.csv")
    rows = [{**sample_rows()[2], "世帯番号": "H300009", "町丁目コード": "0002001", "番地": "8-8", "方書": ""}]

    result = run(csv_bytes(rows))

    assert (result.moved_within, result.households_created) == (1, 1)
    assert person("300000003").household.number == "H300009"
    assert person("300000002").household.number == "H300002"  # 太郎 stays, in his household


def test_joining_a_household_at_its_address_is_no_conflict_whatever_the_width(ward):
    run(DATA / "residents_cp932.csv")
    newcomer = {
        **sample_rows()[1], "宛名番号": "300000010", "名": "次郎", "名フリガナ": "ジロウ",
        "番地": "2-5-8", "方書": "コーポ泉尾 １０１",  # registered as ２－５－８ and コーポ泉尾101
    }  # fmt: skip
    kazuko_joins_hana = {
        **sample_rows()[2], "世帯番号": "H300001", "町丁目コード": "0001001", "番地": "1-2-3", "方書": ""
    }  # fmt: skip

    result = run(csv_bytes([newcomer, kazuko_joins_hana]))

    assert (result.created, result.updated) == (1, 1)
    assert person("300000010").household.number == "H300002"
    assert person("300000003").household.number == "H300001"


def test_a_mistyped_household_number_at_another_address_is_reported(ward):
    run(DATA / "residents_cp932.csv")
    before = snapshot()
    typo = {**sample_rows()[3], "宛名番号": "300000010", "世帯番号": "H300001"}  # lives at 北恩加島一丁目 3-1

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes([typo]), dry_run=True)
    with pytest.raises(ImportFailed):
        run(csv_bytes([typo]))

    assert failed.value.errors == [
        RowError(2, "世帯番号", HOUSEHOLD_ELSEWHERE_MESSAGE.format(number="H300001", town="泉尾一丁目"))
    ]
    assert nothing_written(before)


def test_a_new_household_number_at_two_addresses_in_one_file_is_reported_on_both_rows(ward):
    rows = sample_rows()[:2]
    for row in rows:
        row["世帯番号"] = "H400001"

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows))

    assert failed.value.errors == [
        RowError(2, "世帯番号", HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE.format(number="H400001", line=3, town="泉尾二丁目")),
        RowError(3, "世帯番号", HOUSEHOLD_ADDRESSES_DIFFER_MESSAGE.format(number="H400001", line=2, town="泉尾一丁目")),
    ]
    assert not Household.objects.filter(number="H400001").exists()


@pytest.mark.parametrize(("status", "count"), [("転出", "moved_out"), ("死亡", "died")])
def test_a_resident_who_moved_out_or_died_keeps_the_number_wherever_they_went(ward, status, count):
    run(DATA / "residents_cp932.csv")
    gone = {**sample_rows()[2], "住民状態": status, "異動日": "2026-05-01", "町丁目コード": "0002001", "番地": "9-9"}

    result = run(csv_bytes([gone]))

    assert getattr(result, count) == 1
    assert person("300000003").household.number == "H300002"


def test_rows_that_say_nothing_new_about_a_household_are_not_checked(ward):
    run(DATA / "residents_cp932.csv")
    Person.objects.filter(resident_number="300000003").update(address="9-9")  # a household split before this rule
    unchanged = [sample_rows()[1], {**sample_rows()[2], "番地": "9-9"}]
    no_household_column = [{**sample_rows()[1], "番地": "7-7"}]  # 太郎 moves; the file names no households
    header = [column for column in HEADER if column != "世帯番号"]

    run(csv_bytes(unchanged))
    result = run(csv_bytes(no_household_column, header=header))

    assert result.moved_within == 1
    assert person("300000002").household.number == "H300002"


def test_household_conflicts_are_reported_with_the_other_bad_rows_in_line_order(ward):
    run(DATA / "residents_cp932.csv")
    rows = [
        {**sample_rows()[3], "宛名番号": "300000010", "世帯番号": "H300001"},
        {**sample_rows()[3], "宛名番号": "300000011", "性別": "?"},
    ]

    with pytest.raises(ImportFailed) as failed:
        run(csv_bytes(rows))

    assert failed.value.errors == [
        RowError(2, "世帯番号", HOUSEHOLD_ELSEWHERE_MESSAGE.format(number="H300001", town="泉尾一丁目")),
        RowError(3, "性別", CHOICE_MESSAGE.format(column="性別", value="?", allowed=SEX_ALLOWED)),
    ]
