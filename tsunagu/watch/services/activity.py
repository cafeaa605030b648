"""The commissioner's monthly activity record (民生委員・児童委員の活動記録): saved as a draft, submitted to the
民児協, and reopened by its commissioner to correct it.

Only a 民生委員・児童委員 (a COMMISSIONER membership of a 民児協) keeps a record, and only their own: every
function takes the signed-in user as the commissioner, so there is no way to name someone else's record.

Submitted records can be reopened, by their commissioner, at any time: as on paper, where a commissioner who
finds a mistake after handing in the sheet asks for it back and hands in a corrected one. A reopened record drops
out of the 民児協's totals until it is submitted again (the totals count submitted records only), and both the
reopening and the new submission are in the audit log. A submitted record is not changed in place: the
commissioner reopens it first, so a figure the 民児協 has already counted never changes without a visible step."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Refused
from tsunagu.areas.models import District, TownDistrict
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.wareki import today_jst
from tsunagu.organisations.models import Membership, MembershipRole, OrganisationKind

from ..activity import CODES, LABELS, MAX_COUNT, days_in_month, empty_counts
from ..models import ActivityRecord
from .errors import WatchError

NOT_COMMISSIONER_MESSAGE = _(
    "活動記録は、民生委員・児童委員が自分の記録をつけるためのものです。民児協に委員として所属している方だけが使えます。"
)
UNKNOWN_CODE_MESSAGE = _("「%(code)s」は活動記録の項目にありません。")
BAD_COUNT_MESSAGE = _("%(label)sは0以上9999以下の整数で入力してください。")
TOO_MANY_DAYS_MESSAGE = _("活動日数は、その月の日数（%(days)s日）以内で入力してください。")
BAD_MONTH_MESSAGE = _("対象月が正しくありません。始まっていない月の記録はつけられません。")
SUBMITTED_MESSAGE = _("この月の記録は提出済みです。直すときは、先に「提出を取り消して直す」を押してください。")
NOT_SUBMITTED_MESSAGE = _("この月の記録はまだ提出されていません。")
NOTE_TOO_LONG_MESSAGE = _("特記事項は2000文字以内で入力してください。")

# The layer the 民児協's totals are grouped by.
SCHOOL_DISTRICT_TYPE = "school"  # 小学校区
NOTE_MAX_LENGTH = 2000


class ActivityError(WatchError):
    """An activity record refused for its content; `field_errors` name the category (or "note") at fault."""

    def __init__(self, messages: list[str], field_errors: dict[str, str] | None = None) -> None:
        super().__init__(messages)
        self.field_errors = field_errors or {}


def commissioner_membership(user) -> Membership | None:  # noqa: ANN001
    """The user's membership as a 民生委員・児童委員 of a 民児協, in force today (None if they are not one)."""
    for membership in policy.viewer_for(user).memberships:
        if membership.role == MembershipRole.COMMISSIONER and membership.organisation.kind == OrganisationKind.MINSEI:
            return membership
    return None


def require_commissioner(user) -> Membership:  # noqa: ANN001
    """The commissioner's membership, or the one refusal (403, logged) for anyone else."""
    membership = commissioner_membership(user)
    if membership is None:
        raise Refused(NOT_COMMISSIONER_MESSAGE, target=AuditTarget.ACTIVITY_RECORD)
    return membership


def commissioner_district(membership: Membership) -> District | None:
    """The 小学校区 the commissioner's record is counted under: their 担当区域 if it is a 小学校区; else the 小学校区
    holding most of the towns of their 担当区域 (a 民生委員担当区域 lies within one school district); else None."""
    district_ids = [d.pk for d in membership.districts.all()]
    if not district_ids:
        return None
    school = (
        District.objects.filter(pk__in=district_ids, district_type__code=SCHOOL_DISTRICT_TYPE).order_by("code").first()
    )
    if school is not None:
        return school
    row = (
        TownDistrict.objects.filter(
            district_type__code=SCHOOL_DISTRICT_TYPE, town__town_districts__district_id__in=district_ids
        )
        .values("district_id", "district__code")
        .annotate(towns=Count("town_id", distinct=True))
        .order_by("-towns", "district__code")
        .first()
    )
    return District.objects.get(pk=row["district_id"]) if row else None


