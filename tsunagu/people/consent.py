"""Consent to sharing the roster in normal times (平常時の名簿提供への同意): the services that record a decision
or a withdrawal, the ward's ordinance mode, the consent-request letters and the bulk entry of their replies.

Consent rows are append-only (tsunagu.people.models.Consent): every decision is a new row and the latest row
per person and scope is the one in force. The access policy reads that latest row on every query, so a
withdrawal takes effect at once in every page, map, export and API call."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.csvio import RowError, normalize_header, read_csv_text, read_table
from tsunagu.core.wareki import INVALID_DATE_MESSAGE, parse_birth_date, today_jst
from tsunagu.organisations.models import ConsentRequirement, DataScope, OrganisationKind
from tsunagu.people.models import Consent, ConsentGivenBy, ConsentRequest, ConsentStatus, Person, ResidentStatus
from tsunagu.roster.models import RosterBuild, RosterEntry

# --- messages (compared exactly in tests) -------------------------------------------------------------------

PERMISSION_MESSAGE = _("同意の記録・確認書の作成は区役所（福祉部門）の職員だけができます。")
UNKNOWN_STATUS_MESSAGE = _("同意の状況が正しくありません。")
UNKNOWN_GIVEN_BY_MESSAGE = _("意思表示をした人が正しくありません（本人・家族・成年後見人のいずれか）。")
UNKNOWN_KIND_MESSAGE = _(
    "提供先の種別「{kind}」は使えません（民生委員・自治会・町内会・自主防災組織・社協・消防・警察）。"
)
KINDS_ONLY_FOR_AGREED_MESSAGE = _("提供先の種別は「同意」のときだけ指定できます。")
WITHDRAW_WITHOUT_AGREEMENT_MESSAGE = _("同意していない方の同意は撤回できません（現在の状況：{status}）。")
FUTURE_DECISION_MESSAGE = _("意思表示の日が未来の日付です。")
OLDER_THAN_CURRENT_MESSAGE = _("この方には、より新しい意思表示（{date}・{status}）が記録されています。")
METHOD_TOO_LONG_MESSAGE = _("確認方法は50文字以内にしてください。")
REPLY_DAYS_MESSAGE = _("回答期限までの日数は1日から120日の間で指定してください。")
NO_UNANSWERED_MESSAGE = _("この地区には、同意が未回答の名簿登載者はいません。")
MODE_SETTING_MESSAGE = "TSUNAGU_ROSTER_CONSENT_MODE must be one of: required, presumed, opt_out"

# Bulk reply entry (回答書の一括入力).
BULK_EMPTY_MESSAGE = _("入力がありません。1行に1件ずつ入力するか、CSVファイルを指定してください。")
BULK_COLUMNS_MESSAGE = _("項目の数が違います（宛名番号,回答,記入者,提供先の種別,回答日 の5項目です）。")
BULK_NUMBER_REQUIRED_MESSAGE = _("宛名番号が空です。")
BULK_UNKNOWN_PERSON_MESSAGE = _("宛名番号「{number}」の方が見つかりません。")
BULK_DUPLICATE_MESSAGE = _("宛名番号「{number}」は{line}行目にもあります。")
BULK_ANSWER_MESSAGE = _("回答「{value}」は使えません（同意・不同意のどちらか）。")
BULK_GIVEN_BY_MESSAGE = _("記入者「{value}」は使えません（本人・家族・成年後見人のどれか。空なら本人）。")
BULK_DATE_REQUIRED_MESSAGE = _("回答日が空です。")
BULK_DATE_MESSAGE = _("回答日「{value}」を読み取れません（例：2026-11-01、令和8年11月1日、R8.11.1）。")
BULK_FAILED_MESSAGE = _("{count}件の誤りがあります。誤りを直してもう一度登録してください（まだ何も登録していません）。")
BULK_METHOD = "郵送（回答書）"

# --- recipient kinds and methods ------------------------------------------------------------------------


class RecipientKind(models.TextChoices):
    """Kinds of recipient a consent may name. The first four are OrganisationKind values (the policy compares
    them with the agreement holder's kind); 消防 and 警察 are not organisation kinds (yet)."""

    MINSEI = OrganisationKind.MINSEI.value, _("民生委員")
    NEIGHBOURHOOD = OrganisationKind.NEIGHBOURHOOD.value, _("自治会・町内会")
    DISASTER = OrganisationKind.DISASTER.value, _("自主防災組織")
    SHAKYO = OrganisationKind.SHAKYO.value, _("社会福祉協議会")
    FIRE = "fire", _("消防")
    POLICE = "police", _("警察")


# What staff may type for a kind in the bulk entry (after NFKC, without spaces).
_KIND_ALIASES = {
    "民生委員": RecipientKind.MINSEI,
    "民生委員児童委員": RecipientKind.MINSEI,
    "民児協": RecipientKind.MINSEI,
    "自治会・町内会": RecipientKind.NEIGHBOURHOOD,
    "自治会": RecipientKind.NEIGHBOURHOOD,
    "町内会": RecipientKind.NEIGHBOURHOOD,
    "町会": RecipientKind.NEIGHBOURHOOD,
    "自主防災組織": RecipientKind.DISASTER,
    "自主防災": RecipientKind.DISASTER,
    "社会福祉協議会": RecipientKind.SHAKYO,
    "社協": RecipientKind.SHAKYO,
    "消防": RecipientKind.FIRE,
    "消防署": RecipientKind.FIRE,
    "警察": RecipientKind.POLICE,
    "警察署": RecipientKind.POLICE,
    **{kind.value: kind for kind in RecipientKind},
}

METHOD_CHOICES = [
    (BULK_METHOD, _("郵送（回答書）")),
    ("窓口", _("窓口")),
    ("訪問", _("訪問")),
    ("電話", _("電話")),
    ("その他", _("その他")),
]


class ConsentMode(models.TextChoices):
    """The ward's ordinance mode (条例の定め), read from settings.TSUNAGU_ROSTER_CONSENT_MODE."""

    REQUIRED = "required", _("本人の同意がある方にのみ提供する（同意方式）")
    PRESUMED = "presumed", _("確認書に期限までに回答がない方は同意とみなす（推定同意）")
    OPT_OUT = "opt_out", _("不同意の申出がない限り提供する（条例による提供・オプトアウト）")


_MODE_REQUIREMENT = {
    ConsentMode.REQUIRED: ConsentRequirement.REQUIRED,
    ConsentMode.PRESUMED: ConsentRequirement.PRESUMED,
    ConsentMode.OPT_OUT: ConsentRequirement.OPT_OUT,
}


def consent_mode() -> ConsentMode:
    value = getattr(settings, "TSUNAGU_ROSTER_CONSENT_MODE", ConsentMode.REQUIRED)
    try:
        return ConsentMode(value)
    except ValueError:
        raise ImproperlyConfigured(MODE_SETTING_MESSAGE) from None


def default_consent_requirement() -> ConsentRequirement:
    """The consent requirement a new agreement starts with: the ward's ordinance mode."""
    return _MODE_REQUIREMENT[consent_mode()]


def recipient_kinds_text(kinds: Iterable[str]) -> str:
    """Kinds as the model stores them: "|minsei|fire|" in the choices' order; "" for every recipient."""
    chosen = set(kinds)
    ordered = [k.value for k in RecipientKind if k.value in chosen]
    return f"|{'|'.join(ordered)}|" if ordered else ""


def recipient_kinds_labels(stored: str) -> list[str]:
    labels = dict(RecipientKind.choices)
    return [str(labels.get(k, k)) for k in stored.split("|") if k]


# --- reads ------------------------------------------------------------------------------------------------


def consent_current(*, person: Person, scope: str = DataScope.ROSTER) -> Consent | None:
    """The decision in force: the latest recorded row (the policy reads it the same way)."""
    return person.consents.filter(scope=scope).order_by("-recorded_at", "-id").first()


def _current_status_subquery(scope: str) -> Subquery:
    latest = Consent.objects.filter(person=OuterRef("pk"), scope=scope).order_by("-recorded_at", "-id")
    return Subquery(latest.values("status")[:1])


def unanswered_listed_persons(
    *,
    user,  # noqa: ANN001
    district: District | None = None,
    scope: str = DataScope.ROSTER,
) -> QuerySet[Person]:
    """Residents on the latest roster build whose consent is 未回答 (no row, or an UNANSWERED row), within
    what the user may see; optionally of one district. Ordered as letters are posted: by 町丁目 and address."""
    build_id = RosterBuild.current_id()
    if build_id is None:
        return Person.objects.none()
    qs = (
        policy.visible_persons(user, scope=scope)
        .filter(status=ResidentStatus.RESIDENT)
        .filter(Exists(RosterEntry.objects.filter(build_id=build_id, person=OuterRef("pk"))))
        .annotate(_current=_current_status_subquery(scope))
        .filter(Q(_current__isnull=True) | Q(_current=ConsentStatus.UNANSWERED))
    )
    if district is not None:
        qs = qs.filter(town__town_districts__district=district)
    return qs.select_related("town").order_by("town__code", "address", "address_extra", "kana_key", "pk")


@dataclass(frozen=True)
class DistrictCount:
    district: District
    unanswered: int


def unanswered_counts_by_district(*, user, scope: str = DataScope.ROSTER) -> list[DistrictCount]:  # noqa: ANN001
    """How many 未回答 listed persons each district has (one query, whatever the number of districts)."""
    persons = unanswered_listed_persons(user=user, scope=scope)
    counts = dict(
        persons.order_by()
        .values("town__town_districts__district")
        .annotate(n=Count("pk", distinct=True))
        .values_list("town__town_districts__district", "n")
    )
    districts = District.objects.select_related("district_type").order_by("district_type__sort_order", "code")
    return [DistrictCount(d, counts.get(d.pk, 0)) for d in districts]


@dataclass
class ConsentPage:
    person: Person
    history: list[Consent]
    current: Consent | None
    requests: list[ConsentRequest]
    can_record: bool


def consent_page(*, user, person_id: object, request: HttpRequest | None = None) -> ConsentPage:  # noqa: ANN001
    """One person's consent history, for users who see the person in full (ward, 社協, 包括). Anyone else, or
    an unknown id: Http404 and a DENIED audit entry."""
    try:
        pk = int(str(person_id))
    except ValueError:
        pk = None
    person = None
    if pk is not None:
        full_grants = [g for g in policy.grants_for(user) if g.level == policy.DetailLevel.FULL]
        if full_grants:
            person = policy.visible_persons(user, grants=full_grants).select_related("town").filter(pk=pk).first()
    if person is None:
        audit_denied(actor=user, request=request, target_type="person", target_id=person_id)
        raise Http404("person not found or out of scope")
    history = list(
        person.consents.filter(scope=DataScope.ROSTER).select_related("recorded_by").order_by("-recorded_at", "-id")
    )
    requests = list(person.consent_requests.filter(scope=DataScope.ROSTER).order_by("-sent_on", "-id"))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="person",
        target_ids=[person.pk],
        detail={"consent": "history"},
        request=request,
    )
    return ConsentPage(
        person=person,
        history=history,
        current=history[0] if history else None,
        requests=requests,
        can_record=policy.can_change_people(user),
    )


