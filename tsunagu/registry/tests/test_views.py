import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.access.policy import CAPABILITIES, Capability
from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.core.output import NOTE_HEADING
from tsunagu.core.wareki import ERA_RANGE_MESSAGE, INVALID_DATE_MESSAGE
from tsunagu.organisations.models import MembershipRole
from tsunagu.people.models import CareLevel, ResidencyEventKind, ResidentStatus
from tsunagu.registry.exporting import NOTHING_TO_EXPORT_MESSAGE, PURPOSE_REQUIRED_MESSAGE, ExportFormat
from tsunagu.testing.factories import ConsentFactory, MembershipFactory, PersonFactory

SEARCH_URL = reverse("registry:search")
EXPORT_URL = reverse("registry:export")
SHOWA_RANGE_MESSAGE = ERA_RANGE_MESSAGE.format(name="昭和", start="1926年12月25日", end="1989年1月7日")


def detail_url(person):
    return reverse("registry:detail", args=[person.pk])


def linked_ids(response) -> set[int]:
    """The persons a page links to: exactly the ones it shows."""
    return {int(pk) for pk in re.findall(r'href="/people/(\d+)/"', response.content.decode())}


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def export(client, **data):
    return client.post(EXPORT_URL, {"purpose": AuditPurpose.WATCH, "export_format": ExportFormat.CSV_CP932, **data})


class TestLoginRequired:
    @pytest.mark.parametrize("name", ["registry:search", "registry:export"])
    def test_anonymous_is_sent_to_sign_in(self, client, ward, settings, name):
        settings.LOGIN_URL = "/accounts/login/"

        response = client.get(reverse(name))

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")

    def test_anonymous_detail_is_sent_to_sign_in_and_reveals_nothing(self, client, ward, settings):
        settings.LOGIN_URL = "/accounts/login/"

        response = client.get(detail_url(ward.people.a1_agreed))

        assert response.status_code == 302
        assert not entries(AuditAction.VIEW)


