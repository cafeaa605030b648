"""Registration (the public form, no sign-in) and the staff's check of it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access.policy import Capability, require_capability
from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese import kana_search_key, normalize_phone
from tsunagu.organisations.models import Membership

from ..models import SLOT_CODES, Volunteer, VolunteerStatus
from ..public_forms import SUBMISSIONS_PER_HOUR, TOO_MANY, count_submission, submission_allowed

REGISTER_FORM = "register"

REGISTRATIONS_PER_HOUR = SUBMISSIONS_PER_HOUR
NOT_PENDING = _("この登録はすでに確認済みです。")
USER_TAKEN = _("この利用者は、ほかのボランティアの登録に結びついています。")
USER_IS_MEMBER = _(
    "団体に所属している利用者は結びつけられません。ボランティアとしてのログインは、所属のない利用者を作ってください。"
)


class RegistrationRefused(Exception):  # noqa: N818 - the product's word for it
    pass


def registration_allowed(ip: str) -> bool:
    return submission_allowed(REGISTER_FORM, ip)


def volunteer_register(
    *,
    ip: str,
    name: str,
    name_kana: str = "",
    kind: str,
    relation: str = "",
    affiliation: str = "",
    phone: str = "",
    email: str = "",
    wishes: str = "",
    interests: Iterable[str] = (),
    skills: Iterable[str] = (),
    languages: Iterable[str] = (),
    districts: Iterable[District] = (),
    weekly_slots: Iterable[str] = (),
    one_off_dates: Iterable[datetime.date] = (),
    insurance_expires_on: datetime.date | None = None,
    consents_to_contact: bool,
    municipality_id: int | None = None,
    request: HttpRequest | None = None,
) -> Volunteer:
    """A registration from the public form: pending until the centre checks it."""
    if not registration_allowed(ip):
        raise RegistrationRefused(TOO_MANY)
    count_submission(REGISTER_FORM, ip)
    slots = sorted(set(weekly_slots) & SLOT_CODES)
    with transaction.atomic():
        volunteer = Volunteer(
            name=name.strip(),
            name_kana=name_kana.strip(),
            name_key=kana_search_key(name_kana) if name_kana else "",
            kind=kind,
            relation=relation,
            affiliation=affiliation.strip(),
            phone=normalize_phone(phone),
            email=email.strip(),
            wishes=wishes.strip(),
            interests=sorted(set(interests)),
            skills=sorted(set(skills)),
            languages=sorted(set(languages)),
            weekly_slots=slots,
            one_off_dates=sorted({d.isoformat() for d in one_off_dates}),
            insurance_expires_on=insurance_expires_on,
            consents_to_contact=consents_to_contact,
        )
        if municipality_id is not None:
            volunteer.municipality_id = municipality_id
        volunteer.save()
        volunteer.districts.set(list(districts))
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            target_type=AuditTarget.VOLUNTEER,
            target_ids=[volunteer.pk],
            detail={"self_registration": True},
            request=request,
            username="（公開の登録フォーム）",
        )
    return volunteer


def volunteer_check(
    *,
    actor,  # noqa: ANN001
    volunteer: Volunteer,
    approve: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> Volunteer:
    """The centre checks a registration (met the person, explained the insurance …) and approves or rejects it."""
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    if volunteer.status != VolunteerStatus.PENDING:
        raise RegistrationRefused(NOT_PENDING)
    volunteer.status = VolunteerStatus.APPROVED if approve else VolunteerStatus.REJECTED
    volunteer.checked_by = actor
    volunteer.checked_at = timezone.now()
    volunteer.check_note = note.strip()[:300]
    with transaction.atomic():
        volunteer.save(update_fields=["status", "checked_by", "checked_at", "check_note"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.VOLUNTEER,
            target_ids=[volunteer.pk],
            detail={"status": volunteer.status},
            request=request,
        )
    return volunteer


def volunteer_link_user(*, actor, volunteer: Volunteer, username: str, request: HttpRequest | None = None) -> Volunteer:  # noqa: ANN001
    """Ties the volunteer to a sign-in (made by the ward's account administration), so they can answer proposals
    and record their activities from their phone."""
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    user = get_user_model().objects.get(username=username)
    # A volunteer signs in as themselves, not as a member of an organisation: what a volunteer sees (their matches,
    # the requesters they accepted) stays apart from what their organisation's role opens.
    if Membership.objects.filter(user=user).exists():
        raise RegistrationRefused(USER_IS_MEMBER)
    if Volunteer.objects.filter(user=user).exclude(pk=volunteer.pk).exists():
        raise RegistrationRefused(USER_TAKEN)
    volunteer.user = user
    with transaction.atomic():
        volunteer.save(update_fields=["user"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.VOLUNTEER,
            target_ids=[volunteer.pk],
            detail={"linked_user": user.pk},
            request=request,
        )
    return volunteer
