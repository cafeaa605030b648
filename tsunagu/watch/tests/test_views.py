"""The watch-over pages as people use them: the watcher's list (overdue first, a friendly empty page), a person's
page with the visit form (one visit per form, the Japanese refusal on the page, a concern passed on), the
receiver's inbox, acknowledge and close (the watcher sees 「対応しました」, never the note), the 緊急 panel of the
home page, the routing table, the bulk assignment from the roster, the overdue worklist, the menu, and an audit
entry for every page that shows a person."""

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.core.wareki import today_jst
from tsunagu.testing.html import main_html
from tsunagu.testing.personas import list_on_roster
from tsunagu.watch.forms import LOCAL_INPUT
from tsunagu.watch.models import (
    Escalation,
    EscalationRoute,
    VisitMethod,
    VisitOutcome,
    WatchAssignment,
    WatchFrequency,
    WatchVisit,
)
from tsunagu.watch.services import visit_record

CLOSING_NOTE = "長女に連絡し、来週の受診に同行してもらうことになった"
HTMX = {"HX-Request": "true"}
MINE_URL = reverse("watch:mine")
INBOX_URL = reverse("watch:escalations")
ROUTES_URL = reverse("watch:routes")
BULK_URL = reverse("watch:bulk_assign")
OVERDUE_URL = reverse("watch:overdue")


def person_url(person) -> str:
    return reverse("watch:person", args=[person.pk])


def escalation_url(escalation) -> str:
    return reverse("watch:escalation", args=[escalation.pk])


def signed_in(user) -> Client:
    """A client of its own for a community member (no second factor), beside the staff's verified_client."""
    client = Client()
    client.force_login(user)
    return client


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def entries_after(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(LOCAL_INPUT)


def visit_form(**overrides) -> dict:
    return {
        "method": VisitMethod.VISIT,
        "outcome": VisitOutcome.FINE,
        "observed_at": local_input(timezone.now()),
        "note": "",
        "client_id": str(uuid.uuid4()),
        **overrides,
    }


def hidden_client_id(html: str) -> str:
    match = re.search(r'<input type="hidden" name="client_id" value="([^"]+)"', html)
    assert match, "the visit form carries no hidden client_id"
    return match.group(1)


def nav_links(response) -> dict[str, str]:
    """The main menu as {link text: href}."""
    content = response.content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', content, re.S)
    assert nav, "no main menu on the page"
    return {text.strip(): href for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))}


def positions(html: str, *names: str) -> list[int]:
    found = [html.find(name) for name in names]
    assert -1 not in found, f"not all of {names} are on the page"
    return found


@pytest.fixture
def named(ward, watched):
    """Names that sort the other way round from "overdue first", and that no other name on a page contains."""
    for person, names in (
        (ward.people.b1_agreed, ("青木", "花子", "アオキ", "ハナコ")),
        (ward.people.b1_unanswered, ("渡辺", "茂", "ワタナベ", "シゲル")),
        (ward.people.b1_refused, ("佐々木", "勝", "ササキ", "マサル")),
        (ward.people.a1_agreed, ("髙橋", "一子", "タカハシ", "カズコ")),
    ):
        person.family_name, person.given_name, person.family_name_kana, person.given_name_kana = names
        person.save(update_fields=["family_name", "given_name", "family_name_kana", "given_name_kana"])
    return ward.people


@pytest.fixture
def to_care_plaza(ward):
    """Concerns about district B go to its care plaza (without a route they would reach the ward office)."""
    return EscalationRoute.objects.create(district=ward.districts.b, organisation=ward.orgs.care_plaza)


@pytest.fixture
def commissioner(ward, watched, named) -> Client:
    return signed_in(ward.commissioner)


def raise_concern(ward, outcome=VisitOutcome.CONCERN, concerns=("meals",)) -> Escalation:
    result = visit_record(
        user=ward.commissioner,
        person_id=ward.people.b1_agreed.pk,
        method=VisitMethod.VISIT,
        outcome=outcome,
        concerns=list(concerns),
        note="食事がとれていない様子",
    )
    assert result.escalation is not None
    return result.escalation


