"""Member-to-member services with hours: pricing, balanced postings, balances derived from entries, reversal,
the append-only ledger, fee changes, the monthly statement (page and PDF), permissions and Japanese refusals."""

import datetime
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access.policy import visible_persons
from tsunagu.areas.models import Municipality
from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.core.records import AppendOnlyError
from tsunagu.organisations.models import DataScope
from tsunagu.testing.personas import build_city
from tsunagu.testing.volunteers import make_volunteer
from tsunagu.volunteers.models import (
    ActivityStatus,
    LedgerEntry,
    LedgerUnit,
    MemberKind,
    PostingKind,
    RequestStatus,
)
from tsunagu.volunteers.selectors import balances, member_ledger, scheme_balance, statement, unbalanced_postings
from tsunagu.volunteers.services import (
    ServiceRefused,
    activity_approve,
    activity_report,
    activity_reverse,
    member_register,
    rate_add,
    scheme_create,
    service_request_assign,
    service_request_create,
)
from tsunagu.volunteers.services import member_services as ms

pytestmark = pytest.mark.django_db

H = LedgerUnit.HOURS
Y = LedgerUnit.YEN


def month_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def futaba(ward) -> SimpleNamespace:
    coordinator = ward.shakyo_coordinator
    scheme = scheme_create(
        actor=coordinator,
        municipality_id=Municipality.home().pk,
        name="ふたばサービス",
        operator="大正区社会福祉協議会",
    )
    start = timezone.localdate() - datetime.timedelta(days=400)
    rate = rate_add(
        actor=coordinator,
        scheme=scheme,
        valid_from=start,
        fee_per_hour=800,
        honorarium_per_hour=600,
        transport_fee=300,
        unit_minutes=30,
    )
    user = member_register(
        actor=coordinator,
        scheme=scheme,
        kind=MemberKind.USER,
        number="U-001",
        name="泉尾 トメ",
        name_kana="イズオ トメ",
        joined_on=start,
        person=ward.people.a1_agreed,
    )
    helper = member_register(
        actor=coordinator,
        scheme=scheme,
        kind=MemberKind.HELPER,
        number="H-001",
        name="山田 花子",
        joined_on=start,
        volunteer=make_volunteer(ward),
    )
    both = member_register(
        actor=coordinator, scheme=scheme, kind=MemberKind.BOTH, number="B-001", name="北 次郎", joined_on=start
    )
    return SimpleNamespace(coordinator=coordinator, scheme=scheme, rate=rate, user=user, helper=helper, both=both)


def do_activity(f, *, user=None, helper=None, on=None, minutes=90, transport=True, approve=True):
    on = on or month_ago(3)
    starts = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    req = service_request_create(
        actor=f.coordinator, member=user or f.user, what="買い物の付き添い", starts_at=starts, place="大正区泉尾"
    )
    assignment = service_request_assign(actor=f.coordinator, service_request=req, helper=helper or f.helper)
    activity = activity_report(
        actor=f.coordinator, assignment=assignment, activity_on=on, minutes=minutes, transport=transport, note="無事"
    )
    if approve:
        activity_approve(actor=f.coordinator, activity=activity)
    return activity


def test_pricing_rounds_up_to_the_unit_with_one_unit_at_least(futaba):
    rate = futaba.rate
    assert ms.price(rate, 90, transport=True) == ms.Pricing(90, 1200, 900, 300)
    assert ms.price(rate, 61, transport=False) == ms.Pricing(90, 1200, 900, 0)
    assert ms.price(rate, 10, transport=False) == ms.Pricing(30, 400, 300, 0)