# --- writes -----------------------------------------------------------------------------------------------


def _require_ward(user) -> None:  # noqa: ANN001
    if not policy.can_change_people(user):
        raise PermissionDenied(str(PERMISSION_MESSAGE))


def consent_problems(
    *,
    person: Person,
    status: str,
    decided_on: datetime.date,
    given_by: str,
    method: str,
    recipient_kinds: Iterable[str],
    current: Consent | None,
    today: datetime.date | None = None,
) -> list[str]:
    """Every reason this decision cannot be recorded (empty: it can). Shared by the single and bulk entry."""
    problems: list[str] = []
    kinds = list(recipient_kinds)
    if status not in ConsentStatus.values:
        problems.append(str(UNKNOWN_STATUS_MESSAGE))
    if given_by not in ConsentGivenBy.values:
        problems.append(str(UNKNOWN_GIVEN_BY_MESSAGE))
    for kind in kinds:
        if kind not in RecipientKind.values:
            problems.append(str(UNKNOWN_KIND_MESSAGE).format(kind=kind))
    if kinds and status != ConsentStatus.AGREED:
        problems.append(str(KINDS_ONLY_FOR_AGREED_MESSAGE))
    if len(method) > 50:
        problems.append(str(METHOD_TOO_LONG_MESSAGE))
    if decided_on > (today or today_jst()):
        problems.append(str(FUTURE_DECISION_MESSAGE))
    if status == ConsentStatus.WITHDRAWN and (current is None or current.status != ConsentStatus.AGREED):
        shown = current.get_status_display() if current is not None else ConsentStatus.UNANSWERED.label
        problems.append(str(WITHDRAW_WITHOUT_AGREEMENT_MESSAGE).format(status=shown))
    # An old reply slip typed in late must not override a newer decision (e.g. a withdrawal by phone).
    if current is not None and decided_on < current.decided_on:
        problems.append(
            str(OLDER_THAN_CURRENT_MESSAGE).format(date=current.decided_on, status=current.get_status_display())
        )
    return problems


