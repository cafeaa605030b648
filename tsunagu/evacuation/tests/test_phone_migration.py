"""The data migration that stores supporters' and candidates' phone numbers in half-width form (issue 6)."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from tsunagu.evacuation.models import CandidateKind, EvacuationPlan, PlanSupporter, SupporterCandidate
from tsunagu.testing.factories import PersonFactory

migration = importlib.import_module("tsunagu.evacuation.migrations.0003_phones_half_width")


@pytest.mark.django_db
def test_supporter_and_candidate_phones_become_half_width():
    plan = EvacuationPlan.objects.create(person=PersonFactory())
    supporter = PlanSupporter.objects.create(plan=plan, name="鈴木　一郎", phone="０６－１１１１－２２２２")
    neighbour = PlanSupporter.objects.create(plan=plan, name="佐藤　花子", phone="090-0000-1111")
    candidate = SupporterCandidate.objects.create(
        kind=CandidateKind.NEIGHBOUR, name="田中　次郎", phone="090ー3333ー4444",
        latitude=Decimal("34.66"), longitude=Decimal("135.47"),
    )  # fmt: skip

    migration.normalise_phones(apps, None)

    supporter.refresh_from_db()
    neighbour.refresh_from_db()
    candidate.refresh_from_db()
    assert (supporter.phone, neighbour.phone, candidate.phone) == ("06-1111-2222", "090-0000-1111", "090-3333-4444")
