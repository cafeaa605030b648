"""Every page of the site passes axe-core's WCAG 2.1 A/AA rules, as a ward officer (who reaches every page) and as
a 町会 member (whose pages show less, and the refusal page where they may not go).

The addresses come from the URL configuration, so a new page is checked without being listed here; an address
that takes an argument gets an object of the small ward. Downloads, JSON and POST-only addresses are left out
(they are not pages); so are the exceptions below, each with its reason.

As in test_search_browser: no ORM call while Playwright runs."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tsunagu.cases.models import ConferenceKind, ConsentDecision, DecisionKind, Domain, Route
from tsunagu.cases.services import (
    agenda_add,
    case_open,
    conference_create,
    consent_record,
    decision_record,
    outreach_create,
    referral_create,
    task_create,
)
from tsunagu.community.models import MeetingKind, MemberRole
from tsunagu.community.services import action_create, forum_create, issue_create, meeting_create, member_add
from tsunagu.disaster.models import DisasterKind, SafetyStatus
from tsunagu.disaster.services import event_declare, safety_report_record
from tsunagu.evacuation.models import PlanStatus, Priority
from tsunagu.evacuation.services import evacuation_plan_save
from tsunagu.events.models import Article
from tsunagu.events.services import signup_create
from tsunagu.jobs.models import Job, JobKind, JobStatus
from tsunagu.organisations.models import DataScope
from tsunagu.roster.models import DistributionForm, RosterEntryReason, RosterRule, RuleKind
from tsunagu.roster.services.distribution import distribution_create
from tsunagu.shelters.models import Shelter
from tsunagu.testing.browser import (
    TIMEOUT_MS,
    accessibility_violations,
    authenticator_for,
    chromium,
    describe_violations,
    sign_in,
    sign_in_with_second_factor,
)
from tsunagu.testing.directory import build_directory
from tsunagu.testing.events import make_event
from tsunagu.testing.factories import ConsentFactory
from tsunagu.testing.volunteers import make_need, make_volunteer, member_services_for_sweep
from tsunagu.volunteers.models import (
    ApplicationStatus,
    Attendance,
    Completion,
    CompletionSource,
    Course,
    CourseKind,
    GrantApplication,
    GrantCall,
    GrantPayment,
    GrantReport,
    Match,
    MatchStatus,
    TrainingSession,
    VolunteerStatus,
)
from tsunagu.watch.models import ConcernTag, EscalationRoute, VisitMethod, VisitOutcome, WatchAssignment
from tsunagu.watch.services import visit_record

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

# Not this project's pages: the Django admin, and the HTML view that Django REST framework draws around the JSON
# API in a browser (its own templates; the API's users are programs). The API's documentation page is checked.
NOT_OURS = ("admin/", "api/")
API_DOCS = "api/docs/"
# Addresses that change the session rather than show a page.
SESSION = ("accounts/logout/", "i18n/")
# Known failures, left to the work that rebuilds the page. Remove an entry when it passes.
# Pages known to fail, each with the reason (none today). A listed page that passes fails the test, so the
# list cannot outlive the fault.
KNOWN_FAILURES: set[tuple[str, str]] = set()


def _routes(patterns: list, prefix: str = "") -> Iterator[tuple[str, dict]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.pattern.converters


def page_addresses(values: dict[str, int]) -> list[tuple[str, str]]:
    """(address, address pattern with its arguments named) for every GET address of the site."""
    addresses = []
    for route, converters in _routes(get_resolver().url_patterns):
        if (route != API_DOCS and route.startswith(NOT_OURS + SESSION)) or "(?P<" in route or route.startswith("^"):
            continue
        if set(converters) - set(values):
            pytest.fail(f"/{route}: give the accessibility sweep an object for {sorted(set(converters) - set(values))}")
        template = "/" + route
        address = template
        for name, converter in converters.items():
            kind = {"IntConverter": "int", "UUIDConverter": "uuid"}.get(type(converter).__name__, "str")
            template = template.replace(f"<{kind}:{name}>", "{" + name + "}")
            address = address.replace(f"<{kind}:{name}>", str(values[name]))
        addresses.append((address, template))
    return addresses


@pytest.fixture
def ward_with_everything(ward: SimpleNamespace, settings: Any) -> SimpleNamespace:
    """One of each object the pages show: a mapped listed person with a reason and a plan, a shelter, a rule, a
    distribution."""
    # Tiles from this server (missing files): the maps must not need the network.
    settings.TSUNAGU_MAP_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    person = ward.people.a1_agreed
    person.latitude, person.longitude = Decimal("34.662"), Decimal("135.476")
    person.save(update_fields=["latitude", "longitude"])
    rule = RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3")
    RosterEntryReason.objects.create(build=ward.roster, person=person, rule=rule, label=rule.label)
    shelter = Shelter.objects.create(
        code="S-1", name="泉尾東小学校", latitude=Decimal("34.6625"), longitude=Decimal("135.4765")
    )
    evacuation_plan_save(
        person=person,
        data={
            "status": PlanStatus.DONE,
            "priority": Priority.HIGH,
            "shelter_id": shelter.pk,
            "next_review_on": datetime.date(2099, 4, 1),
            "needs_mobility": "車いす",
        },
        supporters=[
            {"name": "﨑山　次郎", "relation": "近所の方", "address": "泉尾一丁目2-3", "phone": "06-1234-5678"}
        ],
        user=ward.ward_officer,
    )
    distribution = distribution_create(
        user=ward.ward_officer,
        organisation=ward.orgs.association,
        agreement=ward.agreements.association,
        build=ward.roster,
        districts=[ward.districts.a],
        form=DistributionForm.PAPER,
    )
    directory = build_directory(ward)
    # A finished job of the ward officer's (its page and progress partial; a running one would poll every second).
    job = Job.objects.create(
        kind=JobKind.ROSTER_BUILD,
        function="tsunagu.roster.jobs.roster_build_job",
        created_by=ward.ward_officer,
        status=JobStatus.DONE,
        progress_done=1,
        progress_total=1,
        result_message="名簿の第2版を作成しました（7人）。",
        result_url="/roster/builds/1/",
    )
    # A watch by the association, with a visit whose concern reached the ward office (its escalation page), and a
    # route.
    ConsentFactory(person=person, scope=DataScope.WATCH)
    assignment = WatchAssignment.objects.create(
        person=person, organisation=ward.orgs.association, started_on=datetime.date(2024, 4, 1)
    )
    visit = visit_record(
        user=ward.association_member,
        person_id=person.pk,
        method=VisitMethod.VISIT,
        outcome=VisitOutcome.CONCERN,
        concerns=[ConcernTag.MEALS],
        note="冷蔵庫が空でした",
    )
    route = EscalationRoute.objects.create(district=ward.districts.a, organisation=ward.orgs.ward_office)
    # A disaster drill in force over district A, with two reports about the person that disagree (the event page
    # flags them side by side; the dashboard counts them).
    event = event_declare(
        user=ward.ward_officer,
        name="総合防災訓練",
        kind=DisasterKind.EARTHQUAKE,
        districts=[ward.districts.a],
        is_drill=True,
        started_at=timezone.now() - datetime.timedelta(hours=2),
    )
    for user, status, minutes_ago in (
        (ward.association_member, SafetyStatus.SAFE, 20),
        (ward.ward_officer, SafetyStatus.NEEDS_HELP, 10),
    ):
        safety_report_record(
            user=user,
            event_id=event.pk,
            person_id=person.pk,
            status=status,
            observed_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        )
    # A published event with a sign-up (its staff list and the person's own page), and an article.
    gathering = make_event(ward)
    signup = signup_create(event_id=gathering.pk, name="泉尾 花子", contact="06-1111-2222")
    article = Article.objects.create(title="防災マップを配布します", body="窓口で配布しています。", is_published=True)
    # A consultation taken at the ward office, shared with the care plaza and referred there; a support conference
    # with the case on its agenda, a decision and a task; an outreach item.
    case = case_open(
        ward.ward_officer,
        data={
            "client_id": ward.people.b1_agreed.pk,
            "route": Route.VISIT_WINDOW,
            "urgency": "normal",
            "domains": [Domain.ELDERLY],
            "chief_complaint": "母の介護と家計の相談",
        },
    )
    consent_record(
        ward.ward_officer,
        case,
        decision=ConsentDecision.GIVEN,
        decided_on=timezone.localdate(),
        agencies=[ward.orgs.care_plaza],
        given_by="本人",
        method="署名",
    )
    referral = referral_create(ward.ward_officer, case, to_organisation=ward.orgs.care_plaza, reason="介護の相談")
    conference = conference_create(
        ward.ward_officer,
        organiser=None,
        kind=ConferenceKind.SUPPORT_MEETING,
        title="支援会議",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        place="区役所 会議室",
    )
    agenda = agenda_add(ward.ward_officer, conference, case.pk, topic="家計と介護")
    decision = decision_record(ward.ward_officer, conference, agenda.pk, kind=DecisionKind.NOTE, text="見守りを続ける")
    task = task_create(
        ward.ward_officer,
        conference,
        description="家計の聞き取り",
        due_on=timezone.localdate(),
        owner_organisation=ward.orgs.ward_office,
    )
    outreach = outreach_create(
        ward.ward_officer,
        person_id=ward.people.b1_agreed.pk,
        reason="郵便物がたまっている",
        next_action="訪問して様子を確かめる",
        owner_organisation=ward.orgs.ward_office,
    )
    # A published district forum of district A with the ward office and the association as members, a
    # 見守り活動報告会 (it carries the watch figures above), an area issue discussed there and an action on it.
    forum = forum_create(ward.ward_officer, district=ward.districts.a, name="泉尾 話し合いの場")
    forum.is_public = True
    forum.save(update_fields=["is_public"])
    member_add(ward.ward_officer, forum, role=MemberRole.WARD, organisation=ward.orgs.ward_office)
    member_add(ward.ward_officer, forum, role=MemberRole.NEIGHBOURHOOD, organisation=ward.orgs.association)
    meeting = meeting_create(
        ward.ward_officer,
        forum,
        data={"kind": MeetingKind.WATCH_REPORT, "title": "見守り活動報告会", "held_on": timezone.localdate()},
    )
    area_issue = issue_create(
        ward.association_member, forum, title="買い物に行きにくい高齢の方が多い", tags=["shopping"], is_public=True
    )
    area_issue.meetings.add(meeting)
    action_item = action_create(
        ward.association_member, forum, title="移動販売の試行", owner=ward.orgs.association, issue=area_issue,
        is_public=True,
    )
    # The volunteer centre: a registered volunteer who signs in, a pending registration, a need they accepted (its
    # activity page shows the requester) and one proposed to them (the answer buttons), and one done.
    volunteer = make_volunteer(ward, username="vol_hanako", insurance_expires_on=timezone.localdate())
    make_volunteer(ward, name="申込 太郎", status=VolunteerStatus.PENDING)
    accepted = Match.objects.create(
        need=make_need(ward), volunteer=volunteer, status=MatchStatus.ACCEPTED, reasons=["やりたいこと: 買い物"]
    )
    Match.objects.create(need=make_need(ward, title="ごみ出しの手伝い", kind="rubbish"), volunteer=volunteer)
    Match.objects.create(
        need=make_need(ward, title="片づけ", kind="tidying"),
        volunteer=volunteer,
        status=MatchStatus.COMPLETED,
        hours=Decimal("2.0"),
        activity_on=timezone.localdate(),
    )
    # Training: a course with a session the volunteer attended (and so completed).
    course = Course.objects.create(
        name="声掛け研修（基礎）", kind=CourseKind.GREETING, sessions_required=1, valid_years=3
    )
    session = TrainingSession.objects.create(course=course, starts_at=timezone.now(), place="区民センター", capacity=20)
    Attendance.objects.create(session=session, volunteer=volunteer, attended=True)
    Completion.objects.create(
        course=course, volunteer=volunteer, completed_on=timezone.localdate(), source=CompletionSource.ATTENDANCE
    )
    ward.volunteer = volunteer
    # Member services with hours: a scheme with its fees, a 利用会員 and a 協力会員, one approved activity (the
    # ledger, the statement) and one request waiting for its report.
    services = member_services_for_sweep(ward)
    # Grants (つながり応援補助金): an open call and an approved, paid and reported application (its page shows
    # every section), which the public list of funded activities in the directory also shows.
    today = timezone.localdate()
    grant_call = GrantCall.objects.create(
        name="つながり応援補助金", fiscal_year=2026, criteria="区内の団体の活動", budget=500000,
        max_per_application=100000, opens_on=today, closes_on=today + datetime.timedelta(days=30),
    )  # fmt: skip
    grant = GrantApplication.objects.create(
        call=grant_call, group_name="泉尾ふれあいの会", contact_name="泉尾 花子", email="h@example.jp",
        activity_title="ふれあい喫茶", description="お茶の会", requested_amount=80000, budget_breakdown="会場費",
        status=ApplicationStatus.APPROVED, approved_amount=80000, publish_amount=True,
    )  # fmt: skip
    GrantPayment.objects.create(application=grant, amount=40000, paid_on=today)
    GrantReport.objects.create(application=grant, summary="6回ひらきました", participants=60, spent_amount=40000)
    ward.values = {
        "volunteer_id": volunteer.pk,
        "scheme_id": services.scheme.pk,
        "call_id": grant_call.pk,
        "application_id": grant.pk,
        "photo_id": 1,  # a photo is an image, not a page: the sweep skips it
        "member_id": services.user.pk,
        "request_id": services.request.pk,
        "need_id": accepted.need_id,
        "match_id": accepted.pk,
        "course_id": course.pk,
        "session_id": session.pk,
        "assignment_id": assignment.pk,
        "escalation_id": visit.escalation.pk,
        "route_id": route.pk,
        "month": "2026-11",
        "public_id": job.public_id,
        "person_id": person.pk,
        "rule_id": rule.pk,
        "number": ward.roster.number,
        "distribution_id": distribution.pk,
        "shelter_id": shelter.pk,
        "proposal_id": 1,
        "event_id": event.pk,
        "stay_id": 1,  # the departure route is POST-only: the sweep skips it
        # The public directory (its entry page, a place's edit page; the district list is a PDF).
        "service_id": directory.salon.uuid,
        "location_id": directory.office.pk,
        "district_id": ward.districts.a.pk,
        "pk": gathering.pk,
        "article_id": article.pk,
        "token": signup.token,
        # Consultation and support (cases): the attachment route is a download, the participant route POST-only;
        # "item_id" names an agenda item and an outreach item (each page answers for its own).
        "case_id": case.pk,
        "referral_id": referral.pk,
        "attachment_id": 1,
        "conference_id": conference.pk,
        "decision_id": decision.pk,
        "task_id": task.pk,
        "participant_id": 1,
        "item_id": outreach.pk,
        "action": "goal",
        # District forums (community).
        "forum_id": forum.pk,
        "meeting_id": meeting.pk,
        "issue_id": area_issue.pk,
        "action_id": action_item.pk,
    }
    return ward


def check_pages(page: Page, base_url: str, persona: str, addresses: list[tuple[str, str]]) -> tuple[list, list]:
    """Open each address that answers with a page for this persona; axe-core's findings, and the pages seen."""
    failures, seen = [], []
    refusal_checked = False
    for address, template in addresses:
        answer = page.request.get(f"{base_url}{address}", max_redirects=0)
        if answer.status not in (200, 403) or "text/html" not in answer.headers.get("content-type", ""):
            continue  # a download, JSON, a redirect, or not for GET
        if answer.status == 403:
            if refusal_checked:
                continue  # the one refusal page, the same wherever it is met
            refusal_checked = True
        page.goto(f"{base_url}{address}")
        page.wait_for_load_state("networkidle")
        seen.append(template)
        violations = accessibility_violations(page)
        known = (persona, template) in KNOWN_FAILURES
        if violations and not known:
            failures.append(f"{persona} {address} ({answer.status}):\n{describe_violations(violations)}")
        elif known and not violations:
            failures.append(f"{persona} {address} passes now: remove it from KNOWN_FAILURES")
    return failures, seen


