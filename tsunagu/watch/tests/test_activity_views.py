"""The activity record pages as people use them: the commissioner's months, the prefilled form (save, submit,
reopen, messages), the A4 PDF and the XLSX with the commissioner's month and numbers, the 民児協's totals page
and its workbook; refusals (403, logged) for anyone else, 404 for a malformed month."""

import datetime
import io
import subprocess
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.core.wareki import today_jst
from tsunagu.organisations.models import MembershipRole
from tsunagu.testing.factories import MembershipFactory, UserFactory
from tsunagu.testing.html import main_html, unlabelled_controls
from tsunagu.watch.activity import month_label, previous_month
from tsunagu.watch.models import ActivityRecord
from tsunagu.watch.services import activity_record_save

THIS_MONTH = today_jst().replace(day=1)
MONTH = previous_month(THIS_MONTH)
KEY = f"{MONTH:%Y-%m}"
RECORD_URL = f"/watch/activity/{KEY}/"


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "activity.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def pdf_pages(content: bytes, tmp_path) -> int:
    path = tmp_path / "activity.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def form_data(**counts) -> dict[str, str]:
    return {code: str(value) for code, value in counts.items()}


@pytest.fixture
def commissioner_client(client, ward):
    client.force_login(ward.commissioner)
    return client


@pytest.fixture
def saved(ward):
    ward.commissioner.display_name = "大正　民子"
    ward.commissioner.save(update_fields=["display_name"])
    return activity_record_save(
        ward.commissioner,
        MONTH,
        {"visits": 12, "liaison": 3, "days": 9, "field_elderly": 4, "content_family": 2, "activity_certificates": 1},
        "敬老会の準備に参加しました。",
        submit=True,
    )


def test_my_months_list_this_month_and_last_month(commissioner_client):
    response = commissioner_client.get("/watch/activity/")
    assert response.status_code == 200
    html = main_html(response)
    assert f"{month_label(MONTH)}分" in html
    assert f'href="/watch/activity/{KEY}/"' in html
    assert "未作成" in html


def test_the_form_is_prefilled_and_labelled(commissioner_client):
    response = commissioner_client.get(RECORD_URL)
    assert response.status_code == 200
    html = main_html(response)
    assert unlabelled_controls(html) == []
    for label in ("訪問回数", "連絡調整回数", "活動日数", "子どもの教育・学校生活", "要保護児童の発見の通告・仲介"):
        assert label in html
    assert 'name="visits"' in html and 'value="0"' in html
    assert "見守りの記録から：0" in html
    assert not ActivityRecord.objects.exists()  # opening the form saves nothing


def test_saving_and_submitting_from_the_page(commissioner_client, ward):
    response = commissioner_client.post(RECORD_URL, {**form_data(visits=4, activity_survey=2), "note": "", "save": "1"})
    assert response.status_code == 302
    record = ActivityRecord.objects.get(commissioner=ward.commissioner, month=MONTH)
    assert (record.counts["visits"], record.counts["activity_survey"], record.submitted_at) == (4, 2, None)
    response = commissioner_client.post(RECORD_URL, {**form_data(visits=5), "note": "", "submit": "1"}, follow=True)
    assert "活動記録を提出しました。" in response.content.decode()
    record.refresh_from_db()
    assert record.counts["visits"] == 5 and record.submitted_at is not None
    # Submitted: the page shows the numbers and offers to reopen, not the form.
    html = main_html(commissioner_client.get(RECORD_URL))
    assert 'name="visits"' not in html and 'name="reopen"' in html
    commissioner_client.post(RECORD_URL, {"reopen": "1"})
    record.refresh_from_db()
    assert record.submitted_at is None


def test_a_bad_number_is_shown_beside_its_field_and_nothing_is_saved(commissioner_client):
    response = commissioner_client.post(RECORD_URL, {**form_data(visits=-2, days=45), "note": "", "save": "1"})
    assert response.status_code == 200
    html = main_html(response)
    assert "訪問回数は0以上9999以下の整数で入力してください。" in html
    assert "活動日数は、その月の日数" in html
    assert 'id="id_visits_error_1"' in html
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize("month", ["2025-13", "abc", "2025-1", "1999-12", "totals-x"])
def test_a_malformed_month_is_404(commissioner_client, month):
    assert commissioner_client.get(f"/watch/activity/{month}/").status_code == 404
    assert commissioner_client.get(f"/watch/activity/{month}/pdf/").status_code == 404


