"""Sign-ups to an event: no account, a name and a contact or only a head count; a cancel link for the person.

Capacity is checked and written under a lock of the event's row (SELECT … FOR UPDATE on PostgreSQL; SQLite
takes the database's write lock), so concurrent sign-ups can never put more people on the list than the
capacity. A full event puts new sign-ups on its waiting list (when it keeps one); a cancellation moves the
waiting parties up in the order they came, as far as the freed places reach."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Event, Signup, SignupStatus, public_q, token_digest


class SignupClosed(Exception):  # noqa: N818 - the product's word for it
    """The event takes no sign-ups (now): the message says why, in Japanese."""


NOT_OPEN = _("この行事は tsunagu での申込を受け付けていません。問い合わせ先にご連絡ください。")
STARTED = _("この行事はすでに始まったため、申込を締め切りました。")
CANCELLED_EVENT = _("この行事は中止になりました。")
FULL = _("定員に達したため、申込を締め切りました。")


@dataclass(frozen=True)
class SignupResult:
    signup: Signup
    token: str  # shown once to the person: only its digest is stored


def confirmed_count(event: Event) -> int:
    total = event.signups.filter(status=SignupStatus.CONFIRMED).aggregate(n=Sum("head_count"))["n"]
    return total or 0


def places_left(event: Event) -> int | None:
    """Free places, or None when the event has no capacity."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event), 0)


def _check_open(event: Event) -> None:
    if event.is_cancelled:
        raise SignupClosed(str(CANCELLED_EVENT))
    if not event.signups_open:
        raise SignupClosed(str(NOT_OPEN))
    if event.starts_at <= timezone.now():
        raise SignupClosed(str(STARTED))


@transaction.atomic
def signup_create(
    *, event_id: int, name: str = "", contact: str = "", head_count: int = 1, note: str = ""
) -> SignupResult:
    # The lock serialises every sign-up and cancellation of this event: the count read below is the one written.
    event = Event.objects.select_for_update().filter(public_q()).filter(pk=event_id).first()
    if event is None:
        raise Event.DoesNotExist
    _check_open(event)
    left = places_left(event)
    if left is None or head_count <= left:
        status = SignupStatus.CONFIRMED
    elif event.waiting_list:
        status = SignupStatus.WAITING
    else:
        raise SignupClosed(str(FULL))
    token = secrets.token_urlsafe(24)
    signup = Signup.objects.create(
        event=event,
        name=name.strip(),
        contact=contact.strip(),
        head_count=head_count,
        note=note.strip(),
        status=status,
        token_hash=token_digest(token),
    )
    return SignupResult(signup, token)


def signup_for_token(token: str) -> Signup | None:
    if not token or len(token) > 100:
        return None
    return Signup.objects.select_related("event").filter(token_hash=token_digest(token)).first()


@transaction.atomic
def signup_cancel(*, token: str) -> Signup | None:
    """Cancel the sign-up the token names (None when it names none); promotes the waiting list."""
    found = signup_for_token(token)
    if found is None:
        return None
    event = Event.objects.select_for_update().get(pk=found.event_id)
    signup = Signup.objects.get(pk=found.pk)
    if signup.status == SignupStatus.CANCELLED:
        return signup
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    promote_waiting(event)
    return signup


def promote_waiting(event: Event) -> list[Signup]:
    """Move waiting parties up in the order they signed up while they fit (the first that does not fit waits on:
    a later, smaller party does not jump the queue). The caller holds the event's lock."""
    promoted: list[Signup] = []
    if event.capacity is None:
        left = None
    else:
        left = places_left(event)
    for waiting in event.signups.filter(status=SignupStatus.WAITING).order_by("created_at", "pk"):
        if left is not None and waiting.head_count > left:
            break
        waiting.status = SignupStatus.CONFIRMED
        waiting.save(update_fields=["status"])
        promoted.append(waiting)
        if left is not None:
            left -= waiting.head_count
    return promoted
