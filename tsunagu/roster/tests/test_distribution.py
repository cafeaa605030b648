"""The distribution register: who received which build, for which districts, under which agreement."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.roster.models import Distribution, DistributionForm
from tsunagu.roster.selectors.distribution import (
    DistributionFilters,
    DistributionStatus,
    distribution_list,
    distribution_overdue,
)
from tsunagu.roster.services.distribution import (
    AGREEMENT_NOT_VALID_MESSAGE,
    AGREEMENT_OTHER_ORGANISATION_MESSAGE,
    AGREEMENT_REVOKED_MESSAGE,
    ALREADY_CLOSED_MESSAGE,
    DATE_BEFORE_DISTRIBUTION_MESSAGE,
    DISTRICT_OUTSIDE_AGREEMENT_MESSAGE,
    RETURN_ONLY_PAPER_MESSAGE,
    TARGET_TYPE,
    DistributionRefusedError,
    distribution_create,
    distribution_mark_destroyed,
    distribution_mark_returned,
)
from tsunagu.testing.factories import AgreementFactory

DAY = datetime.date(2026, 6, 1)


def create(ward, *, user=None, agreement=None, districts=None, form=DistributionForm.PAPER, day=DAY, **kwargs):
    agreement = agreement or ward.agreements.association
    return distribution_create(
        user=user or ward.ward_officer,
        organisation=agreement.organisation,
        agreement=agreement,
        build=ward.roster,
        districts=districts if districts is not None else [ward.districts.a],
        form=form,
        distributed_on=day,
        **kwargs,
    )


def test_create_numbers_counts_and_audits(ward):
    distribution = create(ward)

    assert distribution.number == "R1-2026-0001"
    assert distribution.return_due_on == datetime.date(2027, 6, 1)  # a year, the agreement runs to 2099
    assert list(distribution.districts.all()) == [ward.districts.a]
    # District A under a consent-required agreement: the two who agreed.
    assert distribution.person_count == 2
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_type=TARGET_TYPE)
    assert entry.target_ids == [distribution.pk]
    assert entry.actor_username == "ward_officer"
    assert entry.detail["number"] == "R1-2026-0001"
    assert entry.detail["form"] == DistributionForm.PAPER


def test_numbers_are_unique_and_sequential(ward):
    first = create(ward)
    second = create(ward, agreement=ward.agreements.minsei, districts=[ward.districts.a, ward.districts.b])
    third = create(ward, day=datetime.date(2027, 1, 5), form=DistributionForm.SCREEN)

    assert [first.number, second.number, third.number] == ["R1-2026-0001", "R1-2026-0002", "R1-2027-0001"]
    assert Distribution.objects.values("number").distinct().count() == 3
    assert third.return_due_on is None  # only paper must come back


def test_return_due_defaults_to_agreement_end_when_earlier(ward):
    agreement = AgreementFactory(
        organisation=ward.orgs.association,
        districts=[ward.districts.a],
        valid_from=datetime.date(2025, 4, 1),
        valid_to=datetime.date(2026, 9, 30),
    )
    distribution = create(ward, agreement=agreement)
    assert distribution.return_due_on == datetime.date(2026, 9, 30)


def test_expired_agreement_is_refused(ward):
    agreement = ward.agreements.association
    agreement.valid_to = datetime.date(2026, 3, 31)
    agreement.save(update_fields=["valid_to"])

    with pytest.raises(DistributionRefusedError) as refusal:
        create(ward)

    assert str(refusal.value) == AGREEMENT_NOT_VALID_MESSAGE
    assert not Distribution.objects.exists()
    assert not AuditEntry.objects.filter(target_type=TARGET_TYPE).exists()


def test_revoked_agreement_is_refused(ward):
    agreement = ward.agreements.association
    agreement.revoked_at = timezone.now()
    agreement.save(update_fields=["revoked_at"])

    with pytest.raises(DistributionRefusedError) as refusal:
        create(ward)

    assert str(refusal.value) == AGREEMENT_REVOKED_MESSAGE


def test_district_outside_the_agreement_is_refused(ward):
    with pytest.raises(DistributionRefusedError) as refusal:
        create(ward, districts=[ward.districts.a, ward.districts.b])

    assert str(refusal.value) == DISTRICT_OUTSIDE_AGREEMENT_MESSAGE.format(names=ward.districts.b.name)
    assert not Distribution.objects.exists()


def test_agreement_of_another_organisation_is_refused(ward):
    with pytest.raises(DistributionRefusedError) as refusal:
        distribution_create(
            user=ward.ward_officer,
            organisation=ward.orgs.unagreed,
            agreement=ward.agreements.association,
            build=ward.roster,
            districts=[ward.districts.a],
            form=DistributionForm.PDF,
            distributed_on=DAY,
        )
    assert str(refusal.value) == AGREEMENT_OTHER_ORGANISATION_MESSAGE


@pytest.mark.parametrize("persona", ["ward_clerk", "shakyo_coordinator", "association_member", "outsider"])
def test_only_ward_welfare_staff_record_distributions(ward, persona):
    with pytest.raises(PermissionDenied):
        create(ward, user=getattr(ward, persona))
    assert not Distribution.objects.exists()


def test_mark_returned_and_destroyed(ward):
    paper = create(ward)
    distribution_mark_returned(user=ward.ward_officer, distribution=paper, returned_on=datetime.date(2026, 7, 1))
    distribution_mark_destroyed(user=ward.ward_officer, distribution=paper, destroyed_on=datetime.date(2026, 7, 2))

    paper.refresh_from_db()
    assert (paper.returned_on, paper.destroyed_on) == (datetime.date(2026, 7, 1), datetime.date(2026, 7, 2))
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE, target_type=TARGET_TYPE).order_by("seq")
    assert [e.detail for e in updates] == [
        {"number": paper.number, "returned_on": "2026-07-01"},
        {"number": paper.number, "destroyed_on": "2026-07-02"},
    ]
    with pytest.raises(DistributionRefusedError) as refusal:
        distribution_mark_returned(user=ward.ward_officer, distribution=paper, returned_on=datetime.date(2026, 8, 1))
    assert str(refusal.value) == ALREADY_CLOSED_MESSAGE


def test_return_refusals(ward):
    pdf = create(ward, form=DistributionForm.PDF)
    with pytest.raises(DistributionRefusedError) as refusal:
        distribution_mark_returned(user=ward.ward_officer, distribution=pdf)
    assert str(refusal.value) == RETURN_ONLY_PAPER_MESSAGE

    paper = create(ward)
    with pytest.raises(DistributionRefusedError) as refusal:
        distribution_mark_returned(user=ward.ward_officer, distribution=paper, returned_on=datetime.date(2026, 5, 1))
    assert str(refusal.value) == DATE_BEFORE_DISTRIBUTION_MESSAGE
    with pytest.raises(PermissionDenied):
        distribution_mark_returned(user=ward.association_member, distribution=paper)
    paper.refresh_from_db()
    assert paper.returned_on is None


def test_overdue_lists_only_unreturned_paper_past_due(ward):
    overdue = create(ward, return_due_on=datetime.date(2026, 9, 1))
    returned = create(ward, return_due_on=datetime.date(2026, 9, 1))
    distribution_mark_returned(user=ward.ward_officer, distribution=returned, returned_on=datetime.date(2026, 8, 1))
    destroyed = create(ward, return_due_on=datetime.date(2026, 9, 1))
    distribution_mark_destroyed(user=ward.ward_officer, distribution=destroyed, destroyed_on=datetime.date(2026, 8, 1))
    create(ward, return_due_on=datetime.date(2026, 12, 1))  # not yet due
    create(ward, form=DistributionForm.PDF, return_due_on=datetime.date(2026, 9, 1))  # not paper

    on = datetime.date(2026, 10, 1)
    assert list(distribution_overdue(user=ward.ward_officer, day=on)) == [overdue]
    assert list(distribution_overdue(user=ward.ward_officer, day=datetime.date(2026, 9, 1))) == []
    with pytest.raises(PermissionDenied):
        distribution_overdue(user=ward.association_member, day=on)


def test_list_filters(ward):
    association = create(ward)
    minsei = create(ward, agreement=ward.agreements.minsei, form=DistributionForm.SCREEN)

    def numbers(**kwargs):
        return [d.number for d in distribution_list(user=ward.ward_officer, filters=DistributionFilters(**kwargs))]

    assert numbers(organisation_id=ward.orgs.minsei.pk) == [minsei.number]
    assert numbers(form=DistributionForm.PAPER) == [association.number]
    assert numbers(status=DistributionStatus.OUTSTANDING) == [association.number]
    assert set(numbers()) == {association.number, minsei.number}


# ---------------------------------------------------------------------------------------------------------
# Pages


@pytest.mark.parametrize(
    "url_name", ["roster:distribution_list", "roster:distribution_overdue", "roster:distribution_create"]
)
def test_pages_refuse_others_with_403(ward, client, url_name):
    client.force_login(ward.association_member)
    response = client.get(reverse(url_name))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor_username="association_member").exists()


def test_detail_refuses_others_with_403(ward, verified_client):
    distribution = create(ward)
    client = verified_client(ward.shakyo_coordinator)
    response = client.get(reverse("roster:distribution_detail", args=[distribution.pk]))
    assert response.status_code == 403
    response = client.post(reverse("roster:distribution_return", args=[distribution.pk]), {"day": "2026-07-01"})
    assert response.status_code == 403
    distribution.refresh_from_db()
    assert distribution.returned_on is None


def test_create_page_records_a_distribution(ward, verified_client):
    client = verified_client(ward.ward_officer)
    response = client.get(reverse("roster:distribution_create"))
    assert response.status_code == 200
    response = client.post(
        reverse("roster:distribution_create"),
        {
            "agreement": ward.agreements.association.pk,
            "build": ward.roster.pk,
            "districts": [ward.districts.a.pk],
            "form": DistributionForm.PAPER,
            "distributed_on": DAY.isoformat(),
        },
    )
    distribution = Distribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:distribution_detail", args=[distribution.pk])
    page = client.get(response["Location"])
    assert distribution.number in page.content.decode()


def test_create_page_shows_the_refusal(ward, verified_client):
    client = verified_client(ward.ward_officer)
    response = client.post(
        reverse("roster:distribution_create"),
        {
            "agreement": ward.agreements.association.pk,
            "build": ward.roster.pk,
            "districts": [ward.districts.a.pk, ward.districts.b.pk],
            "form": DistributionForm.PAPER,
            "distributed_on": DAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert DISTRICT_OUTSIDE_AGREEMENT_MESSAGE.format(names=ward.districts.b.name) in response.content.decode()
    assert not Distribution.objects.exists()


def test_return_page_records_the_return(ward, verified_client):
    distribution = create(ward)
    client = verified_client(ward.ward_officer)
    response = client.post(reverse("roster:distribution_return", args=[distribution.pk]), {"day": "2026-07-01"})
    assert response.status_code == 302
    distribution.refresh_from_db()
    assert distribution.returned_on == datetime.date(2026, 7, 1)
    response = client.post(reverse("roster:distribution_destroy", args=[distribution.pk]), {"day": "2026-06-30"})
    assert response.status_code == 400
    assert str(DATE_BEFORE_DISTRIBUTION_MESSAGE) in response.content.decode()


def test_unknown_distribution_is_404_and_logged(ward, verified_client):
    client = verified_client(ward.ward_officer)
    response = client.get(reverse("roster:distribution_detail", args=[999999]))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=TARGET_TYPE).exists()


def test_list_and_overdue_pages_do_not_grow_queries_with_rows(ward, verified_client):
    client = verified_client(ward.ward_officer)
    today = timezone.localdate()
    day, due = today - datetime.timedelta(days=60), today - datetime.timedelta(days=1)
    numbers = [create(ward, day=day, return_due_on=due).number]
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("roster:distribution_list")).status_code == 200
    with CaptureQueriesContext(connection) as one_overdue:
        assert client.get(reverse("roster:distribution_overdue")).status_code == 200
    numbers += [create(ward, day=day, return_due_on=due).number for _ in range(5)]
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("roster:distribution_list"))
    with CaptureQueriesContext(connection) as six_overdue:
        overdue = client.get(reverse("roster:distribution_overdue"))
    assert all(n in response.content.decode() and n in overdue.content.decode() for n in numbers)
    assert len(six) == len(one)
    assert len(six_overdue) == len(one_overdue)