def consent_record(
    *,
    person: Person,
    status: str,
    decided_on: datetime.date,
    given_by: str,
    method: str,
    recipient_kinds: Iterable[str],
    recorded_by,  # noqa: ANN001
    request: HttpRequest | None = None,
    scope: str = DataScope.ROSTER,
) -> Consent:
    """Append one consent decision and its audit entry. Ward welfare staff only (PermissionDenied otherwise);
    ValidationError with every problem when the decision cannot be recorded. `request` is the HTTP request
    the audit entry names (None from the command line)."""
    _require_ward(recorded_by)
    kinds = list(recipient_kinds)
    with transaction.atomic():
        # Lock the person so two clerks entering replies for the same person append in a known order.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if not policy.visible_persons(recorded_by).filter(pk=person.pk).exists():
            raise PermissionDenied(str(PERMISSION_MESSAGE))
        current = consent_current(person=person, scope=scope)
        problems = consent_problems(
            person=person,
            status=status,
            decided_on=decided_on,
            given_by=given_by,
            method=method,
            recipient_kinds=kinds,
            current=current,
        )
        if problems:
            raise ValidationError(problems)
        consent = Consent.objects.create(
            person=person,
            scope=scope,
            status=status,
            recipient_kinds=recipient_kinds_text(kinds),
            given_by=given_by,
            method=method,
            decided_on=decided_on,
            recorded_by=recorded_by,
        )
        audit_record(
            actor=recorded_by,
            action=AuditAction.UPDATE,
            target_type="person",
            target_ids=[person.pk],
            detail={"consent": status},
            request=request,
        )
    return consent


