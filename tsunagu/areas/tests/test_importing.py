import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from tsunagu.areas.models import District, DistrictType, Town, TownDistrict
from tsunagu.areas.services import (
    AMBIGUOUS_DISTRICT_MESSAGE,
    CODE_CHARS_MESSAGE,
    DUPLICATE_TOWN_MESSAGE,
    KANA_MESSAGE,
    NO_DISTRICT_COLUMN_MESSAGE,
    REQUIRED_VALUE_MESSAGE,
    SYSTEM_USERNAME,
    ImportFailed,
    areas_import,
)
from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.core.csvio import DUPLICATE_HEADER_MESSAGE, MISSING_HEADER_MESSAGE, UNKNOWN_HEADER_MESSAGE, RowError
from tsunagu.core.import_command import FAILED_MESSAGE
from tsunagu.testing.factories import DistrictFactory, DistrictTypeFactory, TownFactory

DATA = Path(__file__).parent / "data"
HEADER = "町丁目コード,町丁目名,町丁目名かな,小学校区,出張所管内,連合町会,民生委員担当区域\r\n"


def snapshot():
    return (
        sorted(Town.objects.values_list("code", "name", "name_kana")),
        sorted(District.objects.values_list("district_type__code", "code", "name")),
        sorted(TownDistrict.objects.values_list("town__code", "district__name")),
        DistrictType.objects.count(),
        AuditEntry.objects.count(),
    )


def districts_of(code):
    town = Town.objects.get(code=code)
    return {link.district_type.name: link.district.name for link in town.town_districts.select_related("district")}


@pytest.mark.django_db
def test_an_area_table_creates_the_layers_districts_and_towns():
    result = areas_import(source=DATA / "areas_cp932.csv")

    assert [(t.code, t.name, t.sort_order) for t in DistrictType.objects.all()] == [
        ("school", "小学校区", 1),
        ("branch_office", "出張所管内", 2),
        ("association_federation", "連合町会", 3),
        ("minsei", "民生委員担当区域", 4),
    ]
    assert (result.row_count, result.towns_created, result.district_types_created) == (4, 4, 4)
    assert result.districts_created == 3 + 1 + 3 + 4
    assert result.assignments_changed == 16
    assert districts_of("0001002") == {
        "小学校区": "泉尾小学校区",
        "出張所管内": "大正区役所",
        "連合町会": "泉尾第一連合町会",
        "民生委員担当区域": "泉尾西地区",
    }
    town = Town.objects.get(code="0001002")
    assert (town.name, town.name_kana) == ("泉尾二丁目", "いずおにちょうめ")  # half-width kana → ひらがな
    assert list(District.objects.filter(district_type__code="school").values_list("code", flat=True)) == [
        "001",
        "002",
        "003",
    ]


def test_existing_layers_and_districts_are_matched_by_name_or_code(ward):
    text = HEADER.replace("小学校区", "school") + (
        "0001001,泉尾一丁目,,北恩加島小学校区,大正区役所,泉尾第一連合町会,泉尾東地区\r\n"
    )
    before_school = District.objects.filter(district_type__code="school").count()

    result = areas_import(source=text.encode("utf-8"))

    assert result.district_types_created == 3  # 小学校区 exists as "school"
    assert District.objects.filter(district_type__code="school").count() == before_school
    assert districts_of("0001001")["小学校区"] == "北恩加島小学校区"
    assert TownDistrict.objects.filter(town__code="0001001", district_type__code="school").count() == 1
    assert Town.objects.get(code="0001001").name_kana == ""  # the empty かな cell clears nothing new


def test_a_reimport_moves_towns_between_districts_and_keeps_one_per_layer(db):
    areas_import(source=DATA / "areas_cp932.csv")
    text = HEADER + "0001001,泉尾1丁目,いずおいっちょうめ,北恩加島小学校区,大正区役所,泉尾第一連合町会,泉尾東地区\r\n"

    result = areas_import(source=text.encode("cp932"))

    assert (result.towns_updated, result.towns_created, result.districts_created) == (1, 0, 0)
    assert result.assignments_changed == 1
    assert Town.objects.get(code="0001001").name == "泉尾1丁目"
    assert districts_of("0001001")["小学校区"] == "北恩加島小学校区"
    assert TownDistrict.objects.filter(town__code="0001001").count() == 4
    assert districts_of("0003001")["小学校区"] == "三軒家東小学校区"  # absent from the file: untouched
    assert District.objects.filter(name="泉尾小学校区").exists()  # no longer used by this town, still kept

    again = areas_import(source=text.encode("cp932"))
    assert (again.towns_unchanged, again.assignments_changed) == (1, 0)


def test_the_database_holds_one_district_per_layer_per_town(ward):
    other = DistrictFactory(district_type=ward.districts.a.district_type, name="別の小学校区")

    with pytest.raises(IntegrityError), transaction.atomic():
        TownDistrict.objects.create(town=ward.towns.a1, district=other, district_type=other.district_type)


def test_header_errors_write_nothing(ward):
    before = snapshot()
    text = "町丁目コード,町丁目名かな,小学校区,小学校区,地域活動協議会\r\n0001001,,A,A,B\r\n"

    with pytest.raises(ImportFailed) as failed:
        areas_import(source=text.encode("utf-8"))

    assert failed.value.errors == [
        RowError(1, "小学校区", DUPLICATE_HEADER_MESSAGE.format(column="小学校区")),
        RowError(1, "地域活動協議会", UNKNOWN_HEADER_MESSAGE.format(column="地域活動協議会")),
        RowError(1, "町丁目名", MISSING_HEADER_MESSAGE.format(column="町丁目名")),
    ]
    assert snapshot() == before


