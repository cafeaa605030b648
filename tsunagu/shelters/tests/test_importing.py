import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.core.csvio import EMPTY_FILE_MESSAGE, SYSTEM_USERNAME, UNDECODABLE_MESSAGE, RowError
from tsunagu.shelters.management.commands.import_shelters import FAILED_MESSAGE
from tsunagu.shelters.models import Shelter
from tsunagu.shelters.services.importing import (
    CAPACITY_MESSAGE,
    CODE_MESSAGE,
    COLUMN_COUNT_MESSAGE,
    DUPLICATE_ID_MESSAGE,
    FLAG_MESSAGE,
    LATITUDE_MESSAGE,
    LAYOUT_GSI,
    LAYOUT_STANDARD,
    LONGITUDE_MESSAGE,
    NOT_ALLOWED_MESSAGE,
    UNKNOWN_LAYOUT_MESSAGE,
    ImportFailed,
    SheltersImportNotAllowed,
    check_digit,
    repair_leading_zero,
    shelters_import,
)

DATA = Path(__file__).parent / "data"
STANDARD_HEADER = (DATA / "shelters_standard_utf8.csv").read_text(encoding="utf-8-sig").splitlines()[0]
GSI_HEADER = (DATA / "shelters_gsi_utf8.csv").read_text(encoding="utf-8").splitlines()[0]


def gsi_row(
    no="1",
    code="2712840101",
    place="大阪府大阪市大正区",
    name="泉尾東小学校",
    lat="34.662",
    lon="135.476",
    flags=("○", "", "", "○", "", "", "", ""),
    designated="",
):
    return ",".join([no, code, place, name, "泉尾五丁目", *flags, designated, lat, lon, ""])


def gsi_file(*rows):
    return ("\r\n".join([GSI_HEADER, *rows]) + "\r\n").encode("utf-8")


def snapshot():
    return sorted(Shelter.objects.values_list("code", "name", "capacity")), AuditEntry.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("filename", ["shelters_standard_cp932.csv", "shelters_gsi_cp932.csv"])
def test_cp932_files_in_both_layouts_import(filename):
    result = shelters_import(source=DATA / filename)

    assert result.created == 3
    assert Shelter.objects.filter(name="泉尾東小学校").exists()
    school = Shelter.objects.get(name="泉尾東小学校")
    assert (school.latitude, school.longitude) == (Decimal("34.662000"), Decimal("135.476000"))
    assert school.address == "大阪府大阪市大正区泉尾五丁目1番1号"


@pytest.mark.django_db
def test_the_standard_layout_fills_every_column_it_names():
    result = shelters_import(source=DATA / "shelters_standard_cp932.csv")

    assert result.layout == LAYOUT_STANDARD
    school = Shelter.objects.get(code="271284000001")
    assert school.local_government_code == "271284"
    assert school.name_kana == "イズオヒガシショウガッコウ"
    assert [school.hazard_flood, school.hazard_landslide, school.hazard_storm_surge, school.hazard_earthquake] == [
        True,
        False,
        True,
        True,
    ]
    assert [school.hazard_tsunami, school.hazard_fire, school.hazard_inland_flood, school.hazard_volcano] == [
        False,
        False,
        True,
        False,
    ]
    assert school.is_designated_shelter is True
    assert school.capacity == 1200
    assert school.target_associations == "泉尾第一町会;泉尾第二町会"
    assert school.phone == "06-0000-0001"
    assert school.is_welfare_shelter is False
    park = Shelter.objects.get(code="271284000003")
    assert (park.capacity, park.is_designated_shelter, park.note) == (None, False, "広場")