def test_an_approved_activity_posts_balanced_entries_in_hours_and_yen(futaba):
    activity = do_activity(futaba)
    entries = list(LedgerEntry.objects.filter(activity=activity))
    assert len({e.posting for e in entries}) == 1
    by = {(e.member_id, e.unit, e.component): e.amount for e in entries}
    assert by == {
        (futaba.helper.pk, H, "hours"): Decimal("1.5"),
        (futaba.user.pk, H, "hours"): Decimal("-1.5"),
        (futaba.user.pk, Y, "fee"): Decimal("-1200"),
        (futaba.helper.pk, Y, "honorarium"): Decimal("900"),
        (None, Y, "margin"): Decimal("300"),
        (futaba.user.pk, Y, "transport"): Decimal("-300"),
        (futaba.helper.pk, Y, "transport"): Decimal("300"),
    }
    for unit in (H, Y):
        assert sum(e.amount for e in entries if e.unit == unit) == 0
    assert unbalanced_postings() == []
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED
    assert activity.assignment.request.status == RequestStatus.DONE
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, target_type=AuditTarget.SERVICE_LEDGER, target_ids=[activity.pk]
    ).exists()


def test_the_service_refuses_to_write_an_unbalanced_posting(futaba):
    activity = do_activity(futaba, approve=False)
    lines = ms.activity_lines(activity)
    entries = [
        LedgerEntry(
            scheme=futaba.scheme,
            member=line.member,
            unit=line.unit,
            component=line.component,
            amount=line.amount,
            activity=activity,
            kind=PostingKind.ACTIVITY,
            booked_on=activity.activity_on,
        )
        for line in lines[:-1]  # one leg left out
    ]
    with pytest.raises(ms.UnbalancedPostingError):
        ms._post(entries)
    assert not LedgerEntry.objects.exists()


def test_balances_are_the_sums_of_entries(futaba):
    do_activity(futaba, minutes=60, transport=False)
    do_activity(futaba, minutes=120, transport=True)
    # The 両方会員 helps too: their hours go up, the user's down.
    do_activity(futaba, helper=futaba.both, minutes=30, transport=False)
    assert balances(futaba.helper) == {H: Decimal("3"), Y: Decimal(600 + 1200 + 300)}
    assert balances(futaba.both) == {H: Decimal("0.5"), Y: Decimal(300)}
    assert balances(futaba.user) == {H: Decimal("-3.5"), Y: Decimal(-(800 + 1600 + 300 + 400))}
    assert scheme_balance(futaba.scheme) == Decimal(200 + 400 + 100)
    ledger = member_ledger(futaba.user)
    assert [line.hours_balance for line in ledger] == [Decimal("-1"), Decimal("-3"), Decimal("-3.5")]


def test_a_reversal_negates_the_posting_and_restores_the_balances(futaba):
    do_activity(futaba, minutes=60, transport=False)
    before = {m.pk: balances(m) for m in (futaba.user, futaba.helper)}
    wrong = do_activity(futaba, minutes=180, transport=True)
    activity_reverse(actor=futaba.coordinator, activity=wrong, reason="時間の入力ちがい")
    assert {m.pk: balances(m) for m in (futaba.user, futaba.helper)} == before
    reversal = LedgerEntry.objects.filter(activity=wrong, kind=PostingKind.REVERSAL)
    assert reversal.count() == 7 and all(e.reverses.amount == -e.amount for e in reversal)
    assert unbalanced_postings() == []
    wrong.refresh_from_db()
    assert wrong.status == ActivityStatus.REVERSED and wrong.reverse_reason == "時間の入力ちがい"
    # The corrected report of the same assignment, then its approval.
    assert wrong.assignment.request.status == RequestStatus.ASSIGNED
    fixed = activity_report(
        actor=futaba.coordinator,
        assignment=wrong.assignment,
        activity_on=wrong.activity_on,
        minutes=120,
        transport=True,
    )
    activity_approve(actor=futaba.coordinator, activity=fixed)
    assert balances(futaba.helper)[H] == Decimal("3")
    with pytest.raises(ServiceRefused) as refused:
        activity_reverse(actor=futaba.coordinator, activity=wrong, reason="もう一度")
    assert str(refused.value) == ms.NOT_APPROVED


def test_a_reversal_needs_a_reason(futaba):
    activity = do_activity(futaba)
    with pytest.raises(ServiceRefused) as refused:
        activity_reverse(actor=futaba.coordinator, activity=activity, reason="  ")
    assert str(refused.value) == "取り消しの理由を入れてください。"