# -- わたしの見守り -----------------------------------------------------------------------------------------------


def test_my_list_shows_the_persons_watched_overdue_first(ward, commissioner):
    # 青木 (monthly) was visited this month; 渡辺 (weekly) has had no contact since the watch began in 2024.
    visit_record(
        user=ward.commissioner, person_id=ward.people.b1_agreed.pk, method=VisitMethod.VISIT, outcome=VisitOutcome.FINE
    )

    response = commissioner.get(MINE_URL)

    assert response.status_code == 200
    html = main_html(response)
    overdue, done = positions(html, "渡辺\u3000茂", "青木\u3000花子")
    assert overdue < done  # the kana order (アオキ, ワタナベ) would put them the other way round
    assert html.count("連絡が空いています") == 1
    assert f"{today_jst().month}月は済" in html
    assert f'href="{person_url(ward.people.b1_unanswered)}"' in html
    assert "佐々木" not in html  # refused consent: not watched, not shown


@pytest.mark.parametrize("persona", ["outsider", "association_member", "unagreed_member"])
def test_someone_who_watches_nobody_gets_a_friendly_empty_page(ward, watched, named, persona):
    before = last_seq()

    response = signed_in(getattr(ward, persona)).get(MINE_URL)

    assert response.status_code == 200
    html = main_html(response)
    assert "見守りの担当はまだありません。" in html
    assert "青木" not in html and "渡辺" not in html
    assert entries_after(before) == []  # nobody shown, nothing to log


# -- A person's page and the visit form -------------------------------------------------------------------------


def test_the_person_page_shows_the_form_with_a_client_id_and_the_next_target_as_a_period(ward, commissioner):
    response = commissioner.get(person_url(ward.people.b1_agreed))

    assert response.status_code == 200
    html = main_html(response)
    assert "青木\u3000花子さんの見守り" in html
    uuid.UUID(hidden_client_id(html))  # made when the page was drawn
    assert f"次回の目安：{today_jst().month}月中" in html  # monthly, nothing done yet: this month, not a day
    assert "まだ記録はありません。" in html
    for control in ('name="method"', 'name="outcome"', 'name="concerns"', 'name="observed_at"', 'name="note"'):
        assert control in html


def test_two_pages_draw_two_client_ids(ward, commissioner):
    first = hidden_client_id(main_html(commissioner.get(person_url(ward.people.b1_agreed))))
    second = hidden_client_id(main_html(commissioner.get(person_url(ward.people.b1_agreed))))

    assert first != second


def test_the_next_target_after_a_visit_is_the_next_period(ward, commissioner):
    visit_record(
        user=ward.commissioner, person_id=ward.people.b1_unanswered.pk, method=VisitMethod.PHONE, outcome="fine"
    )

    html = main_html(commissioner.get(person_url(ward.people.b1_unanswered)))

    assert "次回の目安：来週ごろ" in html  # weekly and done this week
    assert "今週は済" in html


def test_posting_the_form_records_one_visit_and_redirects_to_the_page(ward, commissioner):
    person = ward.people.b1_unanswered
    client_id = hidden_client_id(main_html(commissioner.get(person_url(person))))
    observed = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(days=1)

    response = commissioner.post(
        person_url(person),
        visit_form(method=VisitMethod.PHONE, observed_at=local_input(observed), client_id=client_id, note="元気そう"),
    )

    assert response.status_code == 302
    assert response["Location"] == person_url(person)
    visit = WatchVisit.objects.get()
    assert (visit.person, visit.recorded_by, visit.method, visit.outcome) == (
        person,
        ward.commissioner,
        VisitMethod.PHONE,
        VisitOutcome.FINE,
    )
    assert (visit.observed_at, str(visit.client_id), visit.note) == (observed, client_id, "元気そう")
    assert not Escalation.objects.exists()
    page = main_html(commissioner.get(response["Location"]))
    assert "見守りを記録しました。" in page
    assert "元気そう" in page