@pytest.mark.django_db
def test_the_gsi_layout_reads_circles_as_flags_and_keeps_shelters_without_coordinates():
    result = shelters_import(source=DATA / "shelters_gsi_utf8.csv")

    assert (result.layout, result.created) == (LAYOUT_GSI, 3)
    school = Shelter.objects.get(code="2712840101")
    assert (school.hazard_flood, school.hazard_storm_surge, school.hazard_tsunami) == (True, True, False)
    assert school.is_designated_shelter is True
    assert school.address == "大阪府大阪市大正区泉尾五丁目1番1号"
    unlocated = Shelter.objects.get(code="2712840103")
    assert (unlocated.latitude, unlocated.longitude, unlocated.note) == (None, None, "位置未登録")


@pytest.mark.django_db
def test_a_second_file_updates_by_id_and_keeps_the_welfare_mark():
    shelters_import(source=DATA / "shelters_standard_cp932.csv")
    Shelter.objects.filter(code="271284000002").update(is_welfare_shelter=True)

    result = shelters_import(source=DATA / "shelters_standard_utf8.csv")

    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    assert Shelter.objects.count() == 4
    assert Shelter.objects.get(code="271284000001").capacity == 1500
    assert Shelter.objects.get(code="271284000002").is_welfare_shelter is True
    # 大正中学校 came with the 5-digit code (no check digit) and 「1,000」 as Excel writes thousands.
    newcomer = Shelter.objects.get(code="271284000004")
    assert (newcomer.local_government_code, newcomer.capacity) == ("271284", 1000)


@pytest.mark.django_db
def test_codes_that_lost_their_leading_zero_are_repaired():
    result = shelters_import(source=DATA / "shelters_lost_zero.csv")

    shelter = Shelter.objects.get()
    assert (shelter.local_government_code, shelter.code) == ("011011", "011011000001")
    assert result.zeros_repaired == 2


def test_leading_zero_repair_follows_the_check_digit():
    assert check_digit("27128") == "4"  # 大阪市中央区 271284
    assert check_digit("01101") == "1"  # 札幌市中央区 011011
    assert repair_leading_zero("11011") == ("011011", True)
    # Not a lost zero (027128 fails the check digit): the short form without its check digit.
    assert repair_leading_zero("27128") == ("271284", False)
    assert repair_leading_zero("271284") == ("271284", False)


@pytest.mark.django_db
def test_a_gsi_id_from_a_prefecture_coded_0x_gets_its_zero_back():
    shelters_import(source=gsi_file(gsi_row(code="1101100001", place="北海道札幌市中央区", lat="43.05", lon="141.35")))

    assert Shelter.objects.get().code == "01101100001"


@pytest.mark.django_db
def test_a_shifted_row_is_reported_with_its_line_and_nothing_is_written():
    before = snapshot()

    with pytest.raises(ImportFailed) as failure:
        shelters_import(source=DATA / "shelters_shifted_lost_zero.csv")

    assert failure.value.errors == [RowError(3, "", str(COLUMN_COUNT_MESSAGE).format(n=39, m=38))]
    assert str(failure.value.errors[0]) == "3行目：列の数がヘッダーと合いません（ヘッダー39列、この行38列）"
    assert snapshot() == before


@pytest.mark.django_db
def test_every_bad_row_is_reported():
    text = gsi_file(
        gsi_row(no="1", lat="134.6", lon="135.47"),
        gsi_row(no="2", code="2712840102", lat="34.6", lon="235.47"),
        gsi_row(no="3", code="2712840103", flags=("はい?", "", "", "", "", "", "", "")),
        gsi_row(no="4", code="2712840101"),
        gsi_row(no="5", code="2712840105") + ",extra",
    )

    with pytest.raises(ImportFailed) as failure:
        shelters_import(source=text)

    assert [(e.line, e.message) for e in failure.value.errors] == [
        (2, str(LATITUDE_MESSAGE).format(value="134.6")),
        (3, str(LONGITUDE_MESSAGE).format(value="235.47")),
        (4, str(FLAG_MESSAGE).format(column="洪水", value="はい?")),
        (6, str(COLUMN_COUNT_MESSAGE).format(n=17, m=18)),
    ]
    assert Shelter.objects.count() == 0