def test_a_month_not_yet_begun_is_404(commissioner_client):
    future = (THIS_MONTH + datetime.timedelta(days=32)).replace(day=1)
    assert commissioner_client.get(f"/watch/activity/{future:%Y-%m}/").status_code == 404


@pytest.mark.parametrize("persona", ["association_member", "outsider"])
def test_others_are_refused_and_logged(client, ward, saved, persona):
    client.force_login(getattr(ward, persona))
    for url in ("/watch/activity/", RECORD_URL, RECORD_URL + "pdf/", RECORD_URL + "xlsx/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "敬老会" not in response.content.decode()
    response = client.post(RECORD_URL, {**form_data(visits=99), "note": "", "submit": "1"})
    assert response.status_code == 403
    assert ActivityRecord.objects.get().counts["visits"] == 12
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=AuditTarget.ACTIVITY_RECORD)
    assert denied.count() == 5


def test_staff_cannot_open_a_commissioners_record(verified_client, ward, saved):
    client = verified_client(ward.ward_officer)
    assert client.get(RECORD_URL).status_code == 403
    assert client.get(RECORD_URL + "pdf/").status_code == 403


def test_another_commissioner_sees_their_own_month_only(client, ward, saved):
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, organisation=ward.orgs.minsei, role=MembershipRole.COMMISSIONER)
    client.force_login(colleague)
    html = main_html(client.get(RECORD_URL))
    assert "大正　民子" not in html and "敬老会" not in html
    assert 'name="visits"' in html and 'value="12"' not in html


