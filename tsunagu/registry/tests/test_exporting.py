import csv
import datetime
import io

import openpyxl
import pytest

from tsunagu.access import policy
from tsunagu.access.policy import CAPABILITIES, Capability, CapabilityDenied
from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.organisations.models import MembershipRole
from tsunagu.people.models import CareLevel, ResidentStatus
from tsunagu.registry.exporting import (
    COLUMNS,
    FORMAT_REQUIRED_MESSAGE,
    NOTHING_TO_EXPORT_MESSAGE,
    PURPOSE_REQUIRED_MESSAGE,
    ExportFormat,
    ExportRefusedError,
    export_columns,
    person_export,
)
from tsunagu.registry.selectors import PersonFilters
from tsunagu.testing.factories import MembershipFactory, PersonFactory

TODAY = datetime.date(2025, 7, 1)


def run(user, *, filters=None, purpose=AuditPurpose.WATCH, export_format=ExportFormat.CSV_UTF8):
    return person_export(
        user=user, filters=filters or PersonFilters(), purpose=purpose, export_format=export_format, today=TODAY
    )


def csv_rows(result, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(result.content.decode(encoding), newline="")))


def as_dicts(rows):
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if len(row) == len(rows[0])]


class TestRefusals:
    @pytest.mark.parametrize(
        ("purpose", "export_format", "message"),
        [
            ("", ExportFormat.CSV_CP932, PURPOSE_REQUIRED_MESSAGE),
            ("because", ExportFormat.CSV_CP932, PURPOSE_REQUIRED_MESSAGE),
            (AuditPurpose.WATCH, "pdf", FORMAT_REQUIRED_MESSAGE),
        ],
    )
    def test_refused_without_a_valid_purpose_or_format_and_nothing_is_logged(
        self, ward, purpose, export_format, message
    ):
        with pytest.raises(ExportRefusedError) as refusal:
            run(ward.ward_officer, purpose=purpose, export_format=export_format)

        assert str(refusal.value) == str(message)
        assert not AuditEntry.objects.exists()

    def test_same_request_with_a_purpose_succeeds_and_is_logged(self, ward):
        result = run(ward.ward_officer, purpose=AuditPurpose.CONFERENCE, export_format=ExportFormat.CSV_CP932)

        entry = AuditEntry.objects.get()
        assert entry == result.audit_entry
        assert entry.action == AuditAction.EXPORT
        assert entry.purpose == AuditPurpose.CONFERENCE
        assert entry.target_type == "person"
        assert entry.target_ids == sorted(p.pk for p in vars(ward.people).values())
        assert entry.detail == {
            "format": "csv_cp932",
            "level": "full",
            "count": 7,
            "replaced_characters": {"髙→高": 1},
        }

    # Item 7 of issue 6: these personas used to get NOTHING_TO_EXPORT_MESSAGE; now the export is the
    # professionals' capability, so they are refused before anything is read.
    @pytest.mark.parametrize(
        "persona", ["outsider", "unagreed_member", "ward_clerk", "association_member", "commissioner"]
    )
    def test_only_professionals_may_export(self, ward, persona):
        with pytest.raises(CapabilityDenied) as refusal:
            run(getattr(ward, persona))

        assert refusal.value.capability == Capability.EXPORT_PERSONS
        assert str(refusal.value.message) == str(CAPABILITIES[Capability.EXPORT_PERSONS].refusal)
        assert not AuditEntry.objects.exists()  # the 403 handler writes the denied row, not the service

    def test_nobody_to_export_is_refused(self, ward):
        # District A is outside the care plaza's district B.
        with pytest.raises(ExportRefusedError) as refusal:
            run(ward.care_plaza_worker, filters=PersonFilters(district_id=ward.districts.a.pk))

        assert str(refusal.value) == str(NOTHING_TO_EXPORT_MESSAGE)
        assert not AuditEntry.objects.exists()


class TestScopeAndLevel:
    def test_a_professional_exports_the_persons_of_their_districts_in_full(self, ward):
        result = run(ward.care_plaza_worker)

        people = ward.people
        assert set(result.person_ids) == {people.b1_agreed.pk, people.b1_unanswered.pk, people.b1_refused.pk}
        assert result.level == policy.DetailLevel.FULL
        assert csv_rows(result)[0] == [c.header for c in export_columns(policy.DetailLevel.FULL)]

    def test_mixed_grants_export_only_the_persons_of_the_professional_grants(self, ward):
        # A 社協 worker (FULL, district A) who is also a commissioner (COMMUNITY, district B). Item 7 of issue 6:
        # the two B residents seen as a commissioner used to be exported too (and the whole file at the community
        # level); a commissioner's roster comes from the ward's distribution register instead.
        user = ward.shakyo_coordinator
        membership = MembershipFactory(user=user, organisation=ward.orgs.minsei, role=MembershipRole.COMMISSIONER)
        membership.districts.set([ward.districts.b])

        everyone = run(user)
        district_a = run(user, filters=PersonFilters(district_id=ward.districts.a.pk))

        assert everyone.level == policy.DetailLevel.FULL
        assert csv_rows(everyone)[0][0] == "宛名番号"
        assert len(everyone.person_ids) == 4  # the 4 in A (FULL grant, no consent needed); none of B
        assert district_a.person_ids == everyone.person_ids
        with pytest.raises(ExportRefusedError):
            run(user, filters=PersonFilters(district_id=ward.districts.b.pk))

    def test_columns_are_the_ones_the_level_may_show(self):
        for level in policy.DetailLevel:
            allowed = policy.DETAIL_FIELDS[level]
            columns = export_columns(level)
            assert all(c.fields and c.fields <= allowed for c in columns)
            assert [c for c in COLUMNS if c not in columns] == [c for c in COLUMNS if not c.fields <= allowed]
        community = [c.header for c in export_columns(policy.DetailLevel.COMMUNITY)]
        for internal in ("宛名番号", "世帯番号", "住民状態", "要介護度", "療育手帳", "難病", "ひとり暮らし"):
            assert internal not in community

    def test_former_residents_only_for_the_ward_and_only_when_asked(self, ward):
        moved = PersonFactory(town=ward.towns.a1, status=ResidentStatus.MOVED_OUT)

        assert moved.pk not in run(ward.ward_officer).person_ids
        assert moved.pk in run(ward.ward_officer, filters=PersonFilters(include_former=True)).person_ids
        assert moved.pk not in run(ward.shakyo_coordinator, filters=PersonFilters(include_former=True)).person_ids


