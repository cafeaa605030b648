"""Which residents a viewer may see: the base queryset of every read of personal data, and the one way to get
a single person or be refused."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import BooleanField, ExpressionWrapper, F, FilteredRelation, Q, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.audit.services import audit_denied
from tsunagu.core.ids import as_pk
from tsunagu.organisations.models import ConsentRequirement, DataScope
from tsunagu.people.models import ConsentStatus, Person, ResidentStatus, consent_state_alias, consent_state_join

from .grants import DetailLevel, Grant
from .scopes import scope_rule
from .viewer import viewer_for

NOT_FOUND = "person not found or out of scope"

# The annotations the consent conditions read, from the consent state (people.ConsentState) joined once per
# query: the decision in force (Person.objects.with_current_consent names the first two) and whether a consent
# letter's reply date has passed unanswered.
_STATUS = "current_consent_status"
_KINDS = "current_consent_kinds"
_ASKED_AND_OVERDUE = "_asked_and_overdue"


def _person_path(person_ref: str) -> str:
    """The relation to the person from a queryset's rows: "" for persons themselves ("pk"), "person" for rows
    whose "person_id" (or "person") refers to one."""
    return "" if person_ref == "pk" else person_ref.removesuffix("_id")


def _asked_and_overdue(*, day: datetime.date, alias: str) -> ExpressionWrapper:
    """Asked by letter and the earliest reply date passed before `day` (None when never asked)."""
    return ExpressionWrapper(Q(**{f"{alias}__first_letter_due_on__lt": day}), output_field=BooleanField())


def consent_annotations(
    *, day: datetime.date, consent_scope: str = DataScope.ROSTER, person_ref: str = "pk"
) -> dict[str, FilteredRelation | F | ExpressionWrapper]:
    """The annotations presumed_consent_q reads, for a queryset of persons or of rows that refer to one
    (`person_ref`, e.g. "person_id" on a roster entry): the decision in force, the recipient kinds it names,
    and whether the person was asked by letter and the reply date passed before `day`. One LEFT JOIN of the
    consent state (no subquery per person); pass them to annotate() in this order."""
    path = _person_path(person_ref)
    alias = consent_state_alias(consent_scope, path)
    return {
        **consent_state_join(consent_scope, path),
        _STATUS: F(f"{alias}__status"),
        _KINDS: F(f"{alias}__recipient_kinds"),
        _ASKED_AND_OVERDUE: _asked_and_overdue(day=day, alias=alias),
    }


def presumed_consent_q() -> Q:
    """推定同意, over consent_annotations: no answer in force (never answered, or 未回答 recorded) and asked
    by letter (a ConsentRequest) with no answer by the reply date. The one definition: the policy's presumed
    grants and the roster's consent column both read it."""
    unanswered = Q(**{f"{_STATUS}__isnull": True}) | Q(**{_STATUS: ConsentStatus.UNANSWERED})
    return unanswered & Q(**{_ASKED_AND_OVERDUE: True})


def _consent_q(grant: Grant) -> Q:
    """The consent a community grant requires, over the annotations of Person.objects.with_current_consent."""
    status = _STATUS
    kind_ok = Q(**{_KINDS: ""}) | Q(**{f"{_KINDS}__contains": f"|{grant.recipient_kind}|"})
    if grant.consent == ConsentRequirement.REQUIRED:
        return Q(**{status: ConsentStatus.AGREED}) & kind_ok
    if grant.consent == ConsentRequirement.OPT_OUT:
        # Opt-out: everyone except those who refused or withdrew, and those whose consent names other recipients
        # only (agreeing to the 民生委員 alone is an objection to the others).
        no_answer = Q(**{f"{status}__isnull": True}) | Q(**{status: ConsentStatus.UNANSWERED})
        return no_answer | (Q(**{status: ConsentStatus.AGREED}) & kind_ok)
    if grant.consent == ConsentRequirement.PRESUMED:
        # 推定同意: consent given, or asked by letter and no answer by the reply date.
        return (Q(**{status: ConsentStatus.AGREED}) & kind_ok) | presumed_consent_q()
    return Q()


def _grant_q(grant: Grant) -> Q:
    q = Q()
    if grant.town_ids is not None:
        q &= Q(town_id__in=grant.town_ids)
    if not grant.include_former:
        q &= Q(status=ResidentStatus.RESIDENT)
    q &= _consent_q(grant)
    if grant.narrowing is not None:
        q &= scope_rule(grant.scope).narrowing_q(grant.narrowing)
    return q


def sees_everyone(grants: Sequence[Grant]) -> bool:
    """Whether these grants open every person of the instance, former residents included (a ward's welfare
    section when its ward is the whole instance): then no condition on the person is needed at all."""
    return any(
        g.town_ids is None and g.include_former and g.narrowing is None and g.consent == ConsentRequirement.NOT_REQUIRED
        for g in grants
    )