@pytest.mark.django_db
def test_a_duplicated_id_and_bad_codes_are_reported():
    row = STANDARD_HEADER.count(",") * [""]

    def values(code, id_, capacity=""):
        return ",".join([code, id_, "架空公園", *row[:30], capacity, *row[31:]])

    text = "\r\n".join(
        [
            STANDARD_HEADER,
            values("271284", "A-1"),
            values("271284", "A-1"),
            values("271285", "A-2"),
            values("271284", "A-3", capacity="多数"),
        ]
    ).encode("utf-8")

    with pytest.raises(ImportFailed) as failure:
        shelters_import(source=text)

    assert [(e.line, e.message) for e in failure.value.errors] == [
        (3, str(DUPLICATE_ID_MESSAGE).format(column="ID", value="A-1", first=2)),
        (4, str(CODE_MESSAGE).format(column="全国地方公共団体コード", value="271285", digits=6)),
        (5, str(CAPACITY_MESSAGE).format(value="多数")),
    ]


@pytest.mark.django_db
def test_an_unknown_header_empty_file_and_undecodable_bytes_are_refused():
    with pytest.raises(ImportFailed) as unknown:
        shelters_import(source="名前,場所\r\n泉尾東小学校,泉尾\r\n".encode())
    with pytest.raises(ImportFailed) as empty:
        shelters_import(source=b"")
    with pytest.raises(ImportFailed) as undecodable:
        shelters_import(source=b"\xff\xfe\x00A")

    assert unknown.value.errors == [RowError(1, "", str(UNKNOWN_LAYOUT_MESSAGE))]
    assert empty.value.errors == [RowError(1, "", str(EMPTY_FILE_MESSAGE))]
    assert undecodable.value.errors == [RowError(0, "", str(UNDECODABLE_MESSAGE))]


def test_only_ward_welfare_staff_import_and_the_import_is_audited(ward):
    with pytest.raises(SheltersImportNotAllowed) as refusal:
        shelters_import(source=DATA / "shelters_gsi_utf8.csv", user=ward.shakyo_coordinator)
    assert str(refusal.value) == str(NOT_ALLOWED_MESSAGE)
    assert Shelter.objects.count() == 0

    shelters_import(source=DATA / "shelters_gsi_utf8.csv", user=ward.ward_officer)

    entry = AuditEntry.objects.get(action=AuditAction.IMPORT, target_type="shelter")
    assert entry.actor_username == "ward_officer"
    assert entry.detail["layout"] == LAYOUT_GSI
    assert entry.detail["filename"] == "shelters_gsi_utf8.csv"
    assert entry.detail["encoding"] == "utf-8"


@pytest.mark.django_db
def test_a_dry_run_counts_and_writes_nothing():
    result = shelters_import(source=DATA / "shelters_standard_cp932.csv", dry_run=True)

    assert (result.created, result.dry_run) == (3, True)
    assert snapshot() == ([], 0)


@pytest.mark.django_db
def test_the_command_imports_and_reports_errors_by_line():
    out = io.StringIO()
    call_command("import_shelters", str(DATA / "shelters_standard_cp932.csv"), stdout=out)
    assert "新規 3" in out.getvalue()
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.actor_username == SYSTEM_USERNAME

    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_shelters", str(DATA / "shelters_shifted_lost_zero.csv"), stderr=err)
    assert str(failure.value) == str(FAILED_MESSAGE).format(count=1)
    assert "3行目：列の数がヘッダーと合いません（ヘッダー39列、この行38列）" in err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["０６－００００－０００１", "06ー0000ー0001", "06−0000−0001", " 06‐0000‐0001 "])
def test_phone_numbers_are_stored_half_width(written):
    text = (DATA / "shelters_standard_utf8.csv").read_text(encoding="utf-8-sig").replace("06-0000-0001", written)

    shelters_import(source=text.encode("utf-8"))

    assert Shelter.objects.get(code="271284000001").phone == "06-0000-0001"