class TestSearch:
    @pytest.mark.parametrize("query", ["たかはし", "タカハシ", "ﾀｶﾊｼ", "高橋", "髙橋", "タカ"])
    def test_every_spelling_finds_takahashi(self, ward, verified_client, query):
        response = verified_client(ward.ward_officer).get(SEARCH_URL, {"q": query})

        assert response.status_code == 200
        assert linked_ids(response) == {ward.people.a1_agreed.pk}
        assert "<td>タカハシ\u3000タロウ</td>" in response.content.decode()
        assert f"髙橋\u3000{ward.people.a1_agreed.given_name}</a>" in response.content.decode()  # as registered

    def test_search_is_audited_with_the_persons_shown(self, ward, verified_client):
        verified_client(ward.ward_officer).get(SEARCH_URL, {"q": "たかはし"})

        [entry] = entries(AuditAction.SEARCH)
        assert entry.actor_username == "ward_officer"
        assert entry.target_ids == [ward.people.a1_agreed.pk]
        assert entry.query == "q=たかはし"

    def test_shows_birth_date_in_wareki_with_age_and_town(self, ward, verified_client):
        response = verified_client(ward.ward_officer).get(SEARCH_URL, {"q": "タカハシ"})

        content = response.content.decode()
        assert re.search(r"<td>昭和15年5月3日（\d+歳）</td>", content)
        assert "<td>泉尾一丁目</td>" in content

    def test_association_member_finds_only_consenting_residents_of_district_a(self, ward, verified_client):
        response = verified_client(ward.association_member).get(SEARCH_URL)

        assert linked_ids(response) == {ward.people.a1_agreed.pk, ward.people.a2_agreed.pk}
        assert entries(AuditAction.LIST)[0].target_ids == sorted([ward.people.a1_agreed.pk, ward.people.a2_agreed.pk])

    @pytest.mark.parametrize("persona", ["outsider", "unagreed_member"])
    def test_users_without_a_grant_find_nobody(self, ward, verified_client, persona):
        response = verified_client(getattr(ward, persona)).get(SEARCH_URL, {"q": "やまだ"})

        assert response.status_code == 200
        assert linked_ids(response) == set()
        assert "0人が見つかりました。" in response.content.decode()
        assert entries(AuditAction.SEARCH)[0].target_ids == []

    def test_district_and_town_filters(self, ward, verified_client):
        client = verified_client(ward.ward_officer)

        by_district = client.get(SEARCH_URL, {"district": ward.districts.b.pk})
        by_town = client.get(SEARCH_URL, {"town": ward.towns.a2.pk})

        assert linked_ids(by_district) == {
            ward.people.b1_agreed.pk,
            ward.people.b1_unanswered.pk,
            ward.people.b1_refused.pk,
        }
        assert linked_ids(by_town) == {ward.people.a2_unanswered.pk, ward.people.a2_agreed.pk}

    def test_former_residents_only_when_asked_and_only_for_the_ward(self, ward, verified_client):
        moved = PersonFactory(
            town=ward.towns.a1, status=ResidentStatus.MOVED_OUT, family_name="転出", family_name_kana="テンシュツ"
        )
        officer = verified_client(ward.ward_officer)

        assert linked_ids(officer.get(SEARCH_URL, {"q": "テンシュツ"})) == set()
        response = officer.get(SEARCH_URL, {"q": "テンシュツ", "include_former": "on"})
        assert linked_ids(response) == {moved.pk}
        assert '<span class="badge">転出</span>' in response.content.decode()

        coordinator = verified_client(ward.shakyo_coordinator).get(
            SEARCH_URL, {"q": "テンシュツ", "include_former": "on"}
        )
        assert linked_ids(coordinator) == set()
        assert 'name="include_former"' not in coordinator.content.decode()

    @pytest.mark.parametrize("birth", ["S15.5.3", "昭和15年5月3日", "1940-05-03", "Ｓ１５．５．３"])
    def test_birth_date_filter_accepts_wareki_and_western_forms(self, ward, verified_client, birth):
        PersonFactory(town=ward.towns.a1, birth_date=datetime.date(1950, 1, 2))

        response = verified_client(ward.ward_officer).get(SEARCH_URL, {"birth": birth, "town": ward.towns.a1.pk})

        assert linked_ids(response) == {ward.people.a1_agreed.pk, ward.people.a1_refused.pk}
        assert "birth_from=1940-05-03 birth_to=1940-05-03" in entries(AuditAction.LIST)[0].query

    @pytest.mark.parametrize(
        ("birth", "message"), [("昭和70年5月3日", SHOWA_RANGE_MESSAGE), ("昭和70年", INVALID_DATE_MESSAGE)]
    )
    def test_bad_birth_date_shows_the_message_next_to_the_field_and_searches_nothing(
        self, ward, verified_client, birth, message
    ):
        response = verified_client(ward.ward_officer).get(SEARCH_URL, {"birth": birth})

        content = response.content.decode()
        assert response.status_code == 200
        assert re.search(
            rf'<div id="id_birth_errors" class="field-errors">\s*<p class="error" role="alert">{message}</p>', content
        )
        assert linked_ids(response) == set()
        assert not AuditEntry.objects.filter(action__in=[AuditAction.SEARCH, AuditAction.LIST]).exists()

    def test_htmx_request_gets_the_results_fragment(self, ward, verified_client):
        response = verified_client(ward.ward_officer).get(SEARCH_URL, {"q": "たかはし"}, headers={"HX-Request": "true"})

        content = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in content
        assert "<form" not in content
        assert linked_ids(response) == {ward.people.a1_agreed.pk}
        assert "HX-Request" in response["Vary"]

    def test_htmx_fragment_carries_the_date_error_out_of_band(self, ward, verified_client):
        response = verified_client(ward.ward_officer).get(
            SEARCH_URL, {"birth": "昭和70年5月3日"}, headers={"HX-Request": "true"}
        )

        content = response.content.decode()
        assert "<html" not in content
        assert re.search(
            rf'<div id="id_birth_errors" class="field-errors" hx-swap-oob="true">\s*<p[^>]*>{SHOWA_RANGE_MESSAGE}',
            content,
        )

    def test_full_page_has_live_search_and_a_plain_submit_button(self, ward, verified_client):
        content = verified_client(ward.ward_officer).get(SEARCH_URL).content.decode()

        assert '<form method="get" action="/people/"' in content
        assert 'hx-get="/people/" hx-target="#search-results"' in content
        assert "input changed delay:400ms from:#id_q" in content
        assert '<button type="submit" class="btn btn-primary">検索</button>' in content
        assert '<div id="search-results">' in content

    def test_export_link_keeps_the_filters(self, ward, verified_client):
        content = verified_client(ward.ward_officer).get(SEARCH_URL, {"q": "たかはし", "page": "1"}).content.decode()

        assert 'href="/people/export/?q=%E3%81%9F%E3%81%8B%E3%81%AF%E3%81%97"' in content

    def test_pages_of_fifty(self, ward, verified_client):
        PersonFactory.create_batch(50, town=ward.towns.b1)
        client = verified_client(ward.ward_officer)

        first = client.get(SEARCH_URL)
        second = client.get(SEARCH_URL, {"page": "2"})

        assert len(linked_ids(first)) == 50
        assert len(linked_ids(second)) == 7
        assert not linked_ids(first) & linked_ids(second)
        assert 'href="?page=2" hx-get="?page=2" rel="next"' in first.content.decode()
        assert "57人が見つかりました。" in second.content.decode()

    def test_number_of_queries_does_not_grow_with_the_results(
        self, ward, verified_client, django_assert_max_num_queries
    ):
        client = verified_client(ward.ward_officer)
        PersonFactory.create_batch(5, town=ward.towns.a1, family_name="佐藤", family_name_kana="サトウ")
        with CaptureQueriesContext(connection) as few:
            assert len(linked_ids(client.get(SEARCH_URL, {"q": "さとう"}))) == 5

        PersonFactory.create_batch(25, town=ward.towns.a2, family_name="佐藤", family_name_kana="サトウ")
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(linked_ids(client.get(SEARCH_URL, {"q": "さとう"}))) == 30


