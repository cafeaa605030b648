"""Supporter proposals: who gets proposals, capacities, confirm/reject, scope, audit, and the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.access.policy import CAPABILITIES, Capability
from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.evacuation.models import (
    CandidateKind,
    EvacuationPlan,
    PlanSupporter,
    ProposalStatus,
    SupporterCandidate,
    SupporterProposal,
)
from tsunagu.evacuation.selectors.proposals import (
    can_manage_proposals,
    persons_needing_supporter,
    supporter_proposal_list,
)
from tsunagu.evacuation.services.proposals import (
    NOT_PENDING_MESSAGE,
    TARGET_TYPE,
    supporter_proposal_confirm,
    supporter_proposal_reject,
    supporter_proposals_create,
)
from tsunagu.evacuation.views.matching import CONFIRMED_MESSAGE
from tsunagu.testing.factories import PersonFactory
from tsunagu.testing.personas import list_on_roster

PERMISSION_MESSAGE = CAPABILITIES[Capability.MATCH_SUPPORTERS].refusal

LAT0, LON0 = Decimal("34.660000"), Decimal("135.470000")
STEP = Decimal("0.000900")  # about 100 m north–south, 80 m east–west


def place(obj, north: int, east: int = 0) -> None:
    obj.latitude = LAT0 + STEP * north
    obj.longitude = LON0 + STEP * east
    obj.save(update_fields=["latitude", "longitude"])


def candidate(name: str, north: int, east: int = 0, capacity: int = 2, **kwargs) -> SupporterCandidate:
    return SupporterCandidate.objects.create(
        kind=kwargs.pop("kind", CandidateKind.NEIGHBOUR),
        name=name,
        address="大阪市大正区泉尾一丁目1-1",
        phone="090-0000-0000",
        latitude=LAT0 + STEP * north,
        longitude=LON0 + STEP * east,
        capacity=capacity,
        **kwargs,
    )


@pytest.fixture
def placed(ward):
    """Every listed person but b1_refused has a place, along a north–south line 100 m apart."""
    p = ward.people
    for n, person in enumerate([p.a1_agreed, p.a1_refused, p.a2_unanswered, p.a2_agreed, p.b1_agreed, p.b1_unanswered]):
        place(person, n)
    return ward


def proposed_ids() -> set[int]:
    return set(SupporterProposal.objects.filter(status=ProposalStatus.PROPOSED).values_list("person_id", flat=True))


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


# --- running the matching ---------------------------------------------------------------------------------


def test_ward_officer_gets_a_proposal_for_every_placed_person_within_capacities(placed):
    p = placed.people
    north, south = candidate("北の支援者", 1, capacity=3), candidate("南の支援者", 4, capacity=3)

    run = supporter_proposals_create(user=placed.ward_officer)

    placed_ids = {
        p.a1_agreed.pk,
        p.a1_refused.pk,
        p.a2_unanswered.pk,
        p.a2_agreed.pk,
        p.b1_agreed.pk,
        p.b1_unanswered.pk,
    }
    assert proposed_ids() == placed_ids  # b1_refused has no coordinates
    assert (run.persons, run.candidates, run.created) == (6, 2, 6)
    assert run.optimal.coverage == 1.0
    assert run.optimal.covered >= run.greedy.covered
    by_person = {s.person_id: s for s in SupporterProposal.objects.all()}
    assert by_person[p.a1_agreed.pk].candidate == north
    assert by_person[p.b1_unanswered.pk].candidate == south
    assert by_person[p.a1_agreed.pk].distance_m == pytest.approx(100, abs=2)
    assert {s.method for s in by_person.values()} == {"optimal"}
    entry = last_entry()
    assert (entry.action, entry.target_type, entry.actor_username) == (AuditAction.CREATE, TARGET_TYPE, "ward_officer")
    assert entry.target_ids == sorted(placed_ids)
    assert entry.detail["proposals"] == 6
    assert entry.detail["coverage_optimal"] == 1.0


def test_greedy_method_is_stored_when_asked_for(placed):
    candidate("支援者", 0, capacity=10)

    supporter_proposals_create(user=placed.ward_officer, method="greedy")

    assert set(SupporterProposal.objects.values_list("method", flat=True)) == {"greedy"}


def test_a_candidates_capacity_counts_plan_supporters_and_open_proposals(placed):
    p = placed.people
    only = candidate("ひとり", 0, capacity=2)
    plan = EvacuationPlan.objects.create(person=p.b1_agreed)
    PlanSupporter.objects.create(plan=plan, name=only.name, candidate=only)

    supporter_proposals_create(user=placed.ward_officer)
    assert proposed_ids() == {p.a1_agreed.pk}  # one place left, the nearest person takes it

    supporter_proposals_create(user=placed.ward_officer)
    assert SupporterProposal.objects.count() == 1  # no room left, and a1 already has an open proposal


def test_persons_with_a_supporter_without_a_place_or_not_on_the_latest_build_are_left_out(placed):
    p = placed.people
    plan = EvacuationPlan.objects.create(person=p.a2_agreed)
    PlanSupporter.objects.create(plan=plan, name="家族の方")
    newcomer = PersonFactory(town=placed.towns.a1)
    place(newcomer, 2)  # placed, but not on any roster build
    list_on_roster([p.a1_agreed, p.a2_agreed, p.b1_refused, newcomer], number=2)

    ids = set(persons_needing_supporter(user=placed.ward_officer).values_list("pk", flat=True))

    assert ids == {p.a1_agreed.pk, newcomer.pk}  # a2 has a supporter, b1_refused has no place


def test_shakyo_proposes_only_for_its_districts_and_community_members_are_refused(placed):
    p = placed.people
    candidate("支援者", 2, capacity=10)

    supporter_proposals_create(user=placed.shakyo_coordinator)
    assert proposed_ids() == {p.a1_agreed.pk, p.a1_refused.pk, p.a2_unanswered.pk, p.a2_agreed.pk}

    for user in (placed.association_member, placed.commissioner, placed.ward_clerk, placed.outsider):
        assert not can_manage_proposals(user)
        before = AuditEntry.objects.count()
        with pytest.raises(PermissionDenied) as refused:
            supporter_proposals_create(user=user)
        assert str(refused.value) == str(PERMISSION_MESSAGE)
        assert AuditEntry.objects.count() == before
    assert SupporterProposal.objects.count() == 4


# --- confirm and reject -----------------------------------------------------------------------------------


@pytest.fixture
def proposal(placed):
    candidate("泉尾 花子", 0, capacity=1, kind=CandidateKind.VOLUNTEER)
    supporter_proposals_create(user=placed.ward_officer)
    return SupporterProposal.objects.get()


def test_confirm_adds_the_candidate_to_the_persons_plan(placed, proposal):
    result = supporter_proposal_confirm(user=placed.ward_officer, proposal_id=proposal.pk)

    proposal.refresh_from_db()
    assert result.pk == proposal.pk
    assert proposal.status == ProposalStatus.CONFIRMED
    assert proposal.decided_by == placed.ward_officer
    assert proposal.decided_at is not None
    supporter = PlanSupporter.objects.get()
    assert supporter.plan.person_id == proposal.person_id
    assert (supporter.name, supporter.relation) == ("泉尾 花子", "登録ボランティア")
    assert supporter.candidate == proposal.candidate
    entry = last_entry()
    assert (entry.action, entry.target_type) == (AuditAction.UPDATE, TARGET_TYPE)
    assert entry.target_ids == [proposal.person_id]
    assert entry.detail["decision"] == "confirmed"
    assert entry.detail["plan_created"] is True

    # A decided proposal cannot be decided again.
    with pytest.raises(ValueError, match=str(NOT_PENDING_MESSAGE)):
        supporter_proposal_reject(user=placed.ward_officer, proposal_id=proposal.pk)
    # The person has a supporter now: no new proposal for them.
    needing = persons_needing_supporter(user=placed.ward_officer)
    assert not needing.filter(pk=proposal.person_id).exists()


def test_confirm_uses_an_existing_plan(placed, proposal):
    plan = EvacuationPlan.objects.create(person=proposal.person)

    supporter_proposal_confirm(user=placed.ward_officer, proposal_id=proposal.pk)

    assert EvacuationPlan.objects.get() == plan
    assert plan.supporters.count() == 1
    assert last_entry().detail["plan_created"] is False


def test_reject_frees_the_place_and_the_pair_is_not_proposed_again(placed, proposal):
    supporter_proposal_reject(user=placed.ward_officer, proposal_id=proposal.pk)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert not PlanSupporter.objects.exists()
    entry = last_entry()
    assert (entry.action, entry.target_ids, entry.detail["decision"]) == (
        AuditAction.UPDATE,
        [proposal.person_id],
        "rejected",
    )

    supporter_proposals_create(user=placed.ward_officer)
    again = SupporterProposal.objects.get(status=ProposalStatus.PROPOSED)
    assert again.candidate == proposal.candidate
    assert again.person_id != proposal.person_id  # the freed place went to the next nearest person


def test_a_proposal_outside_the_users_districts_is_404_and_logged(placed, proposal):
    # The proposal is for a1_agreed (district A); the care plaza serves district B.
    assert proposal.person_id == placed.people.a1_agreed.pk
    for proposal_id in (proposal.pk, "999999", "abc"):
        with pytest.raises(Http404):
            supporter_proposal_confirm(user=placed.care_plaza_worker, proposal_id=proposal_id)
        entry = last_entry()
        assert (entry.action, entry.target_type, entry.detail["requested_id"]) == (
            AuditAction.DENIED,
            TARGET_TYPE,
            str(proposal_id),
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED

    with pytest.raises(PermissionDenied):
        supporter_proposal_reject(user=placed.association_member, proposal_id=proposal.pk)


def test_list_shows_only_open_proposals_of_visible_persons_and_is_audited(placed):
    candidate("支援者", 2, capacity=10)
    supporter_proposals_create(user=placed.ward_officer)

    listed = supporter_proposal_list(user=placed.care_plaza_worker)

    district_b = {placed.people.b1_agreed.pk, placed.people.b1_unanswered.pk}
    assert {s.person_id for s in listed} == district_b
    entry = last_entry()
    assert (entry.action, entry.target_type, entry.target_ids) == (AuditAction.LIST, TARGET_TYPE, sorted(district_b))


# --- pages ------------------------------------------------------------------------------------------------


def test_run_page_shows_both_methods_and_creates_proposals(placed, verified_client):
    candidate("支援者", 2, capacity=10)
    client = verified_client(placed.ward_officer)

    assert client.get(reverse("evacuation:matching_run")).status_code == 200
    response = client.post(reverse("evacuation:matching_run"), {"method": "optimal"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "最適化" in text and "近い順" in text
    assert "100.0%" in text
    assert SupporterProposal.objects.count() == 6


def test_list_page_names_person_and_candidate_and_its_queries_do_not_grow(placed, verified_client):
    client = verified_client(placed.ward_officer)
    candidate("近くの支援者", 0, capacity=1)
    supporter_proposals_create(user=placed.ward_officer)
    url = reverse("evacuation:matching_proposals")

    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert placed.people.a1_agreed.full_name in text
    assert "近くの支援者" in text
    assert "100 m" not in text and "0 m" in text  # a1 lives at the candidate's point

    candidate("もう一人", 3, capacity=5)
    supporter_proposals_create(user=placed.ward_officer)
    assert SupporterProposal.objects.count() == 6
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six) == len(one)


def test_htmx_confirm_returns_the_decided_row_and_a_plain_post_redirects(placed, proposal, verified_client):
    client = verified_client(placed.ward_officer)
    url = reverse("evacuation:matching_confirm", args=[proposal.pk])

    response = client.post(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    text = response.content.decode()
    assert f'id="proposal-{proposal.pk}"' in text
    assert "確定" in text and "<form" not in text
    # Posting again: the row says why nothing happened.
    again = client.post(url, HTTP_HX_REQUEST="true")
    assert str(NOT_PENDING_MESSAGE) in again.content.decode()

    other = SupporterProposal.objects.create(
        person=placed.people.b1_agreed, candidate=proposal.candidate, distance_m=400, method="optimal"
    )
    redirect = client.post(reverse("evacuation:matching_reject", args=[other.pk]), follow=True)
    assert redirect.redirect_chain[-1][0] == reverse("evacuation:matching_proposals")
    other.refresh_from_db()
    assert other.status == ProposalStatus.REJECTED


def test_confirm_message_names_both(placed, proposal, verified_client):
    client = verified_client(placed.ward_officer)

    response = client.post(reverse("evacuation:matching_confirm", args=[proposal.pk]), follow=True)

    expected = str(CONFIRMED_MESSAGE).format(person=proposal.person.full_name, candidate="泉尾 花子")
    assert expected in response.content.decode()


def test_pages_refuse_community_members_and_log_it(placed, client):
    client.force_login(placed.association_member)
    for url in (reverse("evacuation:matching_proposals"), reverse("evacuation:matching_run")):
        response = client.get(url)
        assert response.status_code == 403
        entry = last_entry()
        assert (entry.action, entry.target_type, entry.actor_username) == (
            AuditAction.DENIED,
            TARGET_TYPE,
            "association_member",
        )
    response = client.post(reverse("evacuation:matching_run"))
    assert response.status_code == 403
    assert not SupporterProposal.objects.exists()


def test_pages_of_another_district_404(placed, proposal, verified_client):
    client = verified_client(placed.care_plaza_worker)

    response = client.post(reverse("evacuation:matching_confirm", args=[proposal.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 404
    assert last_entry().action == AuditAction.DENIED
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