def clean_counts(counts: Mapping[str, object], month: datetime.date) -> dict[str, int]:
    """Every category's number, from what was typed: a missing or blank category is 0. Raises ActivityError with
    one message per category at fault."""
    errors: dict[str, str] = {}
    for code in counts:
        if code not in LABELS:
            errors[code] = str(UNKNOWN_CODE_MESSAGE % {"code": str(code)[:40]})
    cleaned = empty_counts()
    for code in CODES:
        value = counts.get(code)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        number = _as_count(value)
        if number is None:
            errors[code] = str(BAD_COUNT_MESSAGE % {"label": LABELS[code]})
            continue
        cleaned[code] = number
    if "days" not in errors and cleaned["days"] > days_in_month(month):
        errors["days"] = str(TOO_MANY_DAYS_MESSAGE % {"days": days_in_month(month)})
    if errors:
        raise ActivityError(list(errors.values()), errors)
    return cleaned


def _as_count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 0 <= number <= MAX_COUNT else None


def _check_month(month: datetime.date) -> None:
    if month.day != 1 or month > today_jst().replace(day=1):
        raise ActivityError([str(BAD_MONTH_MESSAGE)])


def activity_record_save(
    user,  # noqa: ANN001
    month: datetime.date,
    counts: Mapping[str, object],
    note: str = "",
    submit: bool = False,
    *,
    request: HttpRequest | None = None,
) -> ActivityRecord:
    """Save the commissioner's own record of `month` (a draft, or submitted to the 民児協 with `submit`). A
    submitted record must be reopened first (activity_record_reopen)."""
    membership = require_commissioner(user)
    _check_month(month)
    cleaned = clean_counts(counts, month)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ActivityError([str(NOTE_TOO_LONG_MESSAGE)], {"note": str(NOTE_TOO_LONG_MESSAGE)})
    district = commissioner_district(membership)
    try:
        return _save(user, month, cleaned, note, submit, district, request)
    except IntegrityError:
        # The first save of the month arrived twice at once: the other request created the row; save over it.
        return _save(user, month, cleaned, note, submit, district, request)


def _save(
    user,  # noqa: ANN001
    month: datetime.date,
    counts: dict[str, int],
    note: str,
    submit: bool,
    district: District | None,
    request: HttpRequest | None,
) -> ActivityRecord:
    with transaction.atomic():
        record = ActivityRecord.objects.select_for_update().filter(commissioner=user, month=month).first()
        created = record is None
        if record is None:
            record = ActivityRecord(commissioner=user, month=month)
        elif record.submitted_at is not None:
            raise ActivityError([str(SUBMITTED_MESSAGE)])
        before = dict(record.counts or {})
        record.counts = counts
        record.note = note
        record.district = district
        record.submitted_at = timezone.now() if submit else None
        record.save()
        audit_record(
            actor=user,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target_type=AuditTarget.ACTIVITY_RECORD,
            target_ids=[record.pk],
            detail={
                "month": f"{month:%Y-%m}",
                "submitted": submit,
                "district": getattr(district, "pk", None),
                "changed": sorted(code for code in counts if before.get(code, 0) != counts[code]) if before else [],
            },
            request=request,
        )
    return record


def activity_record_reopen(
    user,  # noqa: ANN001
    month: datetime.date,
    *,
    request: HttpRequest | None = None,
) -> ActivityRecord:
    """Take back the commissioner's own submitted record of `month` to correct it (module docstring)."""
    require_commissioner(user)
    with transaction.atomic():
        record = ActivityRecord.objects.select_for_update().filter(commissioner=user, month=month).first()
        if record is None or record.submitted_at is None:
            raise ActivityError([str(NOT_SUBMITTED_MESSAGE)])
        submitted_at = record.submitted_at
        record.submitted_at = None
        record.save(update_fields=["submitted_at", "updated_at"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.ACTIVITY_RECORD,
            target_ids=[record.pk],
            detail={"month": f"{month:%Y-%m}", "reopened": True, "submitted_at": submitted_at.isoformat()},
            request=request,
        )
    return record