def persons_under(grants: Sequence[Grant], *, day: datetime.date) -> QuerySet[Person]:
    """The residents these grants (all of one scope) open on `day`."""
    if not grants:
        return Person.objects.none()
    scopes = {g.scope for g in grants}
    if len(scopes) != 1:
        raise ValueError(f"grants of several scopes cannot be combined: {sorted(scopes)}")
    rule = scope_rule(scopes.pop())
    qs = Person.objects.all()
    if any(g.consent != ConsentRequirement.NOT_REQUIRED for g in grants):
        qs = qs.with_current_consent(rule.consent_scope)
    if any(g.consent == ConsentRequirement.PRESUMED for g in grants):
        overdue = _asked_and_overdue(day=day, alias=consent_state_alias(rule.consent_scope))
        qs = qs.annotate(**{_ASKED_AND_OVERDUE: overdue})
    if sees_everyone(grants):
        return qs
    combined = Q(pk__in=[])
    for grant in grants:
        combined |= _grant_q(grant)
    return qs.filter(combined)


def visible_persons(
    user,  # noqa: ANN001 - a User, an AnonymousUser or a Viewer
    *,
    day: datetime.date | None = None,
    scope: str = DataScope.ROSTER,
    grants: Sequence[Grant] | None = None,
) -> QuerySet[Person]:
    """The residents this user may see: the base of every read of personal data."""
    viewer = viewer_for(user, day=day)
    return persons_under(viewer.grants(scope) if grants is None else grants, day=viewer.day)


def rows_of_visible_persons(
    rows: QuerySet,
    user,  # noqa: ANN001 - a User, an AnonymousUser or a Viewer
    *,
    person_ref: str = "person_id",
    scope: str = DataScope.ROSTER,
    town_ref: str | None = None,
) -> QuerySet:
    """`rows` (roster entries, plans, letters …: anything whose `person_ref` names a person) limited to those
    whose person this user may see. When the user sees everyone the rows are returned as they are, so a count
    or a page over a ward's 100,000 entries does not also read the ward's 1,000,000 residents.

    `town_ref`: a field of the rows that always holds the person's current town (RosterEntry.person_town, kept by
    a trigger). The grants' towns are then also tested on the rows: the same persons, but the database can start
    from the rows of those towns by index — for a 民生委員, the 2,000 entries of their district instead of its
    25,000 residents."""
    viewer = viewer_for(user)
    grants = viewer.grants(scope)
    if sees_everyone(grants):
        return rows
    if town_ref is not None and grants and all(g.town_ids is not None for g in grants):
        rows = rows.filter(**{f"{town_ref}__in": sorted(frozenset().union(*(g.town_ids for g in grants)))})
    return rows.filter(**{f"{person_ref}__in": persons_under(grants, day=viewer.day).values("pk")})


def full_level_ids(user, person_ids: Iterable[int], *, scope: str = DataScope.ROSTER) -> set[int]:  # noqa: ANN001
    """Which of these persons the user sees in full (under a professional grant). At most one query."""
    viewer = viewer_for(user)
    ids = list(person_ids)
    full = viewer.full_grants(scope)
    if not full or not ids:
        return set()
    return set(persons_under(full, day=viewer.day).filter(pk__in=ids).values_list("pk", flat=True))


def grants_explaining(user, person: Person, *, day: datetime.date | None = None) -> list[Grant]:  # noqa: ANN001
    """The grants under which the user sees this person (shown on the person page: why you may see this)."""
    viewer = viewer_for(user, day=day)
    return [g for g in viewer.grants() if persons_under([g], day=viewer.day).filter(pk=person.pk).exists()]


def detail_level(user, person: Person, *, day: datetime.date | None = None) -> DetailLevel | None:  # noqa: ANN001
    """The most a user may see of one person, or None when the person is out of their scope."""
    grants = grants_explaining(user, person, day=day)
    if any(g.level == DetailLevel.FULL for g in grants):
        return DetailLevel.FULL
    return DetailLevel.COMMUNITY if grants else None


def person_or_deny(
    user,  # noqa: ANN001
    person_id: object,
    *,
    request: HttpRequest | None = None,
    level: DetailLevel | None = None,
    scope: str = DataScope.ROSTER,
    related: Sequence[str] = ("town",),
) -> Person:
    """The person if the user may see them (in full, when `level` is FULL). Otherwise Http404 — the same answer
    as for an id that does not exist, so a guessed URL reveals nothing — and the attempt is logged."""
    viewer = viewer_for(user)
    pk = as_pk(person_id)
    person = None
    if pk is not None:
        grants = viewer.full_grants(scope) if level == DetailLevel.FULL else viewer.grants(scope)
        person = persons_under(grants, day=viewer.day).select_related(*related).filter(pk=pk).first()
    if person is None:
        audit_denied(actor=viewer.user, request=request, target_type="person", target_id=person_id)
        raise Http404(NOT_FOUND)
    return person
