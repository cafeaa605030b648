"""Cases in the synthetic ward: every referral state, plans at several stages, conferences with minutes and an
overdue task, outreach, the new agencies' logins, and a commissioner told about the concern they raised."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tsunagu.accounts.models import User
from tsunagu.cases.models import Case, NoticeKind, OutreachItem, RaiserNotice, Referral, ReferralStatus, Stage
from tsunagu.cases.support_models import ConferenceAgendaItem, ConferenceTask, SupportPlan, TaskStatus
from tsunagu.demo.cases import CASE_USERNAMES
from tsunagu.demo.ward import generate_ward
from tsunagu.organisations.models import OrganisationKind
from tsunagu.watch.models import EscalationStatus

pytestmark = pytest.mark.django_db

REFERENCE_DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def demo():
    return generate_ward(size=3000, today=REFERENCE_DAY)


def test_cases_cover_every_agency_kind_referral_state_and_several_stages(demo):
    assert 30 <= Case.objects.count() <= 60
    kinds = set(Case.objects.values_list("opening_organisation__kind", flat=True))
    assert {OrganisationKind.CARE_PLAZA, OrganisationKind.SHAKYO, OrganisationKind.WARD_WELFARE,
            OrganisationKind.SELF_RELIANCE, OrganisationKind.DISABILITY_SUPPORT} <= kinds  # fmt: skip
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert len(set(Case.objects.values_list("stage", flat=True))) >= 6
    assert SupportPlan.objects.filter(approved_at__isnull=False).exists()
    # Spread over the months before the demo's day, none after it.
    opened = sorted(Case.objects.values_list("opened_at", flat=True))
    assert opened[-1].date() <= REFERENCE_DAY and (REFERENCE_DAY - opened[0].date()).days > 90


def test_conferences_have_minutes_and_one_overdue_task(demo):
    assert ConferenceAgendaItem.objects.exclude(minutes="").count() >= 2
    overdue = ConferenceTask.objects.filter(due_on__lt=REFERENCE_DAY).exclude(status=TaskStatus.DONE)
    assert overdue.count() == 1
    assert OutreachItem.objects.count() >= 3


def test_the_commissioner_who_raised_a_concern_sees_support_started_and_ended(demo):
    case = Case.objects.get(source_escalation__isnull=False)
    kinds = set(RaiserNotice.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {NoticeKind.SUPPORT_STARTED, NoticeKind.SUPPORT_ENDED}
    assert case.stage == Stage.CLOSED and case.source_escalation.status == EscalationStatus.CLOSED
    client = Client()
    client.force_login(case.raised_by)
    page = client.get("/cases/notices/").content.decode()
    assert "支援を開始しました" in page and "対応しました" in page


def test_demo_logins_print_the_new_agencies_logins(demo):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert set(CASE_USERNAMES) <= set(User.objects.values_list("username", flat=True))
    assert all(name in out.getvalue() for name in CASE_USERNAMES)


def test_the_same_seed_gives_the_same_cases_and_replace_starts_afresh(demo):
    first = list(Case.objects.order_by("number").values_list("number", "stage", "domains", "chief_complaint"))
    generate_ward(size=3000, today=REFERENCE_DAY, replace=True)
    assert list(Case.objects.order_by("number").values_list("number", "stage", "domains", "chief_complaint")) == first