def test_posting_the_same_form_twice_stores_one_visit(ward, commissioner):
    person = ward.people.b1_agreed
    data = visit_form(outcome=VisitOutcome.CONCERN, concerns=["meals"])

    first = commissioner.post(person_url(person), data)
    again = commissioner.post(person_url(person), data)

    assert (first.status_code, again.status_code) == (302, 302)
    assert WatchVisit.objects.count() == 1
    assert Escalation.objects.count() == 1
    assert str(WatchVisit.objects.get().client_id) == data["client_id"]


def test_a_future_time_shows_the_japanese_error_on_the_page_and_stores_nothing(ward, commissioner):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    data = visit_form(observed_at=local_input(tomorrow))

    response = commissioner.post(person_url(ward.people.b1_agreed), data)

    assert response.status_code == 200
    html = main_html(response)
    assert "見守りの日時が未来になっています。日時を確かめてください。" in html
    assert 'role="alert"' in html
    assert hidden_client_id(html) == data["client_id"]  # shown again to correct, still the same report
    assert not WatchVisit.objects.exists()


def test_a_missing_method_is_shown_beside_the_form_and_stores_nothing(ward, commissioner):
    data = visit_form()
    del data["method"]

    response = commissioner.post(person_url(ward.people.b1_agreed), data)

    assert response.status_code == 200
    assert "この項目は必須です。" in main_html(response)
    assert not WatchVisit.objects.exists()


def test_a_concern_is_passed_on_and_the_watcher_is_told(ward, commissioner, to_care_plaza):
    person = ward.people.b1_agreed

    response = commissioner.post(
        person_url(person), visit_form(outcome=VisitOutcome.CONCERN, concerns=["meals", "isolation"]), follow=True
    )

    assert response.redirect_chain == [(person_url(person), 302)]
    html = main_html(response)
    assert f"{ward.orgs.care_plaza.name}につなぎました。" in html
    escalation = Escalation.objects.get()
    visit = WatchVisit.objects.get()
    assert (escalation.visit, escalation.person, escalation.organisation, escalation.urgency) == (
        visit,
        person,
        ward.orgs.care_plaza,
        VisitOutcome.CONCERN,
    )
    assert visit.concerns == ["meals", "isolation"]
    # The watcher's own record of it: received or not, nothing of the handling.
    assert "あなたがつないだ件" in html
    assert "連絡済（受理待ち）" in html


def test_a_concern_without_any_route_reaches_the_ward_office(ward, commissioner):
    response = commissioner.post(
        person_url(ward.people.b1_agreed), visit_form(outcome=VisitOutcome.URGENT, concerns=["health"]), follow=True
    )

    assert f"{ward.orgs.ward_office.name}につなぎました。" in main_html(response)
    assert Escalation.objects.get().organisation == ward.orgs.ward_office


@pytest.mark.parametrize("person", ["b1_refused", "a1_agreed"])
def test_a_person_outside_the_watchers_scope_is_404_and_logged(ward, commissioner, person):
    target = getattr(ward.people, person)
    before = last_seq()

    shown = commissioner.get(person_url(target))
    posted = commissioner.post(person_url(target), visit_form())

    assert (shown.status_code, posted.status_code) == (404, 404)
    assert target.family_name not in shown.content.decode()
    assert not WatchVisit.objects.exists()
    entries = entries_after(before)
    assert [(e.action, e.actor_username) for e in entries] == [(AuditAction.DENIED, "commissioner")] * 2
    assert {e.detail["requested_id"] for e in entries} == {str(target.pk)}


def test_a_non_numeric_person_id_is_404(ward, commissioner):
    assert commissioner.get("/watch/persons/abc/").status_code == 404


# -- The receiver's inbox, acknowledge and close -------------------------------------------------------------