def test_the_pdf_is_the_commissioners_month_on_one_a4_page(commissioner_client, ward, saved, tmp_path):
    response = commissioner_client.get(RECORD_URL + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert quote("民生委員活動記録") in response["Content-Disposition"]
    assert f"_{KEY}.pdf" in response["Content-Disposition"]
    assert pdf_pages(response.content, tmp_path) == 1
    text = pdf_text(response.content, tmp_path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in (
        "民生委員・児童委員活動記録",
        f"{month_label(MONTH)}分",
        "大正 民子",
        ward.orgs.minsei.name,
        "北恩加島小学校区",
    ):
        assert expected in " ".join(lines), expected
    assert any("訪問回数 12回" in line for line in lines)
    assert any("連絡調整回数 3回" in line for line in lines)
    assert any("活動日数 9日" in line for line in lines)
    assert any("高齢者に関すること 4" in line for line in lines)
    assert any("家族関係 2" in line for line in lines)
    assert any("証明事務 1" in line for line in lines)
    assert "敬老会の準備に参加しました。" in text
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.target_type == AuditTarget.ACTIVITY_RECORD
    assert entry.target_ids == [saved.pk]
    assert entry.detail["format"] == "pdf"


def test_a_long_note_still_fits_on_one_page(commissioner_client, ward, tmp_path):
    activity_record_save(ward.commissioner, MONTH, {"visits": 9999}, "地域の行事に参加。" * 220, submit=False)
    content = commissioner_client.get(RECORD_URL + "pdf/").content
    assert pdf_pages(content, tmp_path) == 1
    assert "9999回" in pdf_text(content, tmp_path)


def test_the_pdf_of_an_unsaved_month_is_a_draft(commissioner_client, tmp_path):
    text = pdf_text(commissioner_client.get(f"/watch/activity/{THIS_MONTH:%Y-%m}/pdf/").content, tmp_path)
    assert "下書き（未提出）" in text


def test_the_xlsx_holds_the_month_and_numbers(commissioner_client, ward, saved):
    response = commissioner_client.get(RECORD_URL + "xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response.content)
    assert rows[0][:2] == ("民生委員・児童委員活動記録", f"{month_label(MONTH)}分")
    assert ("委員氏名", "大正　民子") in [r[:2] for r in rows]
    assert ("特記事項", "敬老会の準備に参加しました。") in [r[:2] for r in rows]
    table = {(r[0], r[1]): r[2] for r in rows if len(r) >= 3 and isinstance(r[2], int)}
    assert table[("訪問・連絡調整・活動日数", "訪問回数")] == 12
    assert table[("訪問・連絡調整・活動日数", "活動日数")] == 9
    assert table[("相談・支援件数（分野別）", "高齢者に関すること")] == 4
    assert table[("相談・支援件数（分野別）", "計")] == 4
    assert table[("相談・支援件数（内容別）", "家族関係")] == 2
    assert table[("その他の活動件数", "証明事務")] == 1


def test_a_note_that_looks_like_a_formula_stays_text(ward, commissioner_client):
    activity_record_save(ward.commissioner, MONTH, {}, '=HYPERLINK("http://example.com")', submit=False)
    workbook = load_workbook(io.BytesIO(commissioner_client.get(RECORD_URL + "xlsx/").content))
    cell = next(c for row in workbook.active.iter_rows() for c in row if c.value and str(c.value).startswith("=HYP"))
    assert cell.data_type == "s"
    assert cell.quotePrefix


# ---------------------------------------------------------------------------------------------------------
# Totals


@pytest.fixture
def district_records(ward, saved):
    other = UserFactory(username="commissioner_a")
    MembershipFactory(user=other, organisation=ward.orgs.minsei, role=MembershipRole.COMMISSIONER).districts.set(
        [ward.districts.a]
    )
    activity_record_save(other, MONTH, {"visits": 7, "field_elderly": 1}, submit=True)
    return other


def test_the_totals_page_sums_per_district(verified_client, ward, district_records):
    client = verified_client(ward.ward_officer)
    response = client.get(f"/watch/activity/totals/?month={KEY}")
    assert response.status_code == 200
    html = main_html(response)
    assert unlabelled_controls(html) == []
    assert "泉尾小学校区" in html and "北恩加島小学校区" in html
    visits_row = html[html.index("訪問回数") :]
    visits_row = visits_row[: visits_row.index("</tr>")]
    assert [cell.split(">")[-1] for cell in visits_row.split("</td>")[:-1]] == ["7", "12", "19"]


def test_the_totals_default_to_last_month(verified_client, ward, district_records):
    html = main_html(verified_client(ward.ward_officer).get("/watch/activity/totals/"))
    assert f"{month_label(MONTH)}分" in html


def test_the_totals_workbook(verified_client, ward, district_records):
    response = verified_client(ward.ward_officer).get(f"/watch/activity/totals/xlsx/?month={KEY}")
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    header = next(r for r in rows if r[:2] == ("区分", "項目"))
    assert list(header[2:]) == ["泉尾小学校区", "北恩加島小学校区", "区の合計"]
    by_label = {r[1]: list(r[2:]) for r in rows if r and r[0] == "訪問・連絡調整・活動日数"}
    assert by_label["訪問回数"] == [7, 12, 19]
    assert by_label["活動日数"] == [0, 9, 9]
    submitted = next(r for r in rows if r[0] == "提出数")
    assert list(submitted[2:]) == [1, 1, 2]
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, target_type=AuditTarget.ACTIVITY_RECORD).count() == 1


@pytest.mark.parametrize("month", ["2025-13", "x", "2025-1"])
def test_a_malformed_totals_month_is_404(verified_client, ward, month):
    assert verified_client(ward.ward_officer).get(f"/watch/activity/totals/?month={month}").status_code == 404


@pytest.mark.parametrize("persona", ["commissioner", "association_member"])
def test_the_totals_are_refused_to_others(client, ward, district_records, persona):
    client.force_login(getattr(ward, persona))
    assert client.get(f"/watch/activity/totals/?month={KEY}").status_code == 403
    assert client.get(f"/watch/activity/totals/xlsx/?month={KEY}").status_code == 403


def test_the_minsei_manager_opens_the_totals(client, ward, district_records):
    manager = UserFactory(username="minsei_manager")
    MembershipFactory(user=manager, organisation=ward.orgs.minsei, role=MembershipRole.MANAGER)
    client.force_login(manager)
    assert client.get(f"/watch/activity/totals/?month={KEY}").status_code == 200