def consent_withdraw(
    *,
    person: Person,
    decided_on: datetime.date,
    given_by: str,
    method: str,
    recorded_by,  # noqa: ANN001
    request: HttpRequest | None = None,
    scope: str = DataScope.ROSTER,
) -> Consent:
    """撤回: a new WITHDRAWN row after an agreement. From this moment no agreement holder that needs consent
    sees the person (the policy reads the latest row on every query)."""
    return consent_record(
        person=person,
        status=ConsentStatus.WITHDRAWN,
        decided_on=decided_on,
        given_by=given_by,
        method=method,
        recipient_kinds=(),
        recorded_by=recorded_by,
        request=request,
        scope=scope,
    )


# --- letters ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterBatch:
    persons: list[Person]
    sent_on: datetime.date
    reply_due_on: datetime.date
    pdf: bytes


def consent_letters_create(
    *,
    user,  # noqa: ANN001
    district: District,
    sent_on: datetime.date,
    reply_days: int,
    sender: str,
    contact: str,
    purpose: str,
    request: HttpRequest | None = None,
) -> LetterBatch:
    """One PDF of consent-request letters with reply slips for every 未回答 listed person of the district;
    records a ConsentRequest per person (what 推定同意 counts from) and one EXPORT audit entry."""
    from tsunagu.people.consent_letters import render_consent_letters  # reportlab only when letters are made

    _require_ward(user)
    if not 1 <= reply_days <= 120:
        raise ValidationError(str(REPLY_DAYS_MESSAGE))
    persons = list(unanswered_listed_persons(user=user, district=district))
    if not persons:
        raise ValidationError(str(NO_UNANSWERED_MESSAGE))
    reply_due_on = sent_on + datetime.timedelta(days=reply_days)
    pdf = render_consent_letters(
        persons=persons, sent_on=sent_on, reply_due_on=reply_due_on, sender=sender, contact=contact, mode=consent_mode()
    )
    with transaction.atomic():
        ConsentRequest.objects.bulk_create(
            ConsentRequest(
                person=p,
                scope=DataScope.ROSTER,
                sent_on=sent_on,
                reply_due_on=reply_due_on,
                batch_label=f"{district.name} {sent_on.isoformat()}"[:100],
                created_by=user,
            )
            for p in persons
        )
        audit_record(
            actor=user,
            action=AuditAction.EXPORT,
            target_type="person",
            target_ids=[p.pk for p in persons],
            query=f"district_id={district.pk} consent=unanswered",
            purpose=purpose,
            detail={"document": "consent_letters", "reply_due_on": reply_due_on.isoformat(), "count": len(persons)},
            request=request,
        )
    return LetterBatch(persons=persons, sent_on=sent_on, reply_due_on=reply_due_on, pdf=pdf)