def test_ledger_entries_cannot_be_edited_or_deleted(futaba):
    activity = do_activity(futaba)
    entry = LedgerEntry.objects.filter(activity=activity).first()
    entry.amount = Decimal("999")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    assert LedgerEntry.objects.get(pk=entry.pk).amount != Decimal("999")


def test_a_fee_change_leaves_past_activities_as_they_were(futaba):
    past = do_activity(futaba, on=month_ago(10), minutes=60, transport=True)
    rate_add(
        actor=futaba.coordinator,
        scheme=futaba.scheme,
        valid_from=month_ago(5),
        fee_per_hour=1000,
        honorarium_per_hour=700,
        transport_fee=400,
    )
    # A late report of a day before the change is priced with the old rate; one after it with the new one.
    late = do_activity(futaba, on=month_ago(8), minutes=60, transport=False)
    new = do_activity(futaba, on=month_ago(2), minutes=60, transport=True)
    past.refresh_from_db()
    assert (past.fee_amount, past.honorarium_amount, past.transport_amount) == (800, 600, 300)
    assert (late.fee_per_hour, late.fee_amount) == (800, 800)
    assert (new.fee_per_hour, new.fee_amount, new.honorarium_amount, new.transport_amount) == (1000, 1000, 700, 400)
    assert LedgerEntry.objects.get(activity=past, member=futaba.user, component="fee").amount == Decimal("-800")


def test_refusals_are_in_japanese(futaba):
    starts = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ServiceRefused) as refused:
        service_request_create(actor=futaba.coordinator, member=futaba.helper, what="掃除", starts_at=starts)
    assert str(refused.value) == "利用会員（または両方会員）だけが依頼できます。"
    req = service_request_create(actor=futaba.coordinator, member=futaba.user, what="掃除", starts_at=starts)
    with pytest.raises(ServiceRefused) as refused:
        service_request_assign(actor=futaba.coordinator, service_request=req, helper=futaba.user)
    assert str(refused.value) == "協力会員（または両方会員）を選んでください。"
    with pytest.raises(ServiceRefused) as refused:
        rate_add(
            actor=futaba.coordinator,
            scheme=futaba.scheme,
            valid_from=month_ago(1),
            fee_per_hour=500,
            honorarium_per_hour=600,
            transport_fee=0,
        )
    assert str(refused.value) == "謝礼は利用料より多くできません。"
    with pytest.raises(ServiceRefused) as refused:
        member_register(
            actor=futaba.coordinator,
            scheme=futaba.scheme,
            kind=MemberKind.USER,
            number="U-001",
            name="重複",
            joined_on=month_ago(1),
        )
    assert str(refused.value) == "この会員番号はすでに使われています。"


def test_no_rate_on_the_activity_day_is_refused(futaba):
    early = futaba.rate.valid_from - datetime.timedelta(days=1)
    with pytest.raises(ServiceRefused) as refused:
        do_activity(futaba, on=early)
    assert str(refused.value) == "活動日に有効な料金の設定がありません。先に料金を設定してください。"