class TestDetail:
    def test_out_of_scope_person_is_404_and_denied_is_logged(self, ward, verified_client):
        response = verified_client(ward.association_member).get(detail_url(ward.people.b1_agreed))

        assert response.status_code == 404
        [denied] = entries(AuditAction.DENIED)
        assert denied.actor_username == "association_member"
        assert denied.detail == {"requested_id": str(ward.people.b1_agreed.pk)}
        assert not entries(AuditAction.VIEW)

    @pytest.mark.parametrize("guess", ["999999", "abc"])
    def test_guessed_ids_are_404_and_logged(self, ward, verified_client, guess):
        response = verified_client(ward.ward_officer).get(f"/people/{guess}/")

        assert response.status_code == 404
        assert entries(AuditAction.DENIED)[0].detail == {"requested_id": guess}

    def test_full_level_shows_everything_and_logs_the_view(self, ward, verified_client):
        person = ward.people.a1_agreed
        person.care_level = CareLevel.CARE_3
        person.lives_alone = True
        person.address_extra = "泉尾ハイツ101"
        person.save()
        person.events.create(kind=ResidencyEventKind.MOVED_IN, occurred_on=datetime.date(2001, 4, 1))
        sibling = PersonFactory(town=ward.towns.a1, household=person.household, given_name="花子")

        response = verified_client(ward.ward_officer).get(detail_url(person))

        assert response.status_code == 200
        content = response.content.decode()
        for text in [
            "<dt>宛名番号</dt><dd>" + person.resident_number + "</dd>",
            "<dt>氏名</dt><dd>髙橋\u3000" + person.given_name + "</dd>",
            "<dt>フリガナ</dt><dd>タカハシ\u3000タロウ</dd>",
            "<dt>性別</dt><dd>女</dd>",
            "<dt>住所</dt><dd>泉尾一丁目1-2-3</dd>",
            "<dt>方書</dt><dd>泉尾ハイツ101</dd>",
            "<dt>要介護度</dt><dd>要介護3</dd>",
            "<dt>ひとり暮らし</dt><dd>はい</dd>",
            f"世帯番号：{person.household.number}",
            f'<a href="{detail_url(sibling)}">山田\u3000花子</a>',
            "<td>平成13年4月1日</td><td>転入</td>",
            "<td>令和7年6月1日</td>",  # the consent decision
            "大正区役所 保健福祉課（区役所）",
        ]:
            assert text in content, text
        assert re.search(r"<dt>生年月日</dt><dd>昭和15年5月3日（\d+歳）</dd>", content)
        [view] = entries(AuditAction.VIEW)
        assert view.target_ids == [person.pk]
        assert view.actor_username == "ward_officer"
        [household] = entries(AuditAction.LIST)
        assert household.target_ids == [sibling.pk]

    def test_household_shows_only_members_the_user_may_see(self, ward, verified_client):
        person = ward.people.a1_agreed
        elsewhere = PersonFactory(town=ward.towns.b1, household=person.household)

        response = verified_client(ward.shakyo_coordinator).get(detail_url(person))

        assert response.status_code == 200
        assert elsewhere.pk not in linked_ids(response)
        assert "ほかに表示できる世帯員はいません。" in response.content.decode()
        assert not entries(AuditAction.LIST)

    def test_community_level_hides_internal_items(self, ward, verified_client):
        person = ward.people.a1_agreed
        person.care_level = CareLevel.SUPPORT_2
        person.save()
        PersonFactory(town=ward.towns.a1, household=person.household, given_name="花子")

        response = verified_client(ward.association_member).get(detail_url(person))

        content = response.content.decode()
        assert response.status_code == 200
        assert "宛名番号" not in content
        assert person.resident_number not in content
        assert "世帯番号" not in content
        assert "花子" not in content
        assert "異動の履歴" not in content
        assert "同意の履歴" not in content
        # Item 7 of issue 6: the support attributes were shown here; they are not roster items (49条の10).
        assert "<dt>要介護度</dt>" not in content
        assert "要支援2" not in content
        assert "支援に関する情報" not in content
        assert "<dt>電話</dt>" in content
        assert f"泉尾第一町会（{ward.agreements.association.document_reference}）" in content
        assert "この方の情報を閲覧できる根拠" in content
        assert entries(AuditAction.VIEW)[0].target_ids == [person.pk]

    def test_deceased_person_shows_age_at_death(self, ward, verified_client):
        person = PersonFactory(
            town=ward.towns.a1,
            birth_date=datetime.date(1930, 6, 1),
            status=ResidentStatus.DECEASED,
            status_changed_on=datetime.date(2020, 5, 31),
        )

        content = verified_client(ward.ward_officer).get(detail_url(person)).content.decode()

        assert "昭和5年6月1日（死亡時89歳）" in content
        assert "<dd>死亡（令和2年5月31日）</dd>" in content