# --- bulk replies -----------------------------------------------------------------------------------------

_ANSWERS = {
    "同意": ConsentStatus.AGREED,
    "同意する": ConsentStatus.AGREED,
    "不同意": ConsentStatus.REFUSED,
    "同意しない": ConsentStatus.REFUSED,
    ConsentStatus.AGREED.value: ConsentStatus.AGREED,
    ConsentStatus.REFUSED.value: ConsentStatus.REFUSED,
}
_GIVEN_BY = {
    "": ConsentGivenBy.SELF,
    "本人": ConsentGivenBy.SELF,
    "家族": ConsentGivenBy.FAMILY,
    "成年後見人": ConsentGivenBy.GUARDIAN,
    **{value: value for value in ConsentGivenBy.values},
    "後見人": ConsentGivenBy.GUARDIAN,
}
_KIND_SEPARATORS = str.maketrans({c: "、" for c in ",;；/／|｜ 　"})
BULK_COLUMNS = ("宛名番号", "回答", "記入者", "提供先の種別", "回答日")
_BULK_HEADER = {normalize_header(name): name for name in BULK_COLUMNS}
_BULK_HEADER[normalize_header("提供先")] = "提供先の種別"
_BULK_HEADER[normalize_header("整理番号")] = "宛名番号"


@dataclass(frozen=True)
class ReplyRow:
    line: int
    person: Person
    status: str
    given_by: str
    kinds: tuple[str, ...]
    decided_on: datetime.date


