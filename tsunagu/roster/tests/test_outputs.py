"""Roster outputs: a distribution's copy holds exactly what its organisation may see; every page is marked;
every output is audited with its purpose."""

import csv
import datetime
import io
import re
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import ConsentStatus
from tsunagu.roster.models import DistributionForm, RosterEntry, RosterEntryReason, RosterRule, RuleKind
from tsunagu.roster.outputs import (
    OUTPUT_AGREEMENT_ENDED_MESSAGE,
    OUTPUT_PURPOSE_REQUIRED_MESSAGE,
    OutputFormat,
    OutputRefusedError,
    roster_output_distribution,
    roster_output_district,
)
from tsunagu.roster.services.distribution import distribution_create
from tsunagu.roster.sheet import CONFIDENTIAL, SECRECY_NOTE, SUPPORT_HEADERS, roster_lines
from tsunagu.testing.factories import ConsentFactory, PersonFactory
from tsunagu.testing.personas import list_on_roster

DAY = datetime.date(2026, 6, 1)


def distribute(ward, *, build=None, agreement=None, districts=None):
    agreement = agreement or ward.agreements.association
    return distribution_create(
        user=ward.ward_officer,
        organisation=agreement.organisation,
        agreement=agreement,
        build=build or ward.roster,
        districts=districts or [ward.districts.a],
        form=DistributionForm.PAPER,
        distributed_on=DAY,
    )


def output(ward, distribution, fmt=OutputFormat.PDF, purpose=AuditPurpose.DISASTER_PREP):
    return roster_output_distribution(
        user=ward.ward_officer, distribution=distribution, output_format=fmt, purpose=purpose
    )


