"""Writes to the distribution register (名簿の提供記録): which organisation received which build of the roster for
which districts, in which form, under which agreement; paper copies are returned or destroyed by a due date.
Each write is audited. The register's reads are in tsunagu.roster.selectors.distribution."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tsunagu.access import policy
from tsunagu.access.policy import viewer_for
from tsunagu.areas.models import District, home_municipality_id
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.organisations.models import Agreement, DataScope, Organisation

from ..models import Distribution, DistributionForm, RosterBuild
from ..selectors.distribution import distribution_entries

TARGET_TYPE = AuditTarget.ROSTER_DISTRIBUTION

NOT_WARD_MESSAGE = gettext_lazy("名簿の提供記録は、区役所の福祉部門の職員だけが扱えます。")
AGREEMENT_OTHER_ORGANISATION_MESSAGE = gettext_lazy("選んだ協定は、この団体の協定ではありません。")
AGREEMENT_REVOKED_MESSAGE = gettext_lazy("この協定は解除されているため、名簿を提供できません。")
AGREEMENT_NOT_VALID_MESSAGE = gettext_lazy("提供日に協定が有効期間内でないため、名簿を提供できません。")
AGREEMENT_NOT_ROSTER_MESSAGE = gettext_lazy("この協定は避難行動要支援者名簿を対象としていません。")
ORGANISATION_INACTIVE_MESSAGE = gettext_lazy("活動を停止している団体には名簿を提供できません。")
NO_DISTRICTS_MESSAGE = gettext_lazy("提供する地区を一つ以上選んでください。")
OTHER_WARD_MESSAGE = gettext_lazy(
    "ほかの区の名簿や団体の提供は記録できません（名簿の版・団体・地区は同じ区のものです）。"
)
DISTRICT_OUTSIDE_AGREEMENT_MESSAGE = gettext_lazy("協定の対象地区ではない地区が含まれています：{names}")
RETURN_DUE_BEFORE_MESSAGE = gettext_lazy("返却期限は提供日より後の日付にしてください。")
DATE_BEFORE_DISTRIBUTION_MESSAGE = gettext_lazy("提供日より前の日付は記録できません。")
ALREADY_CLOSED_MESSAGE = gettext_lazy("この提供記録には、すでに返却または廃棄が記録されています。")
ALREADY_DESTROYED_MESSAGE = gettext_lazy("この提供記録には、すでに廃棄が記録されています。")
RETURN_ONLY_PAPER_MESSAGE = gettext_lazy("返却を記録できるのは紙で提供した名簿だけです。")
DESTROY_NOT_SCREEN_MESSAGE = gettext_lazy("画面閲覧による提供には、廃棄を記録するものがありません。")


class DistributionRefusedError(Exception):
    """A distribution the rules do not allow; the message is one of the constants above, shown to the user."""


def _require_ward(user) -> None:  # noqa: ANN001
    policy.require_capability(user, policy.Capability.MANAGE_DISTRIBUTIONS)


def _add_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def default_return_due(agreement: Agreement, distributed_on: datetime.date) -> datetime.date:
    """Paper copies come back when the agreement ends or after a year, whichever is first."""
    return min(agreement.valid_to, _add_year(distributed_on))


def _check_agreement(agreement: Agreement, organisation: Organisation, day: datetime.date) -> None:
    if agreement.organisation_id != organisation.pk:
        raise DistributionRefusedError(AGREEMENT_OTHER_ORGANISATION_MESSAGE)
    if not organisation.is_active:
        raise DistributionRefusedError(ORGANISATION_INACTIVE_MESSAGE)
    if agreement.revoked_at is not None:
        raise DistributionRefusedError(AGREEMENT_REVOKED_MESSAGE)
    if not (agreement.valid_from <= day <= agreement.valid_to):
        raise DistributionRefusedError(AGREEMENT_NOT_VALID_MESSAGE)
    if not agreement.covers(DataScope.ROSTER):
        raise DistributionRefusedError(AGREEMENT_NOT_ROSTER_MESSAGE)


def _next_number(build: RosterBuild, year: int) -> str:
    # Another ward's builds share the home ward's numbers: its copies carry the ward's code in front.
    ward = "" if build.municipality_id == home_municipality_id() else f"{build.municipality.code}-"
    prefix = f"{ward}R{build.number}-{year}-"
    taken = Distribution.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(n.removeprefix(prefix)) for n in taken if n.removeprefix(prefix).isdigit()), default=0)
    return f"{prefix}{highest + 1:04d}"


def distribution_create(
    *,
    user,  # noqa: ANN001
    organisation: Organisation,
    agreement: Agreement,
    build: RosterBuild,
    districts: Iterable[District],
    form: str,
    distributed_on: datetime.date | None = None,
    return_due_on: datetime.date | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Distribution:
    """Record that `organisation` received `build` for `districts` under one of its valid agreements."""
    _require_ward(user)
    day = distributed_on or timezone.localdate()
    _check_agreement(agreement, organisation, day)
    districts = list(districts)
    if build.municipality_id not in viewer_for(user).municipality_ids or (
        organisation.municipality_id != build.municipality_id
        or any(d.municipality_id != build.municipality_id for d in districts)
    ):
        raise DistributionRefusedError(OTHER_WARD_MESSAGE)
    if not districts:
        raise DistributionRefusedError(NO_DISTRICTS_MESSAGE)
    allowed = set(agreement.districts.values_list("pk", flat=True))
    outside = [d for d in districts if d.pk not in allowed]
    if outside:
        names = "、".join(d.name for d in outside)
        raise DistributionRefusedError(DISTRICT_OUTSIDE_AGREEMENT_MESSAGE.format(names=names))
    if return_due_on is None and form == DistributionForm.PAPER:
        return_due_on = default_return_due(agreement, day)
    if return_due_on is not None and return_due_on <= day:
        raise DistributionRefusedError(RETURN_DUE_BEFORE_MESSAGE)
    with transaction.atomic():
        # Two clerks may take the same number at once: the unique constraint decides, and the loser retries.
        for attempt in range(5):
            try:
                with transaction.atomic():
                    distribution = Distribution.objects.create(
                        number=_next_number(build, day.year),
                        build=build,
                        organisation=organisation,
                        agreement=agreement,
                        form=form,
                        distributed_on=day,
                        return_due_on=return_due_on,
                        recorded_by=user,
                        note=note,
                    )
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        distribution.districts.set(districts)
        distribution.person_count = distribution_entries(distribution, user=user, day=day).count()
        distribution.save(update_fields=["person_count"])
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type=TARGET_TYPE,
            target_ids=[distribution.pk],
            detail={
                "number": distribution.number,
                "organisation": organisation.pk,
                "agreement": agreement.pk,
                "build": build.number,
                "districts": sorted(d.pk for d in districts),
                "form": form,
                "persons": distribution.person_count,
            },
            request=request,
        )
    return distribution


def _check_closing_day(distribution: Distribution, day: datetime.date) -> None:
    if day < distribution.distributed_on:
        raise DistributionRefusedError(DATE_BEFORE_DISTRIBUTION_MESSAGE)


def distribution_mark_returned(
    *,
    user,  # noqa: ANN001
    distribution: Distribution,
    returned_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Distribution:
    """返却: the paper copy came back to the ward."""
    _require_ward(user)
    day = returned_on or timezone.localdate()
    if distribution.form != DistributionForm.PAPER:
        raise DistributionRefusedError(RETURN_ONLY_PAPER_MESSAGE)
    if distribution.returned_on or distribution.destroyed_on:
        raise DistributionRefusedError(ALREADY_CLOSED_MESSAGE)
    _check_closing_day(distribution, day)
    with transaction.atomic():
        distribution.returned_on = day
        distribution.save(update_fields=["returned_on"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=TARGET_TYPE,
            target_ids=[distribution.pk],
            detail={"number": distribution.number, "returned_on": day.isoformat()},
            request=request,
        )
    return distribution


def distribution_mark_destroyed(
    *,
    user,  # noqa: ANN001
    distribution: Distribution,
    destroyed_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Distribution:
    """廃棄: the copy (paper or PDF file) was destroyed, by the organisation or by the ward after its return."""
    _require_ward(user)
    day = destroyed_on or timezone.localdate()
    if distribution.form == DistributionForm.SCREEN:
        raise DistributionRefusedError(DESTROY_NOT_SCREEN_MESSAGE)
    if distribution.destroyed_on:
        raise DistributionRefusedError(ALREADY_DESTROYED_MESSAGE)
    _check_closing_day(distribution, day)
    if distribution.returned_on and day < distribution.returned_on:
        raise DistributionRefusedError(DATE_BEFORE_DISTRIBUTION_MESSAGE)
    with transaction.atomic():
        distribution.destroyed_on = day
        distribution.save(update_fields=["destroyed_on"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=TARGET_TYPE,
            target_ids=[distribution.pk],
            detail={"number": distribution.number, "destroyed_on": day.isoformat()},
            request=request,
        )
    return distribution
