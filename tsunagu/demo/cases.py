"""Consultation and support (相談支援) in the synthetic ward: a few dozen cases across the ward's agencies, with
referrals in every state, consents, support plans at several stages, two support conferences with minutes and
tasks (one overdue), a few outreach items, and one case opened from a watch-over escalation of the demo 民生委員
(who then sees 「支援を開始しました」「支援を終了しました」 and, on the escalation, 「対応しました」).

Called by tsunagu.demo.ward.generate_ward for the home ward once watch-over exists. Unlike the bulk seed of
watch-over, the cases go through the cases services: a few hundred calls, and every state machine, consent and
approval rule holds as in use (each call writes its audit entry, as the demo staff). The services stamp "now";
each case is then moved back in time as a whole (every date and time of its rows by the same amount) so the
cases spread over the months before the demo's day, deadlines fall due and one conference task is overdue.
Deterministic for the seed and the demo's day: its own random stream, every query ordered.

The agencies the ward builder does not make (自立相談支援機関, 障害者相談支援事業所, 子ども家庭支援,
成年後見センター) are made here, with a staff login each and a supervisor (代表者) for the 自立相談支援機関 and
the northern care plaza, printed by `demo_logins` (case_login_lines)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tsunagu.accounts.models import User
from tsunagu.areas.models import Municipality
from tsunagu.cases import services
from tsunagu.cases.models import (
    Case,
    CaseClosure,
    ClosureKind,
    ConferenceKind,
    ConsentDecision,
    ConsentToShare,
    DecisionKind,
    Domain,
    GoalTerm,
    HouseholdMember,
    MonitoringEntry,
    OutreachEvent,
    OutreachItem,
    RaiserNotice,
    Referral,
    ReferralEvent,
    Route,
    Stage,
    StageChange,
    SupportPlan,
    TaskStatus,
    TeamMember,
    Urgency,
)
from tsunagu.cases.support_models import (
    Conference,
    ConferenceAgendaItem,
    ConferenceDecision,
    ConferenceParticipant,
    ConferenceTask,
)
from tsunagu.core.wareki import JST
from tsunagu.organisations.models import Membership, MembershipRole, Organisation, OrganisationKind
from tsunagu.people.models import Person, ResidentStatus
from tsunagu.watch.models import Escalation

__all__ = ["CASE_LOGINS", "CASE_USERNAMES", "CasesDemoSummary", "case_login_lines", "clear_cases", "generate_cases"]

CASES = 36
DEMO_HOUR = datetime.time(16, 30)  # the demo's present moment on its day (as tsunagu.demo.watch)


@dataclass(frozen=True)
class CaseLogin:
    username: str
    display_name: str
    organisation: str  # key of the agency below
    role: str
    does: str | Promise


# The agencies of 重層的支援体制 the ward builder does not make: (key, name, kind).
AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("jiritsu", "大正区生活自立相談窓口", OrganisationKind.SELF_RELIANCE),
    ("shogai", "大正区障がい者基幹相談支援センター", OrganisationKind.DISABILITY_SUPPORT),
    ("kodomo", "大正区こども家庭支援センター", OrganisationKind.CHILD_FAMILY),
    ("kouken", "大正区成年後見支援センター", OrganisationKind.GUARDIANSHIP),
)
CASE_LOGINS: tuple[CaseLogin, ...] = (
    CaseLogin(
        "jiritsu", "大正区生活自立相談窓口 相談員（デモ）", "jiritsu", MembershipRole.STAFF,
        _("自立相談支援機関の相談員：紹介の受理、支援計画、支援会議の主催"),
    ),
    CaseLogin(
        "jiritsu_lead", "大正区生活自立相談窓口 主任相談支援員（デモ）", "jiritsu", MembershipRole.MANAGER,
        _("自立相談支援機関の代表者：支援計画と終結の承認"),
    ),
    CaseLogin(
        "careplaza_lead", "北部地域包括支援センター 管理者（デモ）", "careplaza", MembershipRole.MANAGER,
        _("地域包括支援センターの代表者：支援計画と終結の承認"),
    ),
    CaseLogin(
        "shogai", "大正区障がい者基幹相談支援センター 相談員（デモ）", "shogai", MembershipRole.STAFF,
        _("障害者相談支援事業所の相談員（チームに入ったケースの方だけ見えます）"),
    ),
    CaseLogin(
        "kodomo", "大正区こども家庭支援センター 相談員（デモ）", "kodomo", MembershipRole.STAFF,
        _("子ども家庭支援の相談員（チームに入ったケースの方だけ見えます）"),
    ),
    CaseLogin(
        "kouken", "大正区成年後見支援センター 相談員（デモ）", "kouken", MembershipRole.STAFF,
        _("成年後見センターの相談員（チームに入ったケースの方だけ見えます）"),
    ),
)  # fmt: skip
CASE_USERNAMES = tuple(login.username for login in CASE_LOGINS)

_FAMILIES = ("田中", "中村", "小林", "山本", "吉田", "松本", "井上", "木村", "林", "清水", "森", "池田")
_GIVENS = ("和子", "浩", "美咲", "健一", "由美", "翔太", "恵子", "大輔", "明美", "誠")
# (domains, chief complaint, urgency)
_COMPLAINTS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    ((Domain.ELDERLY, Domain.HEALTH), "物忘れが増え、一人での生活が心配", Urgency.NORMAL),
    ((Domain.POVERTY, Domain.EMPLOYMENT), "仕事を失い、家賃が払えない", Urgency.HIGH),
    ((Domain.EIGHTY_FIFTY, Domain.HIKIKOMORI), "50代の息子が長くひきこもっており、親が高齢になった", Urgency.NORMAL),
    ((Domain.YOUNG_CARER, Domain.CHILDREN), "中学生が祖母の介護で学校を休みがち", Urgency.HIGH),
    ((Domain.DISABILITY,), "障がいのある子の卒業後の生活の場を考えたい", Urgency.NORMAL),
    ((Domain.HOUSING, Domain.POVERTY), "立ち退きを求められ、次の住まいが見つからない", Urgency.HIGH),
    ((Domain.GUARDIANSHIP, Domain.ELDERLY), "お金の管理ができなくなってきた", Urgency.NORMAL),
    ((Domain.FOREIGN_ROOTS, Domain.CHILDREN), "日本語が不自由で、子どもの手続きがわからない", Urgency.NORMAL),
    ((Domain.ABUSE,), "同居の家族からの暴言がつらい", Urgency.URGENT),
    ((Domain.HEALTH, Domain.POVERTY), "病気で働けず、医療費の支払いが苦しい", Urgency.NORMAL),
)
_ROUTES = (Route.VISIT_WINDOW, Route.PHONE, Route.HOME_VISIT, Route.COMMISSIONER, Route.AGENCY)
# The paths a referral of the demo takes, by the actions after it is sent (every state of the machine).
_REFERRAL_PATHS: tuple[tuple[str, ...], ...] = (
    (),  # 依頼中
    ("accept",),
    ("accept", "start_support"),
    ("accept", "start_support"),
    ("decline",),
    ("cancel",),
    ("accept", "no_support"),
    ("accept", "re_refer"),
)
# How far each case's plan goes (Stage after the moves), with the stages passed on the way.
_PLAN_PATHS: tuple[tuple[str, ...], ...] = (
    (),
    (Stage.ASSESSMENT,),
    (Stage.ASSESSMENT, Stage.PLANNING),
    (Stage.ASSESSMENT, Stage.PLANNING, Stage.CONFERENCE),
    (Stage.ASSESSMENT, Stage.PLANNING, Stage.CONFERENCE, Stage.SUPPORT),
    (Stage.ASSESSMENT, Stage.PLANNING, Stage.CONFERENCE, Stage.SUPPORT, Stage.MONITORING),
    (Stage.ASSESSMENT, Stage.PLANNING, Stage.CONFERENCE, Stage.SUPPORT, Stage.MONITORING, Stage.EVALUATION),
    (Stage.ASSESSMENT, Stage.PLANNING, Stage.CONFERENCE, Stage.SUPPORT, Stage.MONITORING, Stage.EVALUATION,
     Stage.REPLAN),
    (Stage.ASSESSMENT, Stage.PLANNING, Stage.CONFERENCE, Stage.SUPPORT, Stage.CLOSED),
)  # fmt: skip


@dataclass(frozen=True)
class CasesDemoSummary:
    cases: int
    referrals: int
    conferences: int
    plans: int
    outreach: int


def clear_cases() -> None:
    """Delete the cases records, dependants first: they refer to persons, organisations and users (PROTECT)."""
    for model in (
        ConferenceTask, ConferenceDecision, ConferenceAgendaItem, ConferenceParticipant, Conference,
        OutreachEvent, OutreachItem, MonitoringEntry, CaseClosure, StageChange, SupportPlan, RaiserNotice,
        ReferralEvent,
    ):  # fmt: skip
        model.objects.all().delete()
    TeamMember.objects.all().delete()
    Referral.objects.filter(re_referred_from__isnull=False).delete()
    Referral.objects.all().delete()
    ConsentToShare.objects.all().delete()
    HouseholdMember.objects.all().delete()
    Case.objects.all().delete()


def _shift_rows(queryset: models.QuerySet, delta: datetime.timedelta) -> None:
    """Move every date and time of these rows back by `delta` (days for dates)."""
    fields = {}
    for field in queryset.model._meta.concrete_fields:
        if isinstance(field, models.DateTimeField):
            fields[field.attname] = F(field.attname) - delta
        elif isinstance(field, models.DateField):
            fields[field.attname] = F(field.attname) - datetime.timedelta(days=delta.days)
    if fields:
        queryset.update(**fields)


def _shift_case(case_id: int, delta: datetime.timedelta) -> None:
    _shift_rows(Case.objects.filter(pk=case_id), delta)
    for model in (TeamMember, ConsentToShare, Referral, RaiserNotice, SupportPlan, StageChange, CaseClosure):
        _shift_rows(model.objects.filter(case_id=case_id), delta)
    _shift_rows(ReferralEvent.objects.filter(referral__case_id=case_id), delta)
    _shift_rows(MonitoringEntry.objects.filter(plan__case_id=case_id), delta)


def _shift_conference(conference_id: int, delta: datetime.timedelta) -> None:
    _shift_rows(Conference.objects.filter(pk=conference_id), delta)
    for model in (ConferenceParticipant, ConferenceAgendaItem, ConferenceDecision, ConferenceTask):
        _shift_rows(model.objects.filter(conference_id=conference_id), delta)


def generate_cases(
    *,
    municipality: Municipality,
    seed: int,
    today: datetime.date,
    progress: Callable[[str], None] = lambda message: None,
) -> CasesDemoSummary:
    """Cases of the home ward (module docstring)."""
    summary = _CasesBuilder(municipality=municipality, seed=seed, today=today).build()
    progress(
        gettext(
            "相談支援：ケース {cases}件・紹介 {referrals}件・支援計画 {plans}件・支援会議 {conferences}件・"
            "アウトリーチ {outreach}件"
        ).format(
            cases=summary.cases,
            referrals=summary.referrals,
            plans=summary.plans,
            conferences=summary.conferences,
            outreach=summary.outreach,
        )
    )
    return summary


class _CasesBuilder:
    def __init__(self, *, municipality: Municipality, seed: int, today: datetime.date) -> None:
        self.municipality = municipality
        self.rng = random.Random(f"cases-{seed}")  # noqa: S311 - reproducible demo data, not secrets
        self.today = today
        now = timezone.now()
        # The demo's present moment, as tsunagu.demo.watch has it: now when the demo is of today, else the
        # afternoon of its day.
        self.anchor = (
            now.astimezone(JST)
            if timezone.localdate(now) == today
            else datetime.datetime.combine(today, DEMO_HOUR, tzinfo=JST)
        )
        # The services stamp now: a row made now and moved back by (now - anchor) + age is `age` before the demo.
        self.offset = now - self.anchor
        self.real_today = timezone.localdate()
        self.step = datetime.timedelta(days=3)

    def _step(self, case: Case) -> None:
        """Days pass between the steps of a case: what is recorded so far moves back by `step`."""
        _shift_case(case.pk, self.step)

    # -- agencies and logins -------------------------------------------------------------------------------

    def _agencies(self) -> None:
        ward = self.municipality
        self.ward_office = Organisation.objects.get(municipality=ward, kind=OrganisationKind.WARD_WELFARE)
        self.shakyo = Organisation.objects.get(municipality=ward, kind=OrganisationKind.SHAKYO)
        self.plaza = Organisation.objects.filter(municipality=ward, kind=OrganisationKind.CARE_PLAZA).order_by("pk")[0]
        orgs = {"careplaza": self.plaza}
        for key, name, kind in AGENCIES:
            orgs[key] = Organisation.objects.create(
                name=name, kind=kind, municipality=ward, address=f"大阪市大正区三軒家東{4 + len(orgs)}-1-1"
            )
        self.orgs = orgs
        started_on = datetime.date(self.today.year - 1, 4, 1)
        # The demo password, hashed once already for the ward's logins.
        password = User.objects.get(username="ward").password
        self.users: dict[str, User] = {}
        for login in CASE_LOGINS:
            user = User.objects.create(username=login.username, display_name=login.display_name, password=password)
            Membership.objects.create(
                user=user, organisation=orgs[login.organisation], role=login.role, started_on=started_on
            )
            self.users[login.username] = user
        for username in ("ward", "shakyo", "careplaza", "minsei"):
            self.users[username] = User.objects.get(username=username)
        # The agency each login works for, and who opens / receives cases there.
        self.staff_of = {
            self.ward_office.pk: self.users["ward"],
            self.shakyo.pk: self.users["shakyo"],
            self.plaza.pk: self.users["careplaza"],
            orgs["jiritsu"].pk: self.users["jiritsu"],
            orgs["shogai"].pk: self.users["shogai"],
            orgs["kodomo"].pk: self.users["kodomo"],
            orgs["kouken"].pk: self.users["kouken"],
        }
        self.lead_of = {self.plaza.pk: self.users["careplaza_lead"], orgs["jiritsu"].pk: self.users["jiritsu_lead"]}

    # -- the cases ----------------------------------------------------------------------------------------

    def _client(self, organisation: Organisation) -> dict:
        """A registry person the opener sees (ward, 社協: the ward; the care plaza: its 小学校区), else someone
        not in the registry (the consultation agencies see no resident list), sometimes anonymous."""
        rng = self.rng
        residents = Person.objects.filter(town__municipality=self.municipality, status=ResidentStatus.RESIDENT)
        if organisation.kind == OrganisationKind.CARE_PLAZA:
            residents = residents.filter(town__districts__in=organisation.service_districts.all())
        if organisation.kind in (OrganisationKind.WARD_WELFARE, OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA):
            count = residents.count()
            if count:
                person = residents.order_by("pk")[rng.randrange(count)]
                return {"client_id": person.pk}
        if rng.random() < 0.25:
            return {"anonymous": True, "client_label": f"匿名の相談者{rng.randint(1, 99)}"}
        return {"client_name": f"{rng.choice(_FAMILIES)} {rng.choice(_GIVENS)}"}

    def _intake(self, number: int) -> dict:
        domains, complaint, urgency = _COMPLAINTS[number % len(_COMPLAINTS)]
        return {
            "route": self.rng.choice(_ROUTES),
            "urgency": urgency,
            "domains": list(domains),
            "chief_complaint": complaint,
            "consultation": "（合成データ）" + complaint + "。詳しく話を聞き、今後の支援を一緒に考えることにした。",
        }

    def _open(self, organisation: Organisation, number: int) -> Case:
        user = self.staff_of[organisation.pk]
        data = {**self._intake(number), **self._client(organisation), "organisation": organisation.pk}
        return services.case_open(user, data=data)

    def _consent(self, case: Case) -> None:
        user = self.staff_of[case.opening_organisation_id]
        services.consent_record(
            user, case, decision=ConsentDecision.GIVEN, decided_on=self.real_today, all_agencies=True,
            given_by="本人", method="署名",
        )  # fmt: skip

    def _refer(self, case: Case, to: Organisation, path: tuple[str, ...]) -> Referral:
        sender = self.staff_of[case.opening_organisation_id]
        receiver = self.staff_of[to.pk]
        referral = services.referral_create(
            sender, case, to_organisation=to, reason="専門の支援が必要なため、つなぎます。（合成データ）",
            from_organisation_id=case.opening_organisation_id,
        )  # fmt: skip
        self._step(case)
        others = [o for o in self.orgs.values() if o.pk not in (to.pk, case.opening_organisation_id)]
        for action in path:
            by = sender if action == "cancel" else receiver
            extra: dict = {}
            if action == "re_refer":
                extra = {"to_organisation": others[self.rng.randrange(len(others))], "respond_by": None}
                extra["respond_by"] = self.real_today + datetime.timedelta(days=7)
            referral = services.referral_transition(
                by, referral, action, reason="（合成データ）状況を確認しました。", confidentiality_acknowledged=True,
                **extra,
            )  # fmt: skip
            self._step(case)
        return referral

    def _plan(self, case: Case, path: tuple[str, ...]) -> None:
        owner = case.opening_organisation_id
        user, lead = self.staff_of[owner], self.lead_of[owner]
        for target in path:
            if target == Stage.CLOSED:
                services.case_close(user, case, kind=ClosureKind.GOAL_REACHED, note="")
                if services.approval_required():
                    services.case_closure_decide(lead, case, approve=True)
                self._step(case)
                continue
            if target == Stage.SUPPORT:
                services.plan_update(
                    user, case, data={
                        "client_wishes": "住み慣れた家で暮らし続けたい",
                        "issues": "生活の見通しが立たず、相談できる人がいない",
                        "period_start": self.real_today,
                        "period_end": self.real_today + datetime.timedelta(days=180),
                        "review_on": self.real_today + datetime.timedelta(days=30),
                        "client_agreed_on": self.real_today,
                    },
                )  # fmt: skip
                services.plan_approve(lead, case)
            if target == Stage.EVALUATION:
                services.monitoring_record(
                    user, case, held_on=self.real_today, findings="（合成データ）支援は予定どおり。",
                    next_review_on=self.real_today + datetime.timedelta(days=30),
                )  # fmt: skip
            services.stage_move(user, case, target)
            self._step(case)
            if target == Stage.PLANNING:
                services.goal_add(user, case, term=GoalTerm.LONG, text="安心して地域で暮らせる")
                services.goal_add(user, case, term=GoalTerm.SHORT, text="毎月の収支の見通しを立てる")
                services.action_add(user, case, what="月1回の訪問と相談", organisation=self.orgs["careplaza"]
                                    if owner == self.plaza.pk else self.orgs["jiritsu"], frequency="月1回")  # fmt: skip
                services.action_add(user, case, what="家計の見直し", person="本人・担当職員")

    def build(self) -> CasesDemoSummary:
        self._agencies()
        rng = self.rng
        openers = (
            [self.plaza] * 9 + [self.orgs["jiritsu"]] * 9 + [self.shakyo] * 6 + [self.ward_office] * 6
            + [self.orgs["shogai"]] * 3 + [self.orgs["kodomo"]] * 2 + [self.orgs["kouken"]]
        )  # fmt: skip
        receivers = [self.orgs["jiritsu"], self.plaza, self.shakyo, self.orgs["shogai"], self.orgs["kodomo"]]
        ages: dict[int, datetime.timedelta] = {}
        plan_paths = iter(_PLAN_PATHS * 3)
        conference_cases: list[Case] = []
        for number, organisation in enumerate(openers):
            case = self._open(organisation, number)
            if number % 7 != 6:  # a few have not been asked yet
                self._consent(case)
                targets = [o for o in receivers if o.pk != organisation.pk]
                path = _REFERRAL_PATHS[number % len(_REFERRAL_PATHS)]
                self._refer(case, targets[number % len(targets)], path)
            if organisation.pk in self.lead_of:
                self._plan(case, next(plan_paths, ()))
            # Older cases first; a week or two for the newest, some with a referral answered late or not at all.
            ages[case.pk] = datetime.timedelta(days=150 - number * 4, hours=rng.randint(0, 6))
            if organisation.pk == self.orgs["jiritsu"].pk and len(conference_cases) < 3:
                conference_cases.append(case)
        case = self._from_escalation()
        if case is not None:
            ages[case.pk] = self.step
        conferences = self._conferences(conference_cases)
        for case_id, age in sorted(ages.items()):
            _shift_case(case_id, self.offset + age)
        for conference_id, age in conferences:
            _shift_conference(conference_id, self.offset + age)
        if case is not None:
            self._escalation_times(case)
        outreach = self._outreach()
        return CasesDemoSummary(
            cases=len(ages), referrals=Referral.objects.count(), conferences=len(conferences),
            plans=SupportPlan.objects.count(), outreach=outreach,
        )  # fmt: skip

    def _from_escalation(self) -> Case | None:
        """The demo 民生委員's concern that became a case at the care plaza (or the ward): referred to the
        自立相談支援機関, support started and, after the plan, ended — the commissioner is told each."""
        # An acknowledged concern still being followed (the open ones stay open: watch-over's demo shows them),
        # the demo 民生委員's when there is one, at a care plaza first.
        escalations = Escalation.objects.filter(
            acknowledged_at__isnull=False,
            closed_at__isnull=True,
            person__town__municipality=self.municipality,
            visit__recorded_by__memberships__role=MembershipRole.COMMISSIONER,
        ).order_by("raised_at", "pk")
        mine = escalations.filter(visit__recorded_by=self.users["minsei"])
        escalation = (
            mine.filter(organisation=self.plaza).first()
            or escalations.filter(organisation=self.plaza).first()
            or mine.first()
            or escalations.first()
        )
        if escalation is None:
            return None
        # Its steps fit between the concern and the demo's day (a dozen of them, the last a day ago).
        self.step = max((self.anchor - escalation.raised_at) / 14, datetime.timedelta(minutes=1))
        opener = self.users["careplaza"] if escalation.organisation_id == self.plaza.pk else self.users["ward"]
        case = services.open_case_from_escalation(
            escalation, opener, data={**self._intake(0), "organisation": opener.memberships.get().organisation_id}
        )
        self._consent(case)
        self._refer(case, self.orgs["jiritsu"], ("accept", "start_support"))
        if case.opening_organisation_id in self.lead_of:
            self._plan(case, _PLAN_PATHS[-1])
        return case

    def _escalation_times(self, case: Case) -> None:
        """The escalation was acknowledged when the case was opened and closed (対応しました) when it was, in the
        demo's time like the case."""
        # In steps from the concern (the case's own steps), not from the generation's clock: the same seed gives
        # the same demo.
        escalation = Escalation.objects.get(pk=case.source_escalation_id)
        escalation.acknowledged_at = escalation.raised_at + self.step
        if escalation.closed_at is not None:
            escalation.closed_at = escalation.raised_at + 13 * self.step
        escalation.save(update_fields=["acknowledged_at", "closed_at"])

    def _conferences(self, cases: list[Case]) -> list[tuple[int, datetime.timedelta]]:
        """A 支援会議 at the 自立相談支援機関 (minutes, a decision, two tasks: one overdue) and a 地域ケア会議 at the
        care plaza (a task due later)."""
        if not cases:
            return []
        made = []
        organiser = self.users["jiritsu"]
        started = timezone.now() - datetime.timedelta(hours=2)
        conference = services.conference_create(
            organiser, organiser=self.orgs["jiritsu"].pk, kind=ConferenceKind.SUPPORT_MEETING,
            title="第3回 大正区支援会議", starts_at=started, ends_at=started + datetime.timedelta(hours=1),
            place="大正区役所 3階 会議室",
        )  # fmt: skip
        for organisation in (self.plaza, self.shakyo):
            services.participant_add(
                organiser, conference, organisation=organisation, role="関係機関", acknowledged=True
            )
        for case in cases[:2]:
            item = services.agenda_add(organiser, conference, case.pk, topic="今後の支援の分担")
            services.minutes_record(
                organiser, conference, item.pk,
                minutes="（合成データ）本人の状況を共有。包括が見守りを、社協が家計の相談を受け持つ。",
            )  # fmt: skip
            services.decision_record(organiser, conference, item.pk, kind=DecisionKind.NOTE,
                                     text="月1回、支援の状況を共有する")  # fmt: skip
        first = conference.agenda.order_by("order", "pk").first()
        services.task_create(
            organiser, conference, description="家計の状況を本人と確認する", owner_organisation=self.shakyo,
            due_on=self.real_today + datetime.timedelta(days=7), item_id=first.pk,
        )  # fmt: skip
        services.task_create(
            organiser, conference, description="次回の訪問日を決める", owner_organisation=self.orgs["jiritsu"],
            due_on=self.real_today + datetime.timedelta(days=7), item_id=first.pk,
        )  # fmt: skip
        done = conference.tasks.order_by("pk").last()
        services.task_update(organiser, done, status=TaskStatus.DONE, note="訪問日を決めた")
        made.append((conference.pk, datetime.timedelta(days=21)))  # the 社協's task is two weeks overdue

        plaza_user = self.users["careplaza"]
        plaza_cases = Case.objects.filter(opening_organisation=self.plaza).order_by("pk")
        meeting = services.conference_create(
            plaza_user, organiser=self.plaza.pk, kind=ConferenceKind.COMMUNITY_CARE,
            title="北部地区 地域ケア会議（個別ケース検討）", starts_at=started, place="北部地域包括支援センター",
        )  # fmt: skip
        services.participant_add(plaza_user, meeting, organisation=self.shakyo, role="関係機関", acknowledged=True)
        first_case = plaza_cases.first()
        if first_case is not None:
            item = services.agenda_add(plaza_user, meeting, first_case.pk, topic="地域での見守りの体制")
            services.minutes_record(plaza_user, meeting, item.pk, minutes="（合成データ）民生委員と社協で見守る。")
            services.task_create(
                plaza_user, meeting, description="民生委員に見守りを依頼する", owner_organisation=self.shakyo,
                due_on=self.real_today + datetime.timedelta(days=30), item_id=item.pk,
            )  # fmt: skip
        made.append((meeting.pk, datetime.timedelta(days=5)))
        return made

    def _outreach(self) -> int:
        """A few people staff flagged by hand, and what the sources flag as of the demo's moment (declined
        referrals, concerns left open)."""
        rng = self.rng
        residents = list(
            Person.objects.filter(
                town__municipality=self.municipality, status=ResidentStatus.RESIDENT, town__districts__in=(
                    self.plaza.service_districts.all()
                ), lives_alone=True,
            ).order_by("pk").values_list("pk", flat=True)[:200]
        )  # fmt: skip
        reasons = (
            ("町会長から「最近姿を見ない」と連絡があった", "自宅を訪問して様子を確かめる"),
            ("介護保険の更新の手続きがされていない", "電話で連絡をとる"),
            ("近所の方から、夜中に大きな声がすると相談", "民生委員と一緒に訪問する"),
        )
        made = 0
        for reason, action in reasons:
            if not residents:
                break
            person_id = residents.pop(rng.randrange(len(residents)))
            item = services.outreach_create(
                self.users["careplaza"], person_id=person_id, reason=reason, next_action=action,
                owner_organisation=self.plaza, due_on=self.real_today + datetime.timedelta(days=3),
            )  # fmt: skip
            # Flagged 10, 5 and 0 days before the demo's day: the first is past its date.
            _shift_rows(OutreachItem.objects.filter(pk=item.pk), self.offset + datetime.timedelta(days=10 - 5 * made))
            _shift_rows(OutreachEvent.objects.filter(item=item), self.offset + datetime.timedelta(days=10 - 5 * made))
            made += 1
        result = services.outreach_flag(now=max(self.anchor, timezone.now() - self.offset))
        return made + result.total


def case_login_lines(password: str) -> list[str]:
    """Lines for `demo_logins`: the logins of the consultation agencies, and what the other demo logins do with
    cases (live counts of open cases; counts show no one's data). Empty without demo cases."""
    users = {u.username: u for u in User.objects.filter(username__in=CASE_USERNAMES)}
    if not users or not Case.objects.exists():
        return []
    lines = [gettext("相談支援（ケース・紹介・支援会議・支援計画）：")]
    for login in CASE_LOGINS:
        if login.username in users:
            lines.append(f"  {login.username:<18}{password}  {login.does}")
    lines.append("  " + gettext("careplaza・shakyo・ward の職員も相談を受け付け、紹介します。"))
    raiser = RaiserNotice.objects.order_by("pk").values_list("recipient__username", flat=True).first()
    if raiser is not None:
        lines.append(
            f"  {raiser:<18}"
            + gettext("見守りでつないだ方のその後（「支援を開始しました」「対応しました」）を見ます（/cases/notices/）")
        )
    return lines