class TestExport:
    def test_form_asks_for_purpose_and_format_and_exports_nothing(self, ward, verified_client):
        response = verified_client(ward.ward_officer).get(EXPORT_URL, {"q": "たかはし"})

        content = response.content.decode()
        assert response.status_code == 200
        assert "対象：1人" in content
        for purpose in AuditPurpose:
            assert str(purpose.label) in content
        for fmt in ExportFormat:
            assert str(fmt.label) in content
        assert '<input type="hidden" name="q" value="たかはし"' in content
        assert not entries(AuditAction.EXPORT)

    def test_without_a_purpose_it_is_refused(self, ward, verified_client):
        response = verified_client(ward.ward_officer).post(EXPORT_URL, {"export_format": ExportFormat.CSV_CP932})

        assert response.status_code == 200
        assert "Content-Disposition" not in response
        assert f'<p class="error" role="alert">{PURPOSE_REQUIRED_MESSAGE}</p>' in response.content.decode()
        assert not entries(AuditAction.EXPORT)

    def test_cp932_csv_maps_takahashi_with_a_note_and_is_audited(self, ward, verified_client):
        response = export(verified_client(ward.ward_officer), q="たかはし", purpose=AuditPurpose.DISASTER_PREP)

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
        assert "attachment; filename*=utf-8''" in response["Content-Disposition"]
        lines = list(csv.reader(io.StringIO(response.content.decode("cp932"), newline="")))
        assert lines[0][:3] == ["宛名番号", "氏", "名"]
        assert lines[1][:2] == [ward.people.a1_agreed.resident_number, "高橋"]
        assert "髙" not in response.content.decode("cp932").split("※")[0]
        assert lines[3] == [NOTE_HEADING.format(encoding="Shift_JIS（CP932）")]
        assert lines[4] == ["髙（U+9AD9） → 高：2行目（氏）"]
        [entry] = entries(AuditAction.EXPORT)
        assert entry.purpose == AuditPurpose.DISASTER_PREP
        assert entry.target_ids == [ward.people.a1_agreed.pk]
        assert entry.query == "q=たかはし"
        assert entry.detail["replaced_characters"] == {"髙→高": 1}

    def test_utf8_bom_csv_keeps_the_registered_spelling(self, ward, verified_client):
        response = export(verified_client(ward.ward_officer), q="たかはし", export_format=ExportFormat.CSV_UTF8)

        assert response.content.startswith(b"\xef\xbb\xbf")
        assert "髙橋" in response.content.decode("utf-8-sig")

    def test_xlsx_opens_with_openpyxl(self, ward, verified_client):
        response = export(verified_client(ward.ward_officer), q="たかはし", export_format=ExportFormat.XLSX)

        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet["B2"].value == "髙橋"
        assert sheet["A2"].value == ward.people.a1_agreed.resident_number
        assert response["Content-Disposition"].endswith(".xlsx")

    def test_export_contains_every_visible_person_and_the_audit_names_them_all(self, ward, verified_client):
        response = export(verified_client(ward.ward_officer), export_format=ExportFormat.CSV_UTF8)

        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        everyone = sorted(p.pk for p in vars(ward.people).values())
        assert len(rows) == 1 + len(everyone)
        assert entries(AuditAction.EXPORT)[0].target_ids == everyone

    # Item 7 of issue 6: a community member used to get a file of their persons (with the support attributes,
    # outside the distribution register); the outsider used to get "nothing to export". Now both are refused.
    @pytest.mark.parametrize("persona", ["association_member", "commissioner", "outsider"])
    def test_community_members_and_others_are_refused_with_the_403_page_and_logged(
        self, ward, verified_client, persona
    ):
        client = verified_client(getattr(ward, persona))

        form = client.get(EXPORT_URL)
        posted = export(client, export_format=ExportFormat.CSV_UTF8)

        for response in (form, posted):
            assert response.status_code == 403
            assert "Content-Disposition" not in response
            assert str(CAPABILITIES[Capability.EXPORT_PERSONS].refusal) in response.content.decode()
        denied = entries(AuditAction.DENIED)
        assert [(d.actor_username, d.target_type) for d in denied] == [(persona, "person")] * 2
        assert all(d.detail["capability"] == "export_persons" for d in denied)
        assert not entries(AuditAction.EXPORT)

    def test_the_search_page_offers_the_export_only_to_professionals(self, ward, verified_client):
        link = 'href="/people/export/'

        assert link in verified_client(ward.shakyo_coordinator).get(SEARCH_URL).content.decode()
        assert link not in verified_client(ward.association_member).get(SEARCH_URL).content.decode()
        fragment = verified_client(ward.commissioner).get(SEARCH_URL, headers={"HX-Request": "true"})
        assert "人が見つかりました。" in fragment.content.decode()
        assert link not in fragment.content.decode()

    def test_a_professional_with_nobody_to_export_is_told_so(self, ward, verified_client):
        response = export(verified_client(ward.care_plaza_worker), district=ward.districts.a.pk)

        assert "Content-Disposition" not in response
        assert str(NOTHING_TO_EXPORT_MESSAGE) in response.content.decode()
        assert not entries(AuditAction.EXPORT)

    def test_persons_seen_through_an_agreement_are_left_out_and_the_page_says_so(self, ward, verified_client):
        # A 社協 worker (district A) who is also a commissioner (district B).
        user = ward.shakyo_coordinator
        MembershipFactory(user=user, organisation=ward.orgs.minsei, role=MembershipRole.COMMISSIONER).districts.set(
            [ward.districts.b]
        )
        client = verified_client(user)

        page = client.get(EXPORT_URL).content.decode()
        response = export(client, export_format=ExportFormat.CSV_UTF8)

        assert "対象：4人" in page
        assert "協定によって閲覧できる方は出力に含まれません。" in page
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 1 + 4
        assert not {ward.people.b1_agreed.pk, ward.people.b1_unanswered.pk} & set(
            entries(AuditAction.EXPORT)[0].target_ids
        )

    def test_filters_of_the_export_follow_the_search(self, ward, verified_client):
        # Item 7 of issue 6: was the association member's export; the export is now the professionals'.
        ConsentFactory(person=ward.people.a2_unanswered)
        response = export(
            verified_client(ward.shakyo_coordinator),
            town=ward.towns.a2.pk,
            export_format=ExportFormat.CSV_UTF8,
        )

        assert entries(AuditAction.EXPORT)[0].target_ids == sorted(
            [ward.people.a2_agreed.pk, ward.people.a2_unanswered.pk]
        )
        assert entries(AuditAction.EXPORT)[0].query == f"town_id={ward.towns.a2.pk}"
        assert response.status_code == 200


def test_the_person_page_links_to_the_roster_reasons_plan_and_consent(ward, verified_client):
    person = ward.people.a1_agreed
    staff_html = verified_client(ward.ward_officer).get(f"/people/{person.pk}/").content.decode()
    assert f'href="/roster/why/{person.pk}/"' in staff_html
    assert f'href="/evacuation/plans/{person.pk}/"' in staff_html
    assert f'href="/people/consent/{person.pk}/"' in staff_html
    client = verified_client(ward.association_member)
    community_html = client.get(f"/people/{person.pk}/").content.decode()
    assert f'href="/evacuation/plans/{person.pk}/"' in community_html
    assert "/people/consent/" not in community_html  # the consent history is for professionals