def pdf_pages(content: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    return [page for page in text.decode().split("\f") if page.strip()]


def test_distribution_pdf_marks_every_page_and_holds_only_visible_persons(ward):
    # 60 more consenting residents of district A so the copy runs over several pages.
    more = [PersonFactory(town=ward.towns.a1, address=f"3-{n}") for n in range(60)]
    for person in more:
        ConsentFactory(person=person, status=ConsentStatus.AGREED)
    build = list_on_roster([*vars(ward.people).values(), *more], number=2)
    distribution = distribute(ward, build=build)

    result = output(ward, distribution)

    pages = pdf_pages(result.content)
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert CONFIDENTIAL in page
        assert distribution.number in page
        assert re.search(rf"(?<!\d){n}\s*/\s*{len(pages)}\s*$", page.rstrip())
    text = "".join(pages)

    def printed(person):
        return re.search(rf"{person.given_name}(?!\d)", text) is not None

    assert all(printed(p) for p in [ward.people.a1_agreed, ward.people.a2_agreed, *more])
    assert not any(printed(p) for p in [ward.people.a1_refused, ward.people.a2_unanswered, ward.people.b1_agreed])
    # 町丁目 then address, numbers compared as numbers: 1-2-3 (the factory's), then 3-0, 3-1 … 3-59; then A2.
    assert result.person_ids == [ward.people.a1_agreed.pk, *[p.pk for p in more], ward.people.a2_agreed.pk]
    assert set(result.person_ids) == {p.pk for p in [ward.people.a1_agreed, ward.people.a2_agreed, *more]}


def test_lines_are_ordered_by_town_then_address(ward):
    build = ward.roster
    RosterEntry.objects.filter(build=build, person=ward.people.a1_refused).update(address="2-10")
    RosterEntry.objects.filter(build=build, person=ward.people.a1_agreed).update(address="2-9")
    RosterEntry.objects.filter(build=build, person=ward.people.a2_agreed).update(address="1-1")
    entries = list(RosterEntry.objects.filter(build=build).select_related("town").order_by("-id"))

    lines = roster_lines(entries, build_id=build.pk, full=False)

    towns = [ward.towns.a1.name] * 2 + [ward.towns.a2.name] * 2 + [ward.towns.b1.name] * 3
    assert [line.address.startswith(town) for line, town in zip(lines, towns, strict=True)] == [True] * 7
    assert [line.person_id for line in lines[:3]] == [
        ward.people.a1_agreed.pk,
        ward.people.a1_refused.pk,
        ward.people.a2_agreed.pk,
    ]


def test_withdrawn_consent_leaves_the_copy_at_once(ward):
    distribution = distribute(ward)
    ConsentFactory(person=ward.people.a2_agreed, status=ConsentStatus.WITHDRAWN)

    result = output(ward, distribution, fmt=OutputFormat.CSV_UTF8)

    assert result.person_ids == [ward.people.a1_agreed.pk]


def test_expired_agreement_refuses_the_output(ward):
    distribution = distribute(ward)
    agreement = ward.agreements.association
    agreement.valid_to = datetime.date(2026, 6, 30)
    agreement.save(update_fields=["valid_to"])

    with pytest.raises(OutputRefusedError) as refusal:
        roster_output_distribution(
            user=ward.ward_officer,
            distribution=distribution,
            output_format=OutputFormat.PDF,
            purpose=AuditPurpose.DISASTER_PREP,
            day=datetime.date(2026, 7, 1),
        )
    assert str(refusal.value) == OUTPUT_AGREEMENT_ENDED_MESSAGE
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_csv_cp932_maps_and_reports_variant_characters(ward):
    distribution = distribute(ward)

    result = output(ward, distribution, fmt=OutputFormat.CSV_CP932)

    text = result.content.decode("cp932")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["氏名", "フリガナ", "生年月日"]
    assert any(row and row[0].startswith("高橋") for row in rows)
    assert "髙" not in text.split("※")[0]
    assert result.report.counts() == {"髙→高": 1}
    assert "髙（U+9AD9） → 高" in text
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.detail["replaced"] == {"髙→高": 1}


def test_csv_utf8_keeps_the_registered_spelling(ward):
    result = output(ward, distribute(ward), fmt=OutputFormat.CSV_UTF8)
    assert result.content.startswith(b"\xef\xbb\xbf")
    assert "髙橋" in result.content.decode("utf-8-sig")
    assert not result.report.changed


def test_xlsx_opens_with_the_mark_and_number(ward):
    distribution = distribute(ward)

    result = output(ward, distribution, fmt=OutputFormat.XLSX)

    sheet = load_workbook(io.BytesIO(result.content)).active
    assert sheet["A1"].value == CONFIDENTIAL
    assert sheet["B2"].value == distribution.number
    assert sheet["A3"].value == "氏名"
    names = [sheet.cell(row=r, column=1).value for r in range(4, sheet.max_row + 1)]
    assert sorted(names) == sorted(
        [f"髙橋\u3000{ward.people.a1_agreed.given_name}", f"山田\u3000{ward.people.a2_agreed.given_name}"]
    )


def test_purpose_is_required(ward):
    distribution = distribute(ward)
    with pytest.raises(OutputRefusedError) as refusal:
        output(ward, distribution, purpose="")
    assert str(refusal.value) == OUTPUT_PURPOSE_REQUIRED_MESSAGE
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_output_is_audited_with_purpose_and_every_person(ward):
    distribution = distribute(ward)

    output(ward, distribution, fmt=OutputFormat.PDF, purpose=AuditPurpose.WATCH)

    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.purpose == AuditPurpose.WATCH
    assert entry.target_type == "person"
    assert entry.target_ids == sorted([ward.people.a1_agreed.pk, ward.people.a2_agreed.pk])
    assert entry.detail == {"number": distribution.number, "build": 1, "format": "pdf"}
    assert entry.actor_username == "ward_officer"


def test_only_ward_staff_output(ward):
    distribution = distribute(ward)
    with pytest.raises(PermissionDenied):
        roster_output_distribution(
            user=ward.association_member,
            distribution=distribution,
            output_format=OutputFormat.PDF,
            purpose=AuditPurpose.WATCH,
        )


def test_district_copy_is_full_with_support_attributes(ward):
    rule = RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3")
    RosterEntryReason.objects.create(build=ward.roster, person=ward.people.a1_refused, rule=rule, label=rule.label)
    RosterEntry.objects.filter(build=ward.roster, person=ward.people.a1_refused).update(care_level="care_3")

    result = roster_output_district(
        user=ward.ward_officer,
        district=ward.districts.a,
        output_format=OutputFormat.CSV_UTF8,
        purpose=AuditPurpose.DATA_CHECK,
    )

    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    assert rows[0][-len(SUPPORT_HEADERS) :] == list(SUPPORT_HEADERS)
    assert len(rows) == 1 + 4  # every listed person of district A, consent or not
    refused = next(r for r in rows if r[0].endswith(ward.people.a1_refused.given_name))
    assert refused[6] == "要介護3以上"
    assert refused[7] == "要介護3"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.purpose == AuditPurpose.DATA_CHECK
    assert len(entry.target_ids) == 4


def test_district_pdf_page(ward, verified_client):
    client = verified_client(ward.ward_officer)
    assert client.get(reverse("roster:output_district")).status_code == 200
    response = client.post(
        reverse("roster:output_district"),
        {"district": ward.districts.b.pk, "output_format": OutputFormat.PDF, "purpose": AuditPurpose.DISASTER_PREP},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert re.search(rf"{ward.people.b1_refused.given_name}(?!\d)", pages[0])
    assert "区控 第1版" in pages[0]


def test_output_page_requires_a_purpose(ward, verified_client):
    distribution = distribute(ward)
    client = verified_client(ward.ward_officer)
    response = client.post(
        reverse("roster:output_distribution", args=[distribution.pk]), {"output_format": OutputFormat.PDF}
    )
    assert response.status_code == 400
    assert str(OUTPUT_PURPOSE_REQUIRED_MESSAGE) in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()

    response = client.post(
        reverse("roster:output_distribution", args=[distribution.pk]),
        {"output_format": OutputFormat.XLSX, "purpose": AuditPurpose.DISASTER_PREP},
    )
    assert response.status_code == 200
    assert distribution.number in response["Content-Disposition"]


def test_output_pages_refuse_others(ward, client):
    distribution = distribute(ward)
    client.force_login(ward.association_member)
    data = {"output_format": OutputFormat.PDF, "purpose": AuditPurpose.WATCH}
    assert client.post(reverse("roster:output_distribution", args=[distribution.pk]), data).status_code == 403
    assert client.post(reverse("roster:output_district"), {**data, "district": ward.districts.a.pk}).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_every_pdf_page_cites_the_rosters_secrecy_article(ward):
    # 災害対策基本法第49条の13: the duty of secrecy of those who receive the roster's information.
    pages = pdf_pages(output(ward, distribute(ward)).content)

    assert "第49条の13" in SECRECY_NOTE
    assert all(SECRECY_NOTE in page.replace(" ", "") for page in pages)


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [
        (OutputFormat.PDF, ".pdf"),
        (OutputFormat.XLSX, ".xlsx"),
        (OutputFormat.CSV_CP932, "_SJIS.csv"),
        (OutputFormat.CSV_UTF8, ".csv"),
    ],
)
def test_files_are_named_by_the_one_scheme(ward, fmt, suffix):
    distribution = distribute(ward)
    today = today_jst()

    copy = output(ward, distribution, fmt=fmt)
    ward_copy = roster_output_district(
        user=ward.ward_officer, district=ward.districts.a, output_format=fmt, purpose=AuditPurpose.DATA_CHECK
    )

    assert copy.filename == f"避難行動要支援者名簿_{today:%Y%m%d}_{distribution.number}{suffix}"
    assert copy.filename.ascii == f"roster_{today:%Y%m%d}_{distribution.number}{suffix}"
    district = ward.districts.a
    assert ward_copy.filename == f"避難行動要支援者名簿_{today:%Y%m%d}_区控-第1版-{district.name}{suffix}"
    assert ward_copy.filename.ascii == f"roster_{today:%Y%m%d}_build1-{district.code}{suffix}"


def test_the_two_csv_copies_never_share_a_name(ward):
    distribution = distribute(ward)

    names = {output(ward, distribution, fmt=f).filename for f in (OutputFormat.CSV_CP932, OutputFormat.CSV_UTF8)}

    assert len(names) == 2
