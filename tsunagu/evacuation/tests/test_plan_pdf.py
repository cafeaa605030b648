"""The one-person A4 sheet: one page, the person's name as registered (髙), the plan's content, and an export
entry with its purpose in the audit log."""

import datetime
import re
import subprocess
from urllib.parse import quote

import pytest
from django.http import Http404

from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.core.wareki import today_jst
from tsunagu.evacuation.models import PlanStatus, Priority
from tsunagu.evacuation.pdf import PURPOSE_INVALID_MESSAGE, evacuation_plan_export_pdf
from tsunagu.evacuation.services import evacuation_plan_save
from tsunagu.roster.models import RosterEntryReason, RosterRule, RuleKind
from tsunagu.shelters.models import Shelter

PDF_URL = "/evacuation/plans/{}/pdf/"


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def pdf_pages(content: bytes, tmp_path) -> int:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def full_plan(ward):
    person = ward.people.a1_agreed
    rule = RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3")
    RosterEntryReason.objects.create(build=ward.roster, person=person, rule=rule, label="要介護3以上")
    shelter = Shelter.objects.create(
        code="W1", name="大正区老人福祉センター", address="大正区千島1-1", is_welfare_shelter=True
    )
    evacuation_plan_save(
        person=person,
        data={
            "status": PlanStatus.DONE,
            "priority": Priority.HIGH,
            "shelter_id": shelter.pk,
            "next_review_on": datetime.date(2099, 4, 1),
            "route_notes": "自宅前の道を南へ、千島公園の横を通る。",
            "timing_notes": "高齢者等避難の発令で避難を始める。",
            "needs_mobility": "車いす",
            "needs_medication": "降圧剤（朝夕）",
            "needs_pets": "小型犬1匹",
            "hazard_flood_zone": True,
        },
        supporters=[
            {"name": "﨑山　次郎", "relation": "近所の方", "address": "泉尾一丁目2-3", "phone": "06-1234-5678"},
            {"name": "髙田　花子", "relation": "長女", "address": "大阪市西区1-1", "phone": "090-1111-2222"},
        ],
        user=ward.ward_officer,
    )
    return person


class TestSheet:
    def test_one_page_with_name_and_plan_and_export_entry(self, ward, full_plan, tmp_path):
        result = evacuation_plan_export_pdf(
            user=ward.ward_officer, person_id=full_plan.pk, purpose=AuditPurpose.DISASTER_PREP
        )
        assert result.content.startswith(b"%PDF")
        assert pdf_pages(result.content, tmp_path) == 1
        text = pdf_text(result.content, tmp_path)
        for expected in (
            "取扱注意",
            "個別避難計画",
            full_plan.family_name,
            "髙橋",
            "タカハシ",
            "要介護3以上",
            "﨑山",
            "髙田",
            "大正区老人福祉センター",
            "福祉避難所",
            "車いす",
            "■ 浸水想定区域",
            "□ 土砂災害警戒区域",
            "作成済",
            "令和81年4月1日",
        ):
            assert expected in text, expected
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
        assert entry.purpose == AuditPurpose.DISASTER_PREP
        assert entry.target_ids == [full_plan.pk]
        assert entry.actor_username == "ward_officer"

    def test_person_without_a_plan_gets_a_blank_form(self, ward, tmp_path):
        person = ward.people.b1_agreed
        result = evacuation_plan_export_pdf(
            user=ward.care_plaza_worker, person_id=person.pk, purpose=AuditPurpose.CASE_WORK
        )
        text = pdf_text(result.content, tmp_path)
        assert person.family_name in text and "未着手" in text

    def test_very_long_notes_and_many_supporters_still_fit_on_one_page(self, ward, full_plan, tmp_path):
        long = "避難経路の説明がとても長い場合。" * 60
        many = [
            {"name": f"支援者{i}", "relation": "近所", "address": "泉尾" * 40, "phone": "06-0000-0000"}
            for i in range(9)
        ]
        evacuation_plan_save(
            person=full_plan,
            data={
                "route_notes": long,
                "timing_notes": long,
                "destination_other": long[:200],
                **{
                    f"needs_{n}": long[:200]
                    for n in ("medical_devices", "medication", "mobility", "communication", "allergies", "pets")
                },
            },
            supporters=many,
            user=ward.ward_officer,
        )
        result = evacuation_plan_export_pdf(
            user=ward.ward_officer, person_id=full_plan.pk, purpose=AuditPurpose.DISASTER_PREP
        )
        assert pdf_pages(result.content, tmp_path) == 1
        assert "ほか5名" in pdf_text(result.content, tmp_path).replace(" ", "")

    def test_community_member_may_print_the_sheet_of_a_visible_person(self, ward, full_plan):
        result = evacuation_plan_export_pdf(
            user=ward.association_member, person_id=full_plan.pk, purpose=AuditPurpose.DISASTER_PREP
        )
        assert result.content.startswith(b"%PDF")
        assert AuditEntry.objects.get(action=AuditAction.EXPORT).actor_username == "association_member"

    def test_out_of_scope_is_404_and_denied_without_export(self, ward, full_plan):
        with pytest.raises(Http404):
            evacuation_plan_export_pdf(
                user=ward.commissioner, person_id=full_plan.pk, purpose=AuditPurpose.DISASTER_PREP
            )
        assert AuditEntry.objects.filter(action=AuditAction.DENIED).count() == 1
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()

    def test_unknown_purpose_is_refused(self, ward, full_plan):
        with pytest.raises(ValueError, match=re.escape(str(PURPOSE_INVALID_MESSAGE))):
            evacuation_plan_export_pdf(user=ward.ward_officer, person_id=full_plan.pk, purpose="curiosity")
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