class TestContent:
    def test_full_row_in_wareki_with_age_and_support_items(self, ward):
        person = ward.people.a1_agreed
        person.care_level = CareLevel.CARE_2
        person.physical_disability_type = "limb"
        person.physical_disability_grade = 2
        person.lives_alone = True
        person.save()

        result = run(ward.ward_officer, filters=PersonFilters(query="たかはし"))

        [row] = as_dicts(csv_rows(result))
        assert row == {
            "宛名番号": person.resident_number,
            "氏": "髙橋",
            "名": person.given_name,
            "氏（フリガナ）": "タカハシ",
            "名（フリガナ）": "タロウ",
            "生年月日（和暦）": "昭和15年5月3日",
            "生年月日（西暦）": "1940-05-03",
            "年齢": "85",
            "性別": "女",
            "町丁目": "泉尾一丁目",
            "番地": "1-2-3",
            "方書": "",
            "電話番号": "06-6555-0000",
            "世帯番号": person.household.number,
            "住民状態": "住民",
            "要介護度": "要介護2",
            "身体障害者手帳（種別）": "肢体不自由",
            "身体障害者手帳（等級）": "2級",
            "療育手帳": "",
            "精神障害者保健福祉手帳（等級）": "",
            "難病": "",
            "ひとり暮らし": "○",
            "高齢者のみ世帯": "",
        }
        assert result.filename == "住民一覧_20250701.csv"

    def test_deceased_age_is_the_age_at_death(self, ward):
        PersonFactory(
            town=ward.towns.a1,
            family_name="故人",
            family_name_kana="コジン",
            birth_date=datetime.date(1930, 6, 1),
            status=ResidentStatus.DECEASED,
            status_changed_on=datetime.date(2020, 5, 31),
        )

        result = run(ward.ward_officer, filters=PersonFilters(query="コジン", include_former=True))

        [row] = as_dicts(csv_rows(result))
        assert (row["年齢"], row["住民状態"]) == ("89", "死亡")

    def test_cp932_maps_variants_and_reports_them(self, ward):
        PersonFactory(town=ward.towns.a1, family_name="𠮷田", family_name_kana="ヨシダ", given_name="﨑子")

        result = run(ward.ward_officer, export_format=ExportFormat.CSV_CP932)

        text = result.content.decode("cp932")
        data, note = text.split("\r\n\r\n")
        assert "髙" not in data
        assert "高橋" in data
        assert "吉田,崎子" in data
        assert "U+20BB7 → 吉" in note
        assert "﨑（U+FA11） → 崎" in note
        assert result.content_type == "text/csv; charset=Shift_JIS"
        assert result.audit_entry.detail["replaced_characters"] == {"髙→高": 1, "𠮷→吉": 1, "﨑→崎": 1}

    def test_xlsx_keeps_registered_spelling_and_uses_date_cells(self, ward):
        PersonFactory(town=ward.towns.a1, family_name="𠮷田", family_name_kana="ヨシダ")

        result = run(ward.ward_officer, filters=PersonFilters(query="よしだ"), export_format=ExportFormat.XLSX)

        sheet = openpyxl.load_workbook(io.BytesIO(result.content)).active
        headers = [c.value for c in sheet[1]]
        row = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
        assert row["氏"] == "𠮷田"
        assert row["生年月日（西暦）"] == datetime.datetime(1940, 5, 3)
        assert sheet.max_row == 2
        assert result.filename == "住民一覧_20250701.xlsx"
        assert not result.report.changed


class TestFilenames:
    @pytest.mark.parametrize(
        ("export_format", "name", "ascii_name"),
        [
            (ExportFormat.CSV_CP932, "住民一覧_20250701_SJIS.csv", "residents_20250701_SJIS.csv"),
            (ExportFormat.CSV_UTF8, "住民一覧_20250701.csv", "residents_20250701.csv"),
            (ExportFormat.XLSX, "住民一覧_20250701.xlsx", "residents_20250701.xlsx"),
        ],
    )
    def test_each_format_is_named_by_the_one_scheme(self, ward, export_format, name, ascii_name):
        result = run(ward.ward_officer, export_format=export_format)

        assert (result.filename, result.filename.ascii) == (name, ascii_name)

    def test_the_shift_jis_and_utf8_files_never_share_a_name(self, ward):
        names = {
            run(ward.ward_officer, export_format=f).filename for f in (ExportFormat.CSV_CP932, ExportFormat.CSV_UTF8)
        }

        assert len(names) == 2