def test_the_inbox_lists_the_escalation_for_the_receiver_only(ward, watched, named, to_care_plaza, verified_client):
    escalation = raise_concern(ward)

    received = verified_client(ward.care_plaza_worker).get(INBOX_URL)

    assert received.status_code == 200
    html = main_html(received)
    assert "青木\u3000花子" in html
    assert f'href="{escalation_url(escalation)}"' in html
    assert "食事" in html and "気になる" in html

    other = verified_client(ward.shakyo_coordinator).get(INBOX_URL)

    assert other.status_code == 200
    html = main_html(other)
    assert "青木" not in html
    assert f'href="{escalation_url(escalation)}"' not in html
    assert "いま受け付けているつなぎはありません。" in html


def test_another_professional_cannot_open_the_escalation(ward, watched, named, to_care_plaza, verified_client):
    escalation = raise_concern(ward)
    client = verified_client(ward.shakyo_coordinator)

    assert client.get(escalation_url(escalation)).status_code == 404  # 社協 serves district A: the person is unseen
    assert client.post(escalation_url(escalation), {"acknowledge": "1"}).status_code == 404
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None


def test_acknowledge_then_close_the_watcher_sees_handled_never_the_note(
    ward, watched, named, commissioner, to_care_plaza, verified_client
):
    escalation = raise_concern(ward)
    receiver = verified_client(ward.care_plaza_worker)
    person_page = person_url(ward.people.b1_agreed)
    assert "連絡済（受理待ち）" in main_html(commissioner.get(person_page))

    acknowledged = receiver.post(escalation_url(escalation), {"acknowledge": "1"})

    assert acknowledged.status_code == 302
    assert acknowledged["Location"] == escalation_url(escalation)
    escalation.refresh_from_db()
    assert (escalation.acknowledged_by, escalation.closed_at) == (ward.care_plaza_worker, None)
    assert "受理されました" in main_html(commissioner.get(person_page))

    closed = receiver.post(escalation_url(escalation), {"close": "1", "note": CLOSING_NOTE})

    assert closed.status_code == 302
    assert closed["Location"] == INBOX_URL
    escalation.refresh_from_db()
    assert (escalation.closed_by, escalation.closing_note) == (ward.care_plaza_worker, CLOSING_NOTE)
    watcher_view = commissioner.get(person_page).content.decode()
    assert "対応しました" in watcher_view
    assert "受理されました" not in watcher_view and "連絡済" not in watcher_view
    assert CLOSING_NOTE not in watcher_view
    assert ward.orgs.care_plaza.name not in watcher_view  # nor who handled it
    assert f'href="{escalation_url(escalation)}"' not in watcher_view
    # The receiver keeps the note, on the escalation's own page, and the inbox no longer lists it.
    assert CLOSING_NOTE in main_html(receiver.get(escalation_url(escalation)))
    assert "青木" not in main_html(receiver.get(INBOX_URL))
    assert "青木" in main_html(receiver.get(INBOX_URL, {"closed": "1"}))


def test_the_watcher_cannot_acknowledge_their_own_escalation(ward, watched, named, commissioner, to_care_plaza):
    escalation = raise_concern(ward)

    response = commissioner.post(escalation_url(escalation), {"acknowledge": "1"})

    assert response.status_code == 403
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None
    assert AuditEntry.objects.order_by("-seq").first().action == AuditAction.DENIED


def test_closing_twice_keeps_the_first_note(ward, watched, named, to_care_plaza, verified_client):
    escalation = raise_concern(ward)
    receiver = verified_client(ward.care_plaza_worker)
    receiver.post(escalation_url(escalation), {"close": "1", "note": CLOSING_NOTE}, follow=True)
    before = last_seq()

    again = receiver.post(escalation_url(escalation), {"close": "1", "note": "重ねて"})

    assert again.status_code == 200
    html = main_html(again)
    assert "重ねて" not in html
    assert 'name="close"' not in html  # closed: no form to close it again
    escalation.refresh_from_db()
    assert escalation.closing_note == CLOSING_NOTE
    assert not [e for e in entries_after(before) if e.action == AuditAction.UPDATE]