def test_a_layer_the_ward_defined_is_accepted_and_one_column_is_needed(ward):
    DistrictTypeFactory(code="council", name="地域活動協議会")
    text = "町丁目コード,町丁目名,地域活動協議会\r\n0001001,泉尾一丁目,泉尾地域活動協議会\r\n"

    areas_import(source=text.encode("utf-8"))

    assert districts_of("0001001")["地域活動協議会"] == "泉尾地域活動協議会"
    with pytest.raises(ImportFailed) as failed:
        areas_import(source="町丁目コード,町丁目名\r\n0001001,泉尾一丁目\r\n".encode())
    assert failed.value.errors == [RowError(1, "", NO_DISTRICT_COLUMN_MESSAGE)]


def test_bad_rows_are_all_reported_with_their_lines_and_nothing_is_written(ward):
    TownFactory(code="0004001", name="鶴町一丁目")
    before = snapshot()
    text = HEADER + (
        "0003001,三軒家東一丁目,さんげんや,三軒家東小学校区,大正区役所,三軒家東連合町会,三軒家東地区\r\n"
        "0003001,三軒家東二丁目,,三軒家東小学校区,大正区役所,三軒家東連合町会,三軒家東地区\r\n"
        "00030-0,三軒家東三丁目,San,三軒家東小学校区,大正区役所,,三軒家東地区\r\n"
        "０００４００１,,,鶴町小学校区,大正区役所,鶴町連合町会,鶴町地区\r\n"
    )

    with pytest.raises(ImportFailed) as failed:
        areas_import(source=text.encode("cp932"))

    assert failed.value.errors == [
        RowError(3, "町丁目コード", DUPLICATE_TOWN_MESSAGE.format(value="0003001", first=2)),
        RowError(4, "町丁目名かな", KANA_MESSAGE.format(value="San")),
        RowError(4, "連合町会", REQUIRED_VALUE_MESSAGE.format(column="連合町会")),
        RowError(5, "町丁目名", REQUIRED_VALUE_MESSAGE.format(column="町丁目名")),
    ]
    assert snapshot() == before

    with pytest.raises(ImportFailed) as bad_code:
        areas_import(source=(HEADER + "0003/001,三軒家東一丁目,,a,b,c,d\r\n").encode())
    assert bad_code.value.errors == [RowError(2, "町丁目コード", CODE_CHARS_MESSAGE.format(value="0003/001"))]


def test_a_district_name_held_twice_in_a_layer_is_not_guessed(ward):
    DistrictFactory(district_type=ward.districts.a.district_type, name="泉尾小学校区")
    before = snapshot()
    text = "町丁目コード,町丁目名,小学校区\r\n0001001,泉尾一丁目,泉尾小学校区\r\n"

    with pytest.raises(ImportFailed) as failed:
        areas_import(source=text.encode())

    message = AMBIGUOUS_DISTRICT_MESSAGE.format(column="小学校区", value="泉尾小学校区")
    assert failed.value.errors == [RowError(2, "小学校区", message)]
    assert snapshot() == before


def test_a_dry_run_counts_and_writes_nothing(db):
    before = snapshot()

    result = areas_import(source=DATA / "areas_cp932.csv", dry_run=True)

    assert (result.dry_run, result.towns_created, result.district_types_created) == (True, 4, 4)
    assert snapshot() == before


def test_an_area_import_is_audited(ward):
    # Who may import is asked by the caller (tsunagu/registry/tests/test_services.py tests the refusal).
    result = areas_import(source=DATA / "areas_cp932.csv", user=ward.ward_officer)

    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.target_type, entry.actor_username) == (AuditAction.IMPORT, "area", "ward_officer")
    assert entry.detail == {
        "filename": "areas_cp932.csv",
        "encoding": "cp932",
        "sha256": entry.detail["sha256"],
        **result.counts(),
    }
    areas_import(source=DATA / "areas_cp932.csv")
    assert AuditEntry.objects.order_by("-seq").first().actor_username == SYSTEM_USERNAME


def test_the_command_imports_and_fails_loudly(db, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_areas", str(DATA / "areas_cp932.csv"), stdout=out)
    assert "町丁目 新規 4" in out.getvalue()

    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + "0005001,,,a,b,c,d\r\n").encode("cp932"))
    with pytest.raises(CommandError) as failed:
        call_command("import_areas", str(bad), stderr=err)
    assert str(failed.value) == FAILED_MESSAGE.format(count=1)
    assert err.getvalue().splitlines() == ["2行目：" + REQUIRED_VALUE_MESSAGE.format(column="町丁目名")]
    assert not Town.objects.filter(code="0005001").exists()


@pytest.mark.django_db
def test_the_area_table_decides_how_a_town_name_is_written_and_keeps_towns_that_fold_alike():
    districts = "泉尾小学校区,大正区役所,泉尾第一連合町会,泉尾東地区"
    areas_import(source=f"{HEADER}0001001,泉尾一丁目,,{districts}\r\n".encode())
    text = HEADER + (
        f"0001001,泉尾1丁目,,{districts}\r\n"
        # Two towns whose names differ only in how 3 is written: kept apart by their codes (names may repeat
        # within a ward, as in 京都); a resident file must then name them by code.
        f"0001003,泉尾三丁目,,{districts}\r\n"
        f"0009003,泉尾3丁目,,{districts}\r\n"
    )

    result = areas_import(source=text.encode())

    assert (result.towns_created, result.towns_updated) == (2, 1)
    assert list(Town.objects.values_list("code", "name")) == [
        ("0001001", "泉尾1丁目"),
        ("0001003", "泉尾三丁目"),
        ("0009003", "泉尾3丁目"),
    ]
