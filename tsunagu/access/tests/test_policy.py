"""The access policy matrix: role × district × consent × agreement validity.

Each persona of the `ward` fixture (tsunagu/conftest.py) is checked against every resident. Then the
conditions that must stop access at once: expiry, revocation, withdrawal of consent, end of membership."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.access.policy import scopes
from tsunagu.accounts.selectors import two_factor_required
from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.organisations.models import DataScope, OrganisationKind
from tsunagu.people.models import ConsentStatus, ResidentStatus
from tsunagu.registry.selectors import person_detail
from tsunagu.testing.factories import ConsentFactory

ALL = {"a1_agreed", "a1_refused", "a2_unanswered", "a2_agreed", "b1_agreed", "b1_unanswered", "b1_refused"}

EXPECTED = {
    "ward_officer": ALL,
    "ward_clerk": set(),
    "shakyo_coordinator": {"a1_agreed", "a1_refused", "a2_unanswered", "a2_agreed"},
    "care_plaza_worker": {"b1_agreed", "b1_unanswered", "b1_refused"},
    # 民児協 agreement: A and B, presumed consent; the commissioner's 担当区域 narrows it to B.
    "commissioner": {"b1_agreed", "b1_unanswered"},
    # 町会 agreement: district A, consent required.
    "association_member": {"a1_agreed", "a2_agreed"},
    "unagreed_member": set(),
    "outsider": set(),
}


def visible_names(ward, user, **kwargs):
    ids = set(policy.visible_persons(user, **kwargs).values_list("pk", flat=True))
    return {name for name, person in vars(ward.people).items() if person.pk in ids}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_sees_exactly_their_residents(ward, persona):
    assert visible_names(ward, getattr(ward, persona)) == EXPECTED[persona]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
@pytest.mark.parametrize("person_name", sorted(ALL))
def test_detail_of_every_person_follows_the_matrix(ward, persona, person_name):
    user = getattr(ward, persona)
    person = getattr(ward.people, person_name)
    before = AuditEntry.objects.count()
    if person_name in EXPECTED[persona]:
        detail = person_detail(user=user, person_id=person.pk)
        assert detail.person == person
        entry = AuditEntry.objects.order_by("-seq").first()
        assert (entry.action, entry.target_ids, entry.actor_username) == (AuditAction.VIEW, [person.pk], persona)
    else:
        with pytest.raises(Http404):
            person_detail(user=user, person_id=person.pk)
        entry = AuditEntry.objects.order_by("-seq").first()
        assert (entry.action, entry.actor_username) == (AuditAction.DENIED, persona)
        assert entry.detail == {"requested_id": str(person.pk)}
    assert AuditEntry.objects.count() == before + 1


def test_a_guessed_id_that_does_not_exist_looks_the_same_as_one_out_of_scope(ward):
    for guess in ["999999", "abc", "1 OR 1=1"]:
        with pytest.raises(Http404):
            person_detail(user=ward.association_member, person_id=guess)
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED).order_by("seq")
    assert [e.detail["requested_id"] for e in denied] == ["999999", "abc", "1 OR 1=1"]


def test_detail_level_is_full_for_professionals_and_community_for_agreements(ward):
    person = ward.people.a1_agreed
    assert policy.detail_level(ward.ward_officer, person) == policy.DetailLevel.FULL
    assert policy.detail_level(ward.shakyo_coordinator, person) == policy.DetailLevel.FULL
    assert policy.detail_level(ward.association_member, person) == policy.DetailLevel.COMMUNITY
    assert policy.detail_level(ward.care_plaza_worker, person) is None


class TestAgreementValidity:
    def test_the_day_after_the_agreement_ends_nobody_is_visible(self, ward):
        agreement = ward.agreements.association
        agreement.valid_to = datetime.date(2026, 3, 31)
        agreement.save()
        user = ward.association_member
        assert visible_names(ward, user, day=datetime.date(2026, 3, 31)) == {"a1_agreed", "a2_agreed"}
        assert visible_names(ward, user, day=datetime.date(2026, 4, 1)) == set()

    def test_before_the_agreement_starts_nobody_is_visible(self, ward):
        user = ward.association_member
        assert visible_names(ward, user, day=datetime.date(2024, 3, 31)) == set()
        assert visible_names(ward, user, day=datetime.date(2024, 4, 1)) == {"a1_agreed", "a2_agreed"}

    def test_revocation_stops_access_at_once(self, ward):
        agreement = ward.agreements.association
        agreement.revoked_at = timezone.now()
        agreement.revoked_reason = "協定違反のため"
        agreement.save()
        assert visible_names(ward, ward.association_member) == set()
        with pytest.raises(Http404):
            person_detail(user=ward.association_member, person_id=ward.people.a1_agreed.pk)

    def test_an_agreement_for_other_data_does_not_open_the_roster(self, ward, monkeypatch):
        # A second data scope joins the policy as its app would register it, touching nothing else.
        class WatchScope(policy.ScopeRule):
            scope = DataScope.WATCH

        monkeypatch.setitem(scopes._RULES, DataScope.WATCH, WatchScope())
        scopes._RULES[DataScope.WATCH].consent_scope = DataScope.WATCH
        agreement = ward.agreements.association
        agreement.data_scopes = [DataScope.WATCH]
        agreement.save()
        assert visible_names(ward, ward.association_member) == set()
        # Consent is given per kind of data: a roster consent does not open watch-over data.
        assert visible_names(ward, ward.association_member, scope=DataScope.WATCH) == set()
        ConsentFactory(person=ward.people.a1_agreed, scope=DataScope.WATCH, status=ConsentStatus.AGREED)
        assert visible_names(ward, ward.association_member, scope=DataScope.WATCH) == {"a1_agreed"}

    def test_an_inactive_organisation_loses_access(self, ward):
        ward.orgs.association.is_active = False
        ward.orgs.association.save()
        assert visible_names(ward, ward.association_member) == set()

    def test_an_ended_membership_loses_access(self, ward):
        membership = ward.association_member.memberships.get()
        membership.ended_on = policy.today() - datetime.timedelta(days=1)
        membership.save()
        assert visible_names(ward, ward.association_member) == set()

    def test_a_deactivated_user_sees_nobody(self, ward):
        ward.ward_officer.is_active = False
        ward.ward_officer.save()
        assert visible_names(ward, ward.ward_officer) == set()


class TestConsent:
    def test_withdrawal_takes_effect_at_once(self, ward):
        person = ward.people.a1_agreed
        ConsentFactory(person=person, status=ConsentStatus.WITHDRAWN, decided_on=datetime.date(2026, 1, 5))
        assert visible_names(ward, ward.association_member) == {"a2_agreed"}
        # Professionals are not bound by the sharing consent.
        assert "a1_agreed" in visible_names(ward, ward.shakyo_coordinator)

    def test_a_later_consent_opens_access(self, ward):
        ConsentFactory(person=ward.people.a2_unanswered, status=ConsentStatus.AGREED)
        assert visible_names(ward, ward.association_member) == {"a1_agreed", "a2_agreed", "a2_unanswered"}

    def test_consent_limited_to_other_recipient_kinds_does_not_cover_the_association(self, ward):
        ConsentFactory(
            person=ward.people.a2_agreed, status=ConsentStatus.AGREED, recipient_kinds=f"|{OrganisationKind.MINSEI}|"
        )
        assert visible_names(ward, ward.association_member) == {"a1_agreed"}

    def test_consent_naming_the_recipient_kind_covers_it(self, ward):
        ConsentFactory(
            person=ward.people.a2_agreed,
            status=ConsentStatus.AGREED,
            recipient_kinds=f"|{OrganisationKind.MINSEI}|{OrganisationKind.NEIGHBOURHOOD}|",
        )
        assert visible_names(ward, ward.association_member) == {"a1_agreed", "a2_agreed"}

    def test_presumed_consent_excludes_only_refusals(self, ward):
        membership = ward.commissioner.memberships.get()
        membership.districts.clear()  # the whole agreement: A and B
        assert visible_names(ward, ward.commissioner) == {
            "a1_agreed",
            "a2_unanswered",
            "a2_agreed",
            "b1_agreed",
            "b1_unanswered",
        }

    def test_under_opt_out_a_consent_for_other_recipients_only_is_an_objection(self, ward):
        """The 民児協 shares under opt-out; a person who agreed for the 町会 alone has said no to the 民児協."""
        membership = ward.commissioner.memberships.get()
        membership.districts.clear()  # the whole agreement: A and B
        ConsentFactory(
            person=ward.people.b1_agreed,
            status=ConsentStatus.AGREED,
            recipient_kinds=f"|{OrganisationKind.NEIGHBOURHOOD}|",
        )
        ConsentFactory(
            person=ward.people.a2_agreed, status=ConsentStatus.AGREED, recipient_kinds=f"|{OrganisationKind.MINSEI}|"
        )
        ConsentFactory(person=ward.people.b1_unanswered, status=ConsentStatus.UNANSWERED)
        assert visible_names(ward, ward.commissioner) == {"a1_agreed", "a2_unanswered", "a2_agreed", "b1_unanswered"}


class TestFormerResidents:
    def test_moved_out_and_deceased_are_seen_only_by_the_ward(self, ward):
        for name, status in (("a1_agreed", ResidentStatus.MOVED_OUT), ("a2_agreed", ResidentStatus.DECEASED)):
            person = getattr(ward.people, name)
            person.status = status
            person.save()
        assert {"a1_agreed", "a2_agreed"} <= visible_names(ward, ward.ward_officer)
        assert visible_names(ward, ward.association_member) == set()
        assert visible_names(ward, ward.shakyo_coordinator) == {"a1_refused", "a2_unanswered"}


class TestWriteAndAdminRights:
    @pytest.mark.parametrize("persona", sorted(EXPECTED))
    def test_only_ward_welfare_changes_people_and_reads_the_audit_log(self, ward, persona):
        user = getattr(ward, persona)
        assert policy.can(user, policy.Capability.MANAGE_REGISTRY) is (persona == "ward_officer")
        assert policy.can(user, policy.Capability.VIEW_AUDIT_LOG) is (persona == "ward_officer")

    @pytest.mark.parametrize("persona", sorted(EXPECTED))
    def test_staff_roles_need_two_factors(self, ward, persona):
        staff = {"ward_officer", "ward_clerk", "shakyo_coordinator", "care_plaza_worker"}
        assert two_factor_required(getattr(ward, persona)) is (persona in staff)


def test_visible_persons_costs_a_bounded_number_of_queries(ward, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        list(policy.visible_persons(ward.association_member))


def test_only_those_who_see_the_resident_number_can_search_by_it(ward):
    from tsunagu.registry.selectors import PersonFilters, person_queryset

    number = ward.people.a1_agreed.resident_number
    by_number = PersonFilters(query=number)
    assert list(person_queryset(user=ward.ward_officer, filters=by_number)) == [ward.people.a1_agreed]
    assert list(person_queryset(user=ward.association_member, filters=by_number)) == []


def test_a_commissioner_area_of_another_layer_narrows_by_towns(ward):
    """The 民児協 agreement names 小学校区; the commissioner's 担当区域 is a district of another layer."""
    from tsunagu.areas.models import TownDistrict
    from tsunagu.testing.factories import DistrictFactory, DistrictTypeFactory

    minsei_layer = DistrictTypeFactory(code="minsei", name="民生委員担当区域")
    area = DistrictFactory(district_type=minsei_layer, code="M1", name="北恩加島第1区")
    TownDistrict.objects.create(town=ward.towns.b1, district=area, district_type=minsei_layer)
    membership = ward.commissioner.memberships.get()
    membership.districts.set([area])
    assert visible_names(ward, ward.commissioner) == {"b1_agreed", "b1_unanswered"}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_professional_access_is_the_ward_and_the_district_professionals(ward, persona):
    professionals = {"ward_officer", "shakyo_coordinator", "care_plaza_worker"}
    assert policy.viewer_for(getattr(ward, persona)).is_professional is (persona in professionals)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_rows_of_visible_persons_keep_exactly_the_rows_of_persons_in_scope(ward, persona):
    """Rows that name a person (here each consent decision) are limited by the same policy as persons."""
    from tsunagu.people.models import Consent

    user = getattr(ward, persona)
    rows = policy.rows_of_visible_persons(Consent.objects.all(), user)
    ids = set(policy.visible_persons(user).values_list("pk", flat=True))
    expected = set(Consent.objects.filter(person__in=ids).values_list("pk", flat=True))
    assert set(rows.values_list("pk", flat=True)) == expected
    assert expected or not EXPECTED[persona] & {"a1_agreed", "a2_agreed", "b1_agreed"}


def test_a_viewer_who_sees_everyone_reads_rows_without_reading_persons(ward):
    from tsunagu.people.models import Consent

    officer = policy.viewer_for(ward.ward_officer)
    assert policy.sees_everyone(officer.grants())
    assert "people_person" not in str(policy.rows_of_visible_persons(Consent.objects.order_by(), officer).query)
    association = policy.viewer_for(ward.association_member)
    assert not policy.sees_everyone(association.grants())
    assert "people_person" in str(policy.rows_of_visible_persons(Consent.objects.order_by(), association).query)


def test_a_ward_of_several_does_not_see_everyone(ward):
    """A second ward in the instance: the ward officer's grant is their ward's towns, so rows are filtered."""
    from tsunagu.testing.factories import MunicipalityFactory, TownFactory

    TownFactory(code="0009001", name="別区一丁目", municipality=MunicipalityFactory())
    officer = policy.viewer_for(ward.ward_officer)
    assert not policy.sees_everyone(officer.grants())