def test_the_statement_holds_the_months_lines_totals_and_running_balances(futaba):
    today = timezone.localdate()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)  # last month
    before = month - datetime.timedelta(days=3)
    do_activity(futaba, on=before, minutes=60, transport=False)
    do_activity(futaba, on=month + datetime.timedelta(days=2), minutes=90, transport=True)
    do_activity(futaba, on=month + datetime.timedelta(days=9), minutes=30, transport=False)
    st = statement(futaba.user, month)
    assert (st.opening_hours, st.opening_yen) == (Decimal("-1"), Decimal("-800"))
    assert len(st.lines) == 2
    assert st.hours_total == Decimal("-2")
    assert (st.fee_total, st.transport_total) == (Decimal("-1600"), Decimal("-300"))
    assert (st.closing_hours, st.closing_yen) == (Decimal("-3"), Decimal("-2700"))
    assert [line.yen_balance for line in st.lines] == [Decimal("-2300"), Decimal("-2700")]


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_statement_pdf_has_the_months_totals_and_is_logged(verified_client, futaba):
    today = timezone.localdate()
    month = today.replace(day=1)
    do_activity(futaba, on=month, minutes=90, transport=True)
    client = verified_client(futaba.coordinator)
    url = reverse("volunteers:service_statement_pdf", args=[futaba.user.pk])
    response = client.get(url, {"month": f"{month:%Y-%m}"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "月次明細" in text and f"{month.year}年{month.month}月分" in text
    assert "泉尾 トメ" in text and "U-001" in text
    assert "-1.5時間" in text and "-1,200円" in text and "-300円" in text
    assert "-1,500円" in text  # the closing yen balance
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, target_type=AuditTarget.SERVICE_LEDGER, target_ids=[futaba.user.pk]
    ).exists()


def test_the_statement_page_shows_the_month(verified_client, futaba):
    month = timezone.localdate().replace(day=1)
    do_activity(futaba, on=month, minutes=90, transport=True)
    client = verified_client(futaba.coordinator)
    url = reverse("volunteers:service_statement", args=[futaba.user.pk])
    html = client.get(url, {"month": f"{month:%Y-%m}"}).content.decode()
    assert "買い物の付き添い" in html and "山田 花子" in html
    assert "-1,500" in html
    bad = client.get(url, {"month": "2026-13"})
    assert bad.status_code == 400
    assert "月は「2026-04」のように入れてください。" in bad.content.decode()


def test_the_coordinator_runs_request_assignment_report_and_approval_from_the_pages(verified_client, futaba):
    client = verified_client(futaba.coordinator)
    on = month_ago(1)
    response = client.post(
        reverse("volunteers:service_requests"),
        {"member": futaba.user.pk, "what": "通院の付き添い", "starts_at": f"{on:%Y-%m-%d}T09:30", "place": ""},
    )
    assert response.status_code == 302
    req = futaba.user.requests.get()
    url = reverse("volunteers:service_request", args=[req.pk])
    assert client.post(url, {"action": "assign", "helper": futaba.helper.pk}).status_code == 302
    bad = client.post(url, {"action": "report", "activity_on": f"{on:%Y-%m-%d}", "hours": "30", "note": ""})
    assert bad.status_code == 400
    assert "活動時間は0.5時間から24時間までで入れてください。" in bad.content.decode()
    response = client.post(
        url,
        {"action": "report", "activity_on": f"{on:%Y-%m-%d}", "start": "09:30", "end": "11:10", "transport": "on"},
    )
    assert response.status_code == 302
    activity = req.assignment.activities.get()
    assert activity.minutes == 100 and activity.billed_minutes == 120 and activity.transport
    assert client.post(url, {"action": "approve", "activity": activity.pk}).status_code == 302
    assert balances(futaba.helper) == {H: Decimal("2"), Y: Decimal("1500")}
    empty = client.post(url, {"action": "reverse", "activity": activity.pk, "reason": ""})
    assert "取り消しの理由を入れてください。" in empty.content.decode()
    assert client.post(url, {"action": "reverse", "activity": activity.pk, "reason": "日付ちがい"}).status_code == 302
    assert balances(futaba.helper) == {H: Decimal("0"), Y: Decimal("0")}


def test_the_member_page_shows_the_ledger_logs_the_view_and_counts_its_queries(verified_client, futaba):
    for _ in range(3):
        do_activity(futaba)
    client = verified_client(futaba.coordinator)
    url = reverse("volunteers:service_member", args=[futaba.user.pk])
    client.get(url)  # warm the session and the viewer
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    do_activity(futaba)
    do_activity(futaba)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(first)  # no query per ledger line
    assert "泉尾 トメ" in html and "-4.5" in html
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type=AuditTarget.SERVICE_MEMBER, target_ids=[futaba.user.pk]
    ).exists()


@pytest.mark.parametrize("persona", ["care_plaza_worker", "association_member", "commissioner", "ward_clerk"])
def test_only_the_centre_opens_the_service_pages(verified_client, ward, futaba, persona):
    client = verified_client(getattr(ward, persona))
    assert client.get(reverse("volunteers:services")).status_code == 403
    assert client.get(reverse("volunteers:service_member", args=[futaba.user.pk])).status_code == 403
    assert client.get(reverse("volunteers:service_statement_pdf", args=[futaba.user.pk])).status_code == 403