def test_every_page_passes_axe_core(live_server: LiveServer, ward_with_everything: SimpleNamespace) -> None:
    ward = ward_with_everything
    authenticator = authenticator_for(ward.ward_officer)
    addresses = page_addresses(ward.values)

    with chromium() as browser:
        staff = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        staff.set_default_timeout(TIMEOUT_MS)
        sign_in_with_second_factor(staff, live_server.url, "ward_officer", authenticator)
        staff_failures, staff_seen = check_pages(staff, live_server.url, "ward_officer", addresses)

        community = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844}).new_page()
        community.set_default_timeout(TIMEOUT_MS)
        sign_in(community, live_server.url, "association_member")
        community_failures, community_seen = check_pages(community, live_server.url, "association_member", addresses)

        # A volunteer signed in on their phone: their own pages (every other page refuses them).
        volunteer = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844}).new_page()
        volunteer.set_default_timeout(TIMEOUT_MS)
        sign_in(volunteer, live_server.url, "vol_hanako")
        volunteer_failures, volunteer_seen = check_pages(
            volunteer, live_server.url, "volunteer", [a for a in addresses if a[1].startswith("/volunteers/")]
        )

    assert staff_failures + community_failures + volunteer_failures == []
    for template in ("/volunteers/me/", "/volunteers/me/matches/{match_id}/activity/", "/volunteers/register/"):
        assert template in volunteer_seen, template
    for template in ("/volunteers/manage/", "/volunteers/manage/{volunteer_id}/", "/volunteers/needs/{need_id}/",
                     "/volunteers/needs/new/", "/volunteers/manage/insurance/", "/volunteers/report/",
                     "/volunteers/needs/{need_id}/edit/", "/volunteers/needs/{need_id}/matches/{match_id}/activity/",
                     "/volunteers/training/", "/volunteers/training/new/", "/volunteers/training/completions/",
                     "/volunteers/training/{course_id}/", "/volunteers/training/{course_id}/lacking/",
                     "/volunteers/training/sessions/{session_id}/",
                     "/volunteers/services/", "/volunteers/services/schemes/{scheme_id}/",
                     "/volunteers/services/members/{member_id}/", "/volunteers/services/members/{member_id}/statement/",
                     "/volunteers/services/requests/", "/volunteers/services/requests/{request_id}/",
                     "/volunteers/grants/manage/", "/volunteers/grants/manage/{call_id}/",
                     "/volunteers/grants/applications/{application_id}/", "/volunteers/grants/",
                     "/volunteers/grants/{call_id}/apply/", "/directory/funded/"):
        assert template in staff_seen, template
    # The sweep looked at the pages, not at refusals or redirects (a broken sign-in would pass it otherwise).
    for template in ("/", "/people/{person_id}/", "/roster/", "/roster/rules/", "/map/", "/audit/", "/api/docs/",
                     "/people/import/", "/jobs/", "/jobs/{public_id}/"):
        assert template in staff_seen, template
    for template in ("/", "/people/{person_id}/", "/roster/why/{person_id}/", "/map/", "/evacuation/plans/"):
        assert template in community_seen, template
    assert len(staff_seen) >= 30, staff_seen