class TestArticles:
    """災害対策基本法: the title cites 第49条の14 (making individual plans); every secrecy note cites 第49条の17
    (the duty of secrecy of those who receive a plan's information), never the roster's 第49条の13 nor the
    article on providing the information (第49条の15)."""

    def test_title_cites_49_14_and_the_secrecy_notes_cite_49_17(self, ward, full_plan, tmp_path):
        result = evacuation_plan_export_pdf(
            user=ward.ward_officer, person_id=full_plan.pk, purpose=AuditPurpose.DISASTER_PREP
        )

        text = pdf_text(result.content, tmp_path).replace(" ", "")
        lines = text.splitlines()
        assert any("個別避難計画（災害対策基本法第49条の14）" in line for line in lines)
        footer = [line for line in lines if "取扱注意－個人情報を含みます" in line]
        assert footer and all("第49条の17" in line for line in footer)
        assert "第三者に漏らさないでください（災害対策基本法第49条の17）" in text.replace("\n", "")
        assert "第49条の15）" not in text and "第49条の13" not in text
        assert text.count("第49条の17") == 2  # the note under the form and the page footer


class TestPdfView:
    def test_purpose_is_required_then_the_pdf_is_sent(self, ward, full_plan, verified_client):
        client = verified_client(ward.ward_officer)
        page = client.get(PDF_URL.format(full_plan.pk))
        assert page.status_code == 200 and "利用目的" in page.content.decode()
        missing = client.post(PDF_URL.format(full_plan.pk), {})
        assert missing.status_code == 200 and "出力の利用目的を選んでください。" in missing.content.decode()
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
        response = client.post(PDF_URL.format(full_plan.pk), {"purpose": AuditPurpose.CONFERENCE})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert AuditEntry.objects.get(action=AuditAction.EXPORT).purpose == AuditPurpose.CONFERENCE

    def test_the_sheet_is_named_by_the_one_scheme(self, ward, full_plan, verified_client):
        response = verified_client(ward.ward_officer).post(
            PDF_URL.format(full_plan.pk), {"purpose": AuditPurpose.CONFERENCE}
        )

        day = f"{today_jst():%Y%m%d}"
        name = quote(f"個別避難計画_{day}_{full_plan.pk}.pdf")
        assert response["Content-Disposition"] == (
            f"attachment; filename*=utf-8''{name}; filename=evacuation-plan_{day}_{full_plan.pk}.pdf"
        )

    def test_outsider_gets_404_and_a_denied_entry(self, ward, full_plan, client):
        client.force_login(ward.outsider)
        response = client.post(PDF_URL.format(full_plan.pk), {"purpose": AuditPurpose.DISASTER_PREP})
        assert response.status_code == 404
        assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor_username="outsider").count() == 1
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