def test_a_volunteer_cannot_open_the_ledger(client, ward, futaba):
    volunteer = make_volunteer(ward, name="別の ボランティア", username="vol_other")
    client.force_login(volunteer.user)
    assert client.get(reverse("volunteers:service_member", args=[futaba.user.pk])).status_code == 403
    assert client.get(reverse("api:volunteers-service-ledger", args=[futaba.user.pk])).status_code in (
        401,
        403,
    )


def test_another_wards_centre_gets_404_and_it_is_logged(verified_client, ward, futaba):
    city = build_city(ward)
    client = verified_client(city.shakyo_coordinator)
    for name, pk in (
        ("service_member", futaba.user.pk),
        ("service_scheme", futaba.scheme.pk),
        ("service_statement_pdf", futaba.user.pk),
    ):
        assert client.get(reverse(f"volunteers:{name}", args=[pk])).status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, actor_id_value=city.shakyo_coordinator.pk, target_type=AuditTarget.SERVICE_MEMBER
    ).exists()
    with pytest.raises(ServiceRefused) as refused:
        rate_add(
            actor=city.shakyo_coordinator,
            scheme=futaba.scheme,
            valid_from=month_ago(1),
            fee_per_hour=900,
            honorarium_per_hour=700,
            transport_fee=0,
        )
    assert str(refused.value) == "ほかの区のサービスは扱えません。"


def test_the_resident_a_user_member_names_is_opened_to_the_centre_by_the_scope(ward, futaba):
    persons = visible_persons(ward.ward_officer, scope=DataScope.VOLUNTEER_NEED)
    assert ward.people.a1_agreed in persons
    assert not visible_persons(ward.care_plaza_worker, scope=DataScope.VOLUNTEER_NEED).exists()


def test_the_api_gives_a_members_balance_and_ledger(verified_client, futaba):
    do_activity(futaba, minutes=60, transport=False)
    client = verified_client(futaba.coordinator)
    data = client.get(reverse("api:volunteers-service-ledger", args=[futaba.helper.pk])).json()
    assert data["balance"] == {"hours": "1.00", "yen": "600.00"}
    assert data["entries"][0]["amount"] in ("1.00", "600.00")
    assert client.get(reverse("api:volunteers-service-ledger", args=["999999"])).status_code == 404


def test_a_member_who_left_keeps_their_ledger_and_is_no_longer_offered(verified_client, futaba):
    do_activity(futaba)
    client = verified_client(futaba.coordinator)
    url = reverse("volunteers:service_member", args=[futaba.helper.pk])
    early = client.post(url, {"left_on": "2000-01-01"})
    assert early.status_code == 400
    assert "退会日は入会日より後にしてください。" in early.content.decode()
    assert client.post(url, {"left_on": f"{timezone.localdate():%Y-%m-%d}"}).status_code == 302
    futaba.helper.refresh_from_db()
    assert futaba.helper.left_on == timezone.localdate()
    assert balances(futaba.helper)[H] == Decimal("1.5")
    starts = timezone.now() + datetime.timedelta(days=2)
    req = service_request_create(actor=futaba.coordinator, member=futaba.user, what="掃除", starts_at=starts)
    with pytest.raises(ServiceRefused) as refused:
        service_request_assign(actor=futaba.coordinator, service_request=req, helper=futaba.helper)
    assert str(refused.value) == "退会した会員は選べません。"


def test_the_member_search_finds_by_kana_and_number_and_is_logged(verified_client, futaba):
    client = verified_client(futaba.coordinator)
    html = client.get(reverse("volunteers:services"), {"q": "いずお"}).content.decode()
    assert "泉尾 トメ" in html and "山田 花子" not in html
    assert "山田 花子" in client.get(reverse("volunteers:services"), {"q": "H-001"}).content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.SEARCH, target_type=AuditTarget.SERVICE_MEMBER, query="いずお"
    ).exists()