def test_closing_twice_says_why_nothing_changed(ward, watched, named, to_care_plaza, verified_client):
    escalation = raise_concern(ward)
    receiver = verified_client(ward.care_plaza_worker)
    receiver.post(escalation_url(escalation), {"close": "1", "note": CLOSING_NOTE}, follow=True)

    again = receiver.post(escalation_url(escalation), {"close": "1", "note": "重ねて"})

    assert "このつなぎはすでに対応済です。" in main_html(again)


# -- The home page's panel -----------------------------------------------------------------------------------


def test_an_urgent_escalation_shows_on_the_receivers_home_page_at_once(
    ward, watched, named, to_care_plaza, verified_client
):
    client = verified_client(ward.care_plaza_worker)
    assert "対応中の緊急のつなぎはありません。" in main_html(client.get("/"))

    raise_concern(ward, outcome=VisitOutcome.URGENT, concerns=("health",))
    response = client.get("/")

    assert response.status_code == 200
    html = main_html(response)
    assert 'id="watch-panel"' in html
    assert "緊急 1件" in html
    assert f'href="{INBOX_URL}"' in html
    assert "青木" not in html  # a count, no name


def test_a_concern_that_is_not_urgent_does_not_count_on_the_home_page(
    ward, watched, named, to_care_plaza, verified_client
):
    raise_concern(ward, outcome=VisitOutcome.CONCERN)

    html = main_html(verified_client(ward.care_plaza_worker).get("/"))

    assert "緊急 1件" not in html
    assert "対応中の緊急のつなぎはありません。" in html


def test_the_panel_answers_htmx_and_opened_by_itself_is_the_inbox(ward, watched, named, to_care_plaza, verified_client):
    raise_concern(ward, outcome=VisitOutcome.URGENT)
    client = verified_client(ward.care_plaza_worker)
    url = reverse("watch:home_panel")

    plain = client.get(url)
    fragment = client.get(url, headers=HTMX)

    assert plain.status_code == 302
    assert plain["Location"] == INBOX_URL
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "緊急 1件" in body
    assert "<html" not in body


def test_an_escalation_left_unacknowledged_resurfaces_for_the_ward(
    ward, watched, named, to_care_plaza, verified_client
):
    escalation = raise_concern(ward, outcome=VisitOutcome.CONCERN)
    Escalation.objects.filter(pk=escalation.pk).update(acknowledge_by=timezone.now() - datetime.timedelta(hours=1))
    client = verified_client(ward.ward_officer)

    home = main_html(client.get("/"))
    listed = main_html(client.get(reverse("watch:escalations_overdue")))

    assert "受理の期限超過 1件" in home
    assert "青木\u3000花子" in listed and "受理の期限超過" in listed


# -- The routing table ---------------------------------------------------------------------------------------