@dataclass
class ReplyBatch:
    rows: list[ReplyRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _parse_kinds(text: str) -> tuple[list[str], list[str]]:
    kinds: list[str] = []
    unknown: list[str] = []
    # 「自治会・町内会」 holds a 中黒, so 「・」 separates kinds only where it does not join those two words.
    cleaned = _clean(text).replace("自治会・町内会", "自治会").replace("・", "、").translate(_KIND_SEPARATORS)
    for part in (p.strip() for p in cleaned.split("、")):
        if not part:
            continue
        kind = _KIND_ALIASES.get(part)
        if kind is None:
            unknown.append(part)
        elif kind.value not in kinds:
            kinds.append(kind.value)
    return kinds, unknown


def _parse_reply_date(text: str, today: datetime.date) -> datetime.date:
    try:
        # The birth-date reader knows 和暦 and 西暦; the future check is ours (with a reply-date message).
        return parse_birth_date(text, today=datetime.date.max)
    except ValueError as error:
        if str(error) == INVALID_DATE_MESSAGE:
            raise ValueError(str(BULK_DATE_MESSAGE).format(value=text)) from None
        raise


def parse_reply_lines(text: str) -> list[tuple[int, list[str]]]:
    """Typed lines: one reply per line, comma-separated, no header; numbered from 1, blank lines skipped."""
    rows = []
    for line_number, values in enumerate(csv.reader(io.StringIO(text.replace("\r\n", "\n"))), start=1):
        if any(v.strip() for v in values):
            rows.append((line_number, values))
    return rows


def parse_reply_csv(data: bytes) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    """An uploaded CSV (UTF-8 or CP932) with the header 宛名番号,回答,記入者,提供先の種別,回答日."""
    decoded = read_csv_text(data)
    table = read_table(decoded.text, known=_BULK_HEADER, required=("宛名番号", "回答", "回答日"))
    order = [table.columns.get(name) for name in BULK_COLUMNS]
    rows = [(row.line, [row.values[i] if i is not None else "" for i in order]) for row in table.rows]
    return rows, list(table.errors)


def consent_replies_check(
    *,
    user,  # noqa: ANN001
    rows: list[tuple[int, list[str]]],
    errors: Iterable[RowError] = (),
) -> ReplyBatch:
    """Validate every row before anything is written; each problem is reported with its line number."""
    _require_ward(user)
    batch = ReplyBatch(errors=list(errors))
    today = today_jst()
    numbers = {_clean(values[0]) for _, values in rows if values}
    persons = {
        p.resident_number: p
        for p in policy.visible_persons(user).filter(resident_number__in=numbers).select_related("town")
    }
    currents: dict[int, Consent] = {}
    for consent in Consent.objects.filter(person__in=persons.values(), scope=DataScope.ROSTER).order_by(
        "person_id", "recorded_at", "id"
    ):
        currents[consent.person_id] = consent  # the last one per person wins: the current decision
    seen: dict[str, int] = {}
    for line, values in rows:
        if len(values) == 4:
            values = [*values[:3], "", values[3]]  # 提供先 left out: 宛名番号,回答,記入者,回答日
        if len(values) != 5:
            batch.errors.append(RowError(line, "", str(BULK_COLUMNS_MESSAGE)))
            continue
        number, answer, given_by_text, kinds_text, date_text = (_clean(v) for v in values)
        row_problems: list[str] = []
        person = None
        if not number:
            row_problems.append(str(BULK_NUMBER_REQUIRED_MESSAGE))
        elif number in seen:
            row_problems.append(str(BULK_DUPLICATE_MESSAGE).format(number=number, line=seen[number]))
        else:
            seen[number] = line
            person = persons.get(number)
            if person is None:
                row_problems.append(str(BULK_UNKNOWN_PERSON_MESSAGE).format(number=number))
        status = _ANSWERS.get(answer)
        if status is None:
            row_problems.append(str(BULK_ANSWER_MESSAGE).format(value=answer))
        given_by = _GIVEN_BY.get(given_by_text)
        if given_by is None:
            row_problems.append(str(BULK_GIVEN_BY_MESSAGE).format(value=given_by_text))
        kinds, unknown = _parse_kinds(kinds_text)
        row_problems.extend(str(UNKNOWN_KIND_MESSAGE).format(kind=k) for k in unknown)
        decided_on = None
        if not date_text:
            row_problems.append(str(BULK_DATE_REQUIRED_MESSAGE))
        else:
            try:
                decided_on = _parse_reply_date(date_text, today)
            except ValueError as error:
                row_problems.append(str(error))
        if person is not None and status is not None and given_by is not None and decided_on is not None:
            row_problems.extend(
                consent_problems(
                    person=person,
                    status=status,
                    decided_on=decided_on,
                    given_by=given_by,
                    method=BULK_METHOD,
                    recipient_kinds=kinds,
                    current=currents.get(person.pk),
                    today=today,
                )
            )
        if row_problems:
            batch.errors.extend(RowError(line, "", message) for message in row_problems)
        else:
            batch.rows.append(ReplyRow(line, person, status, given_by, tuple(kinds), decided_on))
    batch.errors.sort(key=lambda e: e.line)
    return batch


class RepliesFailed(Exception):  # noqa: N818 - read as "the replies failed"
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(str(BULK_FAILED_MESSAGE).format(count=len(errors)))


def consent_replies_record(
    *,
    user,  # noqa: ANN001
    rows: list[tuple[int, list[str]]],
    errors: Iterable[RowError] = (),
    request: HttpRequest | None = None,
) -> list[Consent]:
    """Enter a batch of reply slips: all rows or none. RepliesFailed lists every bad row."""
    batch = consent_replies_check(user=user, rows=rows, errors=errors)
    if batch.errors:
        raise RepliesFailed(batch.errors)
    if not batch.rows:
        raise RepliesFailed([RowError(0, "", str(BULK_EMPTY_MESSAGE))])
    with transaction.atomic():
        return [
            consent_record(
                person=row.person,
                status=row.status,
                decided_on=row.decided_on,
                given_by=row.given_by,
                method=BULK_METHOD,
                recipient_kinds=row.kinds,
                recorded_by=user,
                request=request,
            )
            for row in batch.rows
        ]
