"""The roster list's consent column and filter, and the districts its filter offers: each rule with the side
that succeeds and the side that is refused.

The small ward (tsunagu.testing.personas): a1_agreed, a2_agreed, b1_agreed agreed; a1_refused, b1_refused
refused; a2_unanswered, b1_unanswered have no record. The association (district A) needs consent; the
commissioner (district B) works under opt-out; the ward officer sees everyone."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.areas.models import District, Town, TownDistrict
from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.organisations.models import ConsentRequirement
from tsunagu.people.models import ConsentRequest, ConsentStatus
from tsunagu.roster.selectors import (
    ConsentState,
    RosterFilters,
    roster_consent_column,
    roster_filter_areas,
    roster_list,
)
from tsunagu.testing.factories import (
    ConsentFactory,
    ConsentRequestFactory,
    DistrictFactory,
    DistrictTypeFactory,
    PersonFactory,
    TownFactory,
)
from tsunagu.testing.personas import list_on_roster

LIST_URL = reverse("roster:list")
FILTER_REFUSED = "絞り込みの条件を確認してください。"
MAX_LIST_QUERIES = 28
AGREED, REFUSED, UNANSWERED, PRESUMED = (
    ConsentState.AGREED,
    ConsentState.REFUSED,
    ConsentState.UNANSWERED,
    ConsentState.PRESUMED,
)


def states(page) -> dict[int, str]:
    return {row.entry.person_id: row.consent_state for row in page.rows}


def ids(page) -> set[int]:
    return {row.entry.person_id for row in page.rows}


def letter(person, *, due: datetime.date) -> ConsentRequest:
    """A consent-request letter sent to `person`, to be answered by `due`."""
    return ConsentRequestFactory(person=person, sent_on=due - datetime.timedelta(days=30), reply_due_on=due)


@pytest.fixture
def presumed_mode(settings):
    settings.TSUNAGU_ROSTER_CONSENT_MODE = "presumed"


@pytest.fixture
def overdue(ward):
    """a2_unanswered was asked by letter and let the reply date pass; b1_unanswered's date is today (not yet
    past)."""
    today = timezone.localdate()
    letter(ward.people.a2_unanswered, due=today - datetime.timedelta(days=1))
    letter(ward.people.b1_unanswered, due=today)


class TestConsentStates:
    def test_ward_officer_sees_each_persons_decision_in_force(self, ward, overdue, presumed_mode):
        p = ward.people

        page = roster_list(user=ward.ward_officer)

        assert page.consent.shown and page.consent.states == (AGREED, REFUSED, UNANSWERED, PRESUMED)
        assert states(page) == {
            p.a1_agreed.pk: AGREED,
            p.a2_agreed.pk: AGREED,
            p.b1_agreed.pk: AGREED,
            p.a1_refused.pk: REFUSED,
            p.b1_refused.pk: REFUSED,
            p.a2_unanswered.pk: PRESUMED,  # asked, and the reply date has passed
            p.b1_unanswered.pk: UNANSWERED,  # asked, but the reply date is today
        }

    def test_the_latest_decision_wins_and_a_withdrawal_is_a_refusal(self, ward):
        p = ward.people
        ConsentFactory(person=p.a1_agreed, status=ConsentStatus.WITHDRAWN)  # agreed, then withdrew
        ConsentFactory(person=p.a1_refused, status=ConsentStatus.AGREED)  # refused, then agreed
        ConsentFactory(person=p.a2_unanswered, status=ConsentStatus.UNANSWERED)  # recorded as not answered

        rows = {row.entry.person_id: row for row in roster_list(user=ward.ward_officer).rows}

        assert (rows[p.a1_agreed.pk].consent_state, rows[p.a1_agreed.pk].consent_label) == (REFUSED, "不同意（撤回）")
        assert (rows[p.a1_refused.pk].consent_state, rows[p.a1_refused.pk].consent_label) == (AGREED, "同意")
        assert (rows[p.a2_unanswered.pk].consent_state, rows[p.a2_unanswered.pk].consent_label) == (
            UNANSWERED,
            "未回答",
        )

    def test_a_recorded_answer_outweighs_an_overdue_letter(self, ward, overdue, presumed_mode):
        ConsentFactory(person=ward.people.a2_unanswered, status=ConsentStatus.REFUSED)

        assert states(roster_list(user=ward.ward_officer))[ward.people.a2_unanswered.pk] == REFUSED

    def test_without_presumed_consent_an_overdue_letter_is_simply_unanswered(self, ward, overdue):
        # The ordinance mode is "consent required" and no agreement presumes consent: 推定同意 does not exist.
        page = roster_list(user=ward.ward_officer)

        assert page.consent.states == (AGREED, REFUSED, UNANSWERED)
        assert states(page)[ward.people.a2_unanswered.pk] == UNANSWERED

    def test_an_agreement_that_presumes_consent_makes_it_a_state_for_its_members(self, ward, overdue):
        agreement = ward.agreements.association
        agreement.consent_requirement = ConsentRequirement.PRESUMED
        agreement.save(update_fields=["consent_requirement"])

        page = roster_list(user=ward.association_member)

        assert page.consent.states == (AGREED, PRESUMED)
        assert states(page) == {
            ward.people.a1_agreed.pk: AGREED,
            ward.people.a2_agreed.pk: AGREED,
            ward.people.a2_unanswered.pk: PRESUMED,
        }

    def test_the_column_agrees_with_the_policy_on_who_is_presumed(self, ward, overdue):
        """The persons a presumed-consent agreement opens without an explicit 同意 are exactly those the column
        calls 推定同意: one definition (tsunagu.access.policy.presumed_consent_q), read by both."""
        agreement = ward.agreements.association
        agreement.consent_requirement = ConsentRequirement.PRESUMED
        agreement.save(update_fields=["consent_requirement"])
        everyone = roster_list(user=ward.association_member)

        presumed = roster_list(user=ward.association_member, filters=RosterFilters(consent=PRESUMED))

        opened_without_agreement = {pk for pk, state in states(everyone).items() if state != AGREED}
        assert ids(presumed) == opened_without_agreement == {ward.people.a2_unanswered.pk}


class TestWhoSeesTheColumn:
    def test_under_consent_required_the_association_gets_no_column(self, ward):
        page = roster_list(user=ward.association_member)

        column = roster_consent_column(ward.association_member)
        assert column.states == (AGREED,) and not column.shown
        assert not page.consent.shown
        assert {row.consent_state for row in page.rows} == {""}

    def test_under_opt_out_the_commissioner_tells_agreed_from_unanswered(self, ward):
        page = roster_list(user=ward.commissioner)

        assert page.consent.states == (AGREED, UNANSWERED)  # refusals never reach an opt-out grant
        assert states(page) == {ward.people.b1_agreed.pk: AGREED, ward.people.b1_unanswered.pk: UNANSWERED}

    def test_the_recipients_a_consent_names_are_shown_to_professionals_only(self, ward):
        ConsentFactory(person=ward.people.b1_agreed, status=ConsentStatus.AGREED, recipient_kinds="|minsei|")

        officer = {r.entry.person_id: r for r in roster_list(user=ward.ward_officer).rows}
        commissioner = {r.entry.person_id: r for r in roster_list(user=ward.commissioner).rows}

        assert officer[ward.people.b1_agreed.pk].consent_kinds == "|minsei|"
        assert commissioner[ward.people.b1_agreed.pk].consent_kinds == ""
        assert commissioner[ward.people.b1_agreed.pk].consent_state == AGREED

    @pytest.mark.parametrize("persona", ["ward_clerk", "unagreed_member", "outsider"])
    def test_those_who_see_nobody_get_no_column(self, ward, persona):
        assert roster_consent_column(getattr(ward, persona)).states == ()


class TestConsentFilter:
    @pytest.mark.parametrize(
        ("state", "expected"),
        [
            (AGREED, {"a1_agreed", "a2_agreed", "b1_agreed"}),
            (REFUSED, {"a1_refused", "b1_refused"}),
            (UNANSWERED, {"b1_unanswered"}),
            (PRESUMED, {"a2_unanswered"}),
        ],
    )
    def test_each_state_lists_its_persons_and_the_audit_names_them(self, ward, overdue, presumed_mode, state, expected):
        page = roster_list(user=ward.ward_officer, filters=RosterFilters(consent=state))

        assert ids(page) == {getattr(ward.people, name).pk for name in expected}
        assert set(states(page).values()) == {state}
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        assert (set(entry.target_ids), entry.query) == (ids(page), f"consent={state}")

    def test_a_state_the_viewer_cannot_find_gives_nobody_not_everyone(self, ward):
        # The association sees consenting persons only: asking for 未回答 finds no one.
        assert ids(roster_list(user=ward.association_member, filters=RosterFilters(consent=UNANSWERED))) == set()
        assert ids(roster_list(user=ward.association_member, filters=RosterFilters(consent=AGREED))) == {
            ward.people.a1_agreed.pk,
            ward.people.a2_agreed.pk,
        }

    def test_combines_with_the_district_filter(self, ward):
        filters = RosterFilters(district_id=ward.districts.b.pk, consent=REFUSED)

        assert ids(roster_list(user=ward.ward_officer, filters=filters)) == {ward.people.b1_refused.pk}
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        assert entry.query == f"district_id={ward.districts.b.pk} consent=refused"


@pytest.fixture
def other_layer(ward):
    """A district of another layer (連合町会) spanning A2 and B1, and one that touches no town of district B."""
    layer = DistrictTypeFactory(code="federation", name="連合町会", sort_order=5)
    spanning = DistrictFactory(district_type=layer, code="F1", name="泉尾北連合")
    far = DistrictFactory(district_type=layer, code="F2", name="三軒家連合")
    for town in (ward.towns.a2, ward.towns.b1):
        TownDistrict.objects.create(town=town, district=spanning, district_type=layer)
    elsewhere = TownFactory(code="0003001", name="三軒家東一丁目", in_districts=[far])
    return {"spanning": spanning, "far": far, "elsewhere": elsewhere}


def names(qs) -> set[str]:
    return {obj.name for obj in qs}


class TestFilterAreas:
    def test_a_ward_wide_professional_gets_every_district_and_town(self, ward, other_layer):
        areas = roster_filter_areas(ward.ward_officer)

        assert set(areas.districts) == set(District.objects.all())
        assert set(areas.towns) == set(Town.objects.all())

    @pytest.mark.parametrize(
        ("persona", "districts", "towns"),
        [
            ("shakyo_coordinator", {"泉尾小学校区", "泉尾北連合"}, {"泉尾一丁目", "泉尾二丁目"}),
            ("commissioner", {"北恩加島小学校区", "泉尾北連合"}, {"北恩加島一丁目"}),
            ("association_member", {"泉尾小学校区", "泉尾北連合"}, {"泉尾一丁目", "泉尾二丁目"}),
        ],
    )
    def test_others_get_the_districts_their_grants_reach(self, ward, other_layer, persona, districts, towns):
        areas = roster_filter_areas(getattr(ward, persona))

        assert names(areas.districts) == districts
        assert names(areas.towns) == towns

    @pytest.mark.parametrize("persona", ["ward_clerk", "unagreed_member", "outsider"])
    def test_those_without_a_grant_get_none(self, ward, persona):
        areas = roster_filter_areas(getattr(ward, persona))

        assert list(areas.districts) == [] and list(areas.towns) == []


def option_values(page: str, name: str) -> list[str]:
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(1))


class TestListPage:
    def test_ward_officer_gets_the_column_and_every_state_to_filter_by(self, ward, verified_client):
        response = verified_client(ward.ward_officer).get(LIST_URL, {"consent": "refused"})

        page = response.content.decode()
        assert '<th scope="col">同意</th>' in page
        assert option_values(page, "consent") == ["", "agreed", "refused", "unanswered"]
        assert page.count('<span class="consent consent--refused">不同意</span>') == 2
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        assert set(entry.target_ids) == {ward.people.a1_refused.pk, ward.people.b1_refused.pk}

    def test_the_association_gets_neither_column_nor_filter(self, ward, verified_client):
        page = verified_client(ward.association_member).get(LIST_URL).content.decode()

        assert '<th scope="col">同意</th>' not in page and 'name="consent"' not in page
        assert "consent--" not in page

    def test_the_commissioner_may_ask_for_unanswered_but_not_for_refusals(self, ward, verified_client):
        client = verified_client(ward.commissioner)

        unanswered = client.get(LIST_URL, {"consent": "unanswered"}).content.decode()
        refused = client.get(LIST_URL, {"consent": "refused"}).content.decode()

        assert option_values(unanswered, "consent") == ["", "agreed", "unanswered"]
        assert f'href="/roster/why/{ward.people.b1_unanswered.pk}/"' in unanswered
        assert f'href="/roster/why/{ward.people.b1_agreed.pk}/"' not in unanswered
        # Refused persons are never the commissioner's to see: the choice is not offered, and asking is refused.
        assert FILTER_REFUSED in refused and 'id="roster-table"' not in refused
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        assert entry.query == "consent=unanswered"

    def test_the_district_filter_offers_only_the_viewers_districts(self, ward, verified_client):
        client = verified_client(ward.commissioner)

        page = client.get(LIST_URL).content.decode()
        outside = client.get(LIST_URL, {"district": ward.districts.a.pk}).content.decode()
        inside = client.get(LIST_URL, {"district": ward.districts.b.pk}).content.decode()

        assert option_values(page, "district") == ["", str(ward.districts.b.pk)]
        assert option_values(page, "town") == ["", str(ward.towns.b1.pk)]
        assert FILTER_REFUSED in outside and 'id="roster-table"' not in outside
        assert 'id="roster-table"' in inside
        assert [e.query for e in AuditEntry.objects.filter(action=AuditAction.LIST).order_by("seq")] == [
            "",
            f"district_id={ward.districts.b.pk}",
        ]

    def test_the_ward_officer_is_offered_every_district(self, ward, verified_client):
        page = verified_client(ward.ward_officer).get(LIST_URL).content.decode()

        assert option_values(page, "district") == ["", str(ward.districts.a.pk), str(ward.districts.b.pk)]

    def test_rows_are_cards_with_a_tel_link_and_the_address_with_its_extra(self, ward, verified_client):
        person = ward.people.b1_agreed
        person.roster_entries.update(phone="06-6552-1234", address="3-4", address_extra="北恩加島ハイツ101")

        page = verified_client(ward.commissioner).get(LIST_URL).content.decode()

        assert '<a href="tel:06-6552-1234">06-6552-1234</a>' in page
        assert '北恩加島一丁目3-4 <span class="roster-extra">北恩加島ハイツ101</span>' in page
        assert page.count('<span class="card-label">電話</span>') == 2


class TestQueryCount:
    """Zulip-style: the list costs the same number of queries for 2 rows as for 32, whoever looks and however
    it is filtered."""

    @pytest.mark.parametrize(
        ("persona", "query"),
        [
            ("ward_officer", {}),
            ("ward_officer", {"consent": "unanswered"}),
            ("commissioner", {}),
            ("commissioner", {"consent": "agreed", "district": "b"}),
            ("association_member", {}),
        ],
    )
    def test_bounded_and_independent_of_the_rows(
        self, ward, verified_client, django_assert_num_queries, persona, query
    ):
        query = {k: (ward.districts.b.pk if v == "b" else v) for k, v in query.items()}
        client = verified_client(getattr(ward, persona))
        client.get(LIST_URL, query)  # the first audit entry of all also creates the chain's head row
        with CaptureQueriesContext(connection) as few:
            assert client.get(LIST_URL, query).status_code == 200

        more = []
        for _ in range(15):
            for town in (ward.towns.a1, ward.towns.b1):
                person = PersonFactory(town=town)
                ConsentFactory(person=person, status=ConsentStatus.AGREED)
                more.append(person)
        list_on_roster([*vars(ward.people).values(), *more], number=2)

        with django_assert_num_queries(len(few.captured_queries)):
            response = client.get(LIST_URL, query)
        assert response.status_code == 200
        # Every query has its reason: the session (read, saved: 3), the user and the second factor, the
        # viewer (memberships and their districts and organisations' districts, agreements: 4; an agreement adds
        # its districts, their towns, the build it narrows to and the membership's towns), the chosen district
        # when one is checked, the build, the count and the page, the reasons, the full-level check for
        # professionals, the audit entry with its chain (6), the filter's districts and towns; and the menu's own
        # figures for the staff of consultation agencies (cases, outreach, conference tasks, forums).
        assert len(few.captured_queries) <= MAX_LIST_QUERIES, "\n".join(q["sql"][:140] for q in few.captured_queries)