def test_the_ward_officer_adds_a_route(ward, verified_client):
    client = verified_client(ward.ward_officer)
    assert client.get(ROUTES_URL).status_code == 200

    response = client.post(
        ROUTES_URL, {"district": ward.districts.b.pk, "concern": "abuse", "organisation": ward.orgs.care_plaza.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == ROUTES_URL
    route = EscalationRoute.objects.get()
    assert (route.district, route.concern, route.organisation) == (ward.districts.b, "abuse", ward.orgs.care_plaza)
    html = main_html(client.get(ROUTES_URL))
    assert ward.orgs.care_plaza.name in html and "虐待の疑い" in html


@pytest.mark.parametrize("district", ["b", None], ids=["district", "ward-wide"])
def test_a_route_for_the_same_district_and_concern_updates_the_row(ward, verified_client, district):
    client = verified_client(ward.ward_officer)
    ward.orgs.shakyo.service_districts.set([ward.districts.a, ward.districts.b])  # the 社協 serves the whole ward
    chosen = getattr(ward.districts, district) if district else None
    data = {"district": chosen.pk if chosen else "", "concern": ""}
    client.post(ROUTES_URL, {**data, "organisation": ward.orgs.ward_office.pk})

    response = client.post(ROUTES_URL, {**data, "organisation": ward.orgs.shakyo.pk})

    assert response.status_code == 302
    route = EscalationRoute.objects.get()
    assert (route.district, route.concern, route.organisation) == (chosen, "", ward.orgs.shakyo)


def test_a_route_to_a_receiver_that_does_not_serve_the_district_is_refused(ward, verified_client):
    """The 社協 serves district A only: routing district B to it would send concerns it cannot open."""
    response = verified_client(ward.ward_officer).post(
        ROUTES_URL, {"district": ward.districts.b.pk, "concern": "", "organisation": ward.orgs.shakyo.pk}
    )

    assert response.status_code == 200
    assert "担当地区に、この地区の一部が含まれていません" in response.content.decode()
    assert not EscalationRoute.objects.exists()


def test_a_route_to_a_community_group_is_refused_on_the_page(ward, verified_client):
    response = verified_client(ward.ward_officer).post(
        ROUTES_URL, {"district": "", "concern": "", "organisation": ward.orgs.minsei.pk}
    )

    assert response.status_code == 200
    assert not EscalationRoute.objects.exists()


@pytest.mark.parametrize("persona", ["shakyo_coordinator", "care_plaza_worker"])
def test_other_professionals_are_refused_the_routing_table(ward, verified_client, persona):
    client = verified_client(getattr(ward, persona))

    shown = client.get(ROUTES_URL)
    posted = client.post(ROUTES_URL, {"district": "", "concern": "", "organisation": ward.orgs.care_plaza.pk})

    assert (shown.status_code, posted.status_code) == (403, 403)
    assert not EscalationRoute.objects.exists()
    assert AuditEntry.objects.order_by("-seq").first().action == AuditAction.DENIED


def test_a_commissioner_is_refused_the_routing_table(ward, commissioner):
    assert commissioner.get(ROUTES_URL).status_code == 403


# -- Bulk assignment from the roster --------------------------------------------------------------------------


def bulk_form(ward, **overrides) -> dict:
    return {
        "district": ward.districts.b.pk,
        "rule": "",
        "organisation": ward.orgs.minsei.pk,
        "watcher": ward.commissioner.pk,
        "frequency": WatchFrequency.MONTHLY,
        "started_on": today_jst().isoformat(),
        **overrides,
    }


def test_bulk_assignment_shows_the_count_first_then_assigns(ward, verified_client):
    client = verified_client(ward.ward_officer)

    preview = client.post(BULK_URL, bulk_form(ward))

    assert preview.status_code == 200
    html = main_html(preview)
    assert "この条件の方は3人です。" in html  # district B: three residents on the roster
    assert 'name="confirm"' in html
    assert not WatchAssignment.objects.exists()  # counting assigns nobody

    confirmed = client.post(BULK_URL, {**bulk_form(ward), "confirm": "1"})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == OVERDUE_URL
    assigned = WatchAssignment.objects.filter(organisation=ward.orgs.minsei, watcher=ward.commissioner)
    assert set(assigned.values_list("person_id", flat=True)) == {
        ward.people.b1_agreed.pk,
        ward.people.b1_unanswered.pk,
        ward.people.b1_refused.pk,
    }
    assert "3人に見守りの担当を割り当てました" in client.get(OVERDUE_URL).content.decode()


def test_bulk_assignment_skips_those_already_watched_and_says_so(ward, watched, verified_client):
    client = verified_client(ward.ward_officer)

    response = client.post(BULK_URL, {**bulk_form(ward), "confirm": "1"}, follow=True)

    assert "1人に見守りの担当を割り当てました（すでに同じ担当がある2人はそのままです）。" in main_html(response)
    assert WatchAssignment.objects.filter(watcher=ward.commissioner).count() == 3


def test_bulk_assignment_of_a_district_with_nobody_listed_offers_no_confirm(ward, verified_client):
    client = verified_client(ward.ward_officer)
    list_on_roster([ward.people.b1_agreed], number=2)  # a newer build lists nobody of district A

    html = main_html(client.post(BULK_URL, bulk_form(ward, district=ward.districts.a.pk)))

    assert "この条件の方は0人です。" in html
    assert re.search(r'name="confirm" value="1" class="btn btn-primary" disabled', html)


@pytest.mark.parametrize("persona", ["commissioner", "association_member"])
def test_bulk_assignment_is_refused_to_community_members(ward, persona):
    client = signed_in(getattr(ward, persona))

    shown = client.get(BULK_URL)
    posted = client.post(BULK_URL, {**bulk_form(ward), "confirm": "1"})

    assert (shown.status_code, posted.status_code) == (403, 403)
    assert not WatchAssignment.objects.exists()


# -- The overdue worklist ------------------------------------------------------------------------------------


def test_the_overdue_worklist_shows_who_was_not_contacted_in_the_previous_period(ward, watched, named, verified_client):
    # 青木 was seen this month; 渡辺 (weekly) has not been contacted since the watch began.
    visit_record(user=ward.commissioner, person_id=ward.people.b1_agreed.pk, method="visit", outcome="fine")
    before = last_seq()

    response = verified_client(ward.ward_officer).get(OVERDUE_URL)

    assert response.status_code == 200
    html = main_html(response)
    assert "渡辺\u3000茂" in html
    assert "青木" not in html
    assert "連絡が空いている方：1人" in html
    assert "北恩加島小学校区" in html  # counted by school district
    [entry] = entries_after(before)
    assert (entry.action, entry.target_type, entry.target_ids) == (
        AuditAction.LIST,
        AuditTarget.WATCH_ASSIGNMENT,
        [ward.people.b1_unanswered.pk],
    )


def test_an_absence_is_not_a_contact_on_the_worklist(ward, watched, named, verified_client):
    visit_record(user=ward.commissioner, person_id=ward.people.b1_unanswered.pk, method="absent", outcome="fine")

    html = main_html(verified_client(ward.ward_officer).get(OVERDUE_URL))

    assert "渡辺\u3000茂" in html


def test_the_worklist_filters_by_organisation(ward, watched, named, verified_client):
    client = verified_client(ward.ward_officer)

    html = main_html(client.get(OVERDUE_URL, {"organisation": ward.orgs.shakyo.pk}))

    assert "渡辺" not in html and "青木" not in html
    assert "連絡が空いている方はいません。" in html


@pytest.mark.parametrize("persona", ["association_member", "commissioner"])
def test_the_overdue_worklist_is_refused_to_community_members(ward, watched, persona):
    response = signed_in(getattr(ward, persona)).get(OVERDUE_URL)

    assert response.status_code == 403
    assert "渡辺" not in response.content.decode()
    assert AuditEntry.objects.order_by("-seq").first().action == AuditAction.DENIED


# -- The menu ------------------------------------------------------------------------------------------------


def test_the_commissioners_menu_has_the_activity_record(ward, commissioner):
    links = nav_links(commissioner.get(MINE_URL))

    assert links["活動記録"] == reverse("watch:activity_months")
    assert links["見守り"] == MINE_URL
    assert "見守りのつなぎ先" not in links
    assert "見守りの状況" not in links


def test_the_ward_officers_menu_has_the_totals_and_the_routes(ward, verified_client):
    links = nav_links(verified_client(ward.ward_officer).get("/"))

    assert links["民児協の集計"] == reverse("watch:activity_totals")
    assert links["見守りのつなぎ先"] == ROUTES_URL
    assert links["見守りの状況"] == OVERDUE_URL
    assert links["つなぎの受付"] == INBOX_URL
    assert "活動記録" not in links


def test_the_association_members_menu_has_neither(ward):
    links = nav_links(signed_in(ward.association_member).get("/"))

    assert links["見守り"] == MINE_URL
    for absent in ("活動記録", "民児協の集計", "見守りのつなぎ先", "見守りの状況", "つなぎの受付"):
        assert absent not in links


# -- Audit ---------------------------------------------------------------------------------------------------


def test_every_page_that_shows_a_person_is_logged(ward, watched, named, to_care_plaza, verified_client):
    """Opened one after another, each page writes one entry naming the persons it shows."""
    raise_concern(ward, outcome=VisitOutcome.URGENT)  # for the inbox
    agreed, unanswered = ward.people.b1_agreed.pk, ward.people.b1_unanswered.pk
    pages = [
        (ward.commissioner, MINE_URL, AuditAction.LIST, AuditTarget.WATCH_ASSIGNMENT, {agreed, unanswered}),
        (ward.commissioner, person_url(ward.people.b1_agreed), AuditAction.VIEW, AuditTarget.WATCH_VISIT, {agreed}),
        (ward.care_plaza_worker, INBOX_URL, AuditAction.LIST, AuditTarget.WATCH_ESCALATION, {agreed}),
        (ward.ward_officer, OVERDUE_URL, AuditAction.LIST, AuditTarget.WATCH_ASSIGNMENT, {unanswered}),  # 青木 was seen
        (
            ward.ward_officer,
            reverse("watch:assign", args=[unanswered]),
            AuditAction.VIEW,
            AuditTarget.WATCH_VISIT,
            {unanswered},
        ),
    ]
    for user, url, action, target, persons in pages:
        client = verified_client(user) if user != ward.commissioner else signed_in(user)
        before = last_seq()

        response = client.get(url)

        assert response.status_code == 200, url
        entries = entries_after(before)
        assert [(e.action, e.target_type, e.actor_username) for e in entries] == [(action, target, user.username)], url
        assert set(entries[0].target_ids) == persons, url
        assert entries[0].path == url


def test_recording_a_visit_is_logged_as_a_creation(ward, commissioner):
    before = last_seq()

    commissioner.post(person_url(ward.people.b1_agreed), visit_form())

    [entry] = entries_after(before)
    assert (entry.action, entry.target_type, entry.target_ids, entry.actor_username) == (
        AuditAction.CREATE,
        AuditTarget.WATCH_VISIT,
        [ward.people.b1_agreed.pk],
        "commissioner",
    )
    assert entry.detail["visit"] == WatchVisit.objects.get().pk


def test_opening_an_escalation_is_logged(ward, watched, named, to_care_plaza, verified_client):
    escalation = raise_concern(ward)
    client = verified_client(ward.care_plaza_worker)
    before = last_seq()

    response = client.get(escalation_url(escalation))

    assert response.status_code == 200
    assert "青木\u3000花子さんについてのつなぎ" in main_html(response)
    entries = entries_after(before)
    assert [(e.action, e.target_type, e.target_ids) for e in entries] == [
        (AuditAction.VIEW, AuditTarget.WATCH_ESCALATION, [ward.people.b1_agreed.pk])
    ]


def test_the_person_page_shown_again_with_an_error_is_logged(ward, commissioner):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    before = last_seq()

    response = commissioner.post(person_url(ward.people.b1_agreed), visit_form(observed_at=local_input(tomorrow)))

    assert "青木\u3000花子さんの見守り" in main_html(response)
    assert [(e.action, e.target_ids) for e in entries_after(before)] == [(AuditAction.VIEW, [ward.people.b1_agreed.pk])]


def test_the_assignment_page_shown_again_with_an_error_is_logged(ward, watched, named, verified_client):
    person = ward.people.b1_unanswered
    client = verified_client(ward.ward_officer)
    before = last_seq()

    response = client.post(reverse("watch:assign", args=[person.pk]), {"organisation": "", "frequency": "monthly"})

    assert response.status_code == 200
    assert "渡辺\u3000茂さんを見守る団体" in main_html(response)
    assert [(e.action, e.target_ids) for e in entries_after(before)] == [(AuditAction.VIEW, [person.pk])]
