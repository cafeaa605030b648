import pytest
from django.urls import reverse

from tsunagu.audit.models import AuditEntry
from tsunagu.events.models import Signup, SignupStatus
from tsunagu.events.services import SignupClosed, signup_cancel, signup_create
from tsunagu.events.services import signups as signups_module
from tsunagu.testing.events import make_event


@pytest.mark.django_db
def test_sign_up_without_an_account_then_cancel_with_the_link(client, events):
    answer = client.post(
        reverse("events:signup_form", args=[events.salon.pk]),
        {"name": "泉尾 花子", "contact": "06-1111-2222", "head_count": "1"},
    )
    assert answer.status_code == 302
    status_url = answer["Location"]
    page = client.get(status_url).content.decode()
    assert "申込済み" in page
    client.post(status_url)
    assert Signup.objects.get().status == SignupStatus.CANCELLED
    # Only a digest is stored: the link's token is not in the database.
    token = status_url.rstrip("/").rsplit("/", 1)[1]
    assert token not in Signup.objects.get().token_hash


@pytest.mark.django_db
def test_anonymous_head_count_and_missing_name(client, events):
    answer = client.post(reverse("events:signup_form", args=[events.salon.pk]), {"head_count": "1"})
    assert answer.status_code == 400 and "お名前を入れてください" in answer.content.decode()
    answer = client.post(
        reverse("events:signup_form", args=[events.salon.pk]), {"anonymous": "on", "head_count": "2", "name": "x"}
    )
    signup = Signup.objects.get()
    assert answer.status_code == 302 and signup.is_anonymous and signup.head_count == 2 and signup.name == ""


@pytest.mark.django_db
def test_full_event_waiting_list_moves_up_on_cancel(events):
    first = signup_create(event_id=events.salon.pk, name="一人目", head_count=2)
    second = signup_create(event_id=events.salon.pk, name="二人目")
    assert first.signup.status == SignupStatus.CONFIRMED
    assert second.signup.status == SignupStatus.WAITING
    signup_cancel(token=first.token)
    second.signup.refresh_from_db()
    assert second.signup.status == SignupStatus.CONFIRMED


@pytest.mark.django_db
def test_full_event_without_waiting_list_refuses(ward):
    event = make_event(ward, capacity=1, waiting_list=False)
    signup_create(event_id=event.pk, name="一人目")
    with pytest.raises(SignupClosed, match="定員"):
        signup_create(event_id=event.pk, name="二人目")


@pytest.mark.django_db
def test_no_signup_for_closed_or_cancelled_events(ward):
    with pytest.raises(SignupClosed):
        signup_create(event_id=make_event(ward, signups_open=False).pk, name="x")
    with pytest.raises(SignupClosed):
        signup_create(event_id=make_event(ward, is_cancelled=True).pk, name="x")


def test_concurrent_sign_ups_never_overbook(together, ward):
    event = make_event(ward, capacity=2, waiting_list=False)
    # Every sign-up reads the free places before any writes, unless the event's lock serialises them.
    together.meet_before(signups_module, "places_left", parties=4)
    results = together.run(*[lambda i=i: signup_create(event_id=event.pk, name=f"申込{i}") for i in range(4)])
    confirmed = Signup.objects.filter(event=event, status=SignupStatus.CONFIRMED).count()
    assert confirmed == 2, results
    assert sum(isinstance(r, SignupClosed) for r in results) == 2, results


@pytest.mark.django_db
def test_signup_list_only_for_the_organiser_and_the_ward_and_logged(client, events, ward, verified_client):
    signup_create(event_id=events.salon.pk, name="泉尾 花子", contact="06-1111-2222")
    url = reverse("events:signups", args=[events.salon.pk])
    for user in (ward.association_member, ward.care_plaza_worker, ward.outsider):
        answer = verified_client(user).get(url)
        assert answer.status_code == 403, user
        assert "泉尾 花子" not in answer.content.decode()
    for user in (ward.shakyo_coordinator, ward.ward_officer):  # the organiser's staff, the ward
        page = verified_client(user).get(url)
        assert page.status_code == 200 and "泉尾 花子" in page.content.decode(), user
    logged = AuditEntry.objects.filter(target_type="event_signup", action="list")
    assert logged.count() == 2
    assert AuditEntry.objects.filter(target_type="event_signup", action="denied").exists()
