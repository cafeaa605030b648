"""Everyday watch-over (見守り) in the synthetic ward: who watches whom, about four months of visits up to the
demo's "today", the concerns handed to professionals and where they stand, and the routing table.

Called by tsunagu.demo.ward.generate_ward for each ward once its roster is built and its consents exist. Each
民生委員 watches 20–40 listed persons of their 担当区域 (mostly monthly; weekly for some who live alone; a few
whole households), a 見守り協力員 of two 町会 watches some of the same neighbours, and the persons watched have
agreed to share watch-over data (WATCH-scope consent). Visits are mostly 変わりなし, with a few 気になる and two
緊急; every 気になる / 緊急 has its escalation, routed by tsunagu.watch.services.route_for like a recorded one,
in every state: closed, acknowledged, one 緊急 still open, one 気になる left past its time. A few persons are
deliberately overdue for contact.

Rows are written in bulk, not through the services (this is seed data, not anyone's action, and the services
would write an audit entry per visit), but they keep the services' invariants: a visit belongs to an assignment
in force on its day and is observed before it was recorded; an escalation per 気になる / 緊急 visit, raised when the
visit was recorded, with the deadline of acknowledge_deadline, acknowledged and closed by someone who handles it.
Deterministic for the seed and the demo's day: its own random stream, every query ordered."""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from tsunagu.accounts.models import User
from tsunagu.areas.models import District, Municipality, TownDistrict
from tsunagu.core.bulk import insert_rows
from tsunagu.core.wareki import JST, age_on
from tsunagu.demo.names import family_name_table
from tsunagu.organisations.models import (
    Agreement,
    DataScope,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
)
from tsunagu.people.models import (
    Consent,
    ConsentGivenBy,
    ConsentState,
    ConsentStatus,
    Person,
    ResidentStatus,
)
from tsunagu.people.services.consent_state import refresh_consent_state
from tsunagu.roster.models import RosterBuild, RosterEntry
from tsunagu.watch.models import (
    ActivityRecord,
    ConcernTag,
    Escalation,
    EscalationRoute,
    VisitMethod,
    VisitOutcome,
    WatchAssignment,
    WatchFrequency,
    WatchVisit,
)
from tsunagu.watch.periods import is_overdue, next_period_start, period_start
from tsunagu.watch.selectors import with_last_contact
from tsunagu.watch.services import acknowledge_deadline, route_for

__all__ = ["WatchDemoSummary", "clear_watch", "generate_watch", "watch_login_lines"]

SCHOOL = "school"
WINDOW_DAYS = 122  # about four months of visits
ASSIGNMENTS_PER_COMMISSIONER = (20, 40)
# The 町会 whose 見守り協力員 watch some neighbours alongside the 民生委員 (by 小学校区 code), when they exist.
HELPER_SCHOOLS = ("S04", "S07")
HELPER_WATCHES = (5, 8)
# Concerns of a visit that reach the care plaza of the 小学校区 (the rest follow the ward-wide rows).
CARE_PLAZA_CONCERNS = (ConcernTag.HEALTH, ConcernTag.MEDICATION, ConcernTag.FORGETFULNESS)
CONCERN_SHARE = 0.018  # of contacts: 気になる
OVERDUE_SHARE = 0.03  # of the 民生委員's watches: deliberately left without contact (the only ones overdue)

_ASSIGNMENT_NOTES = (
    "耳が遠いので、インターホンは長めに鳴らす",
    "月・木はデイサービス（午前）",
    "犬がいます",
    "長女が週末に来ている",
    "夕方は買い物に出ていることが多い",
    "電話は固定電話に",
)
_FINE_NOTES = (
    "", "", "", "", "", "", "お元気そうでした", "畑の話をされた", "デイサービスから帰ったところ", "玄関先で立ち話",
    "体操教室に通い始めたとのこと", "娘さんが来ていた",
)  # fmt: skip
_ABSENT_NOTES = ("", "インターホンに応答なし", "不在票を入れた", "")
_CONCERN_NOTES: dict[str, str] = {
    ConcernTag.MEALS: "冷蔵庫にほとんど食べ物がない様子",
    ConcernTag.MEDICATION: "薬が飲み残してたくさんある",
    ConcernTag.FORGETFULNESS: "同じ話を何度もされる。約束の日を忘れていた",
    ConcernTag.NEGLECTED_HOME: "玄関前にごみ袋がたまっている",
    ConcernTag.MAIL_PILING: "郵便受けに新聞がたまっている",
    ConcernTag.MONEY: "電気代が払えないと話していた",
    ConcernTag.ISOLATION: "最近だれとも話していないとのこと",
    ConcernTag.ABUSE: "腕にあざがあり、同居の家族のことを話したがらない",
    ConcernTag.HEALTH: "息切れがひどく、顔色が悪い",
    ConcernTag.OTHER: "少し様子が気になる",
}
_CONCERN_WEIGHTS: dict[str, int] = {
    ConcernTag.MEALS: 12, ConcernTag.MEDICATION: 10, ConcernTag.FORGETFULNESS: 16, ConcernTag.NEGLECTED_HOME: 8,
    ConcernTag.MAIL_PILING: 10, ConcernTag.MONEY: 6, ConcernTag.ISOLATION: 10, ConcernTag.ABUSE: 2,
    ConcernTag.HEALTH: 14, ConcernTag.OTHER: 4,
}  # fmt: skip
_CLOSING_NOTES = (
    "訪問して状況を確認。介護保険の申請を支援した",
    "かかりつけ医と連絡をとり、受診につないだ",
    "家族に連絡し、見守りの回数を増やすことになった",
    "配食サービスの利用を始めた",
    "生活支援の相談につなぎ、社協の担当者が訪問した",
    "訪問したところ体調は回復していた。引き続き見守りをお願いした",
)
# (method, weight) of a contact, by frequency: a weekly watch is mostly a call or a word at the door.
_METHODS = {
    WatchFrequency.WEEKLY: ((VisitMethod.PHONE, 40), (VisitMethod.GREETING, 30), (VisitMethod.VISIT, 20),
                            (VisitMethod.SIGHTING, 10)),
    WatchFrequency.MONTHLY: ((VisitMethod.VISIT, 55), (VisitMethod.PHONE, 25), (VisitMethod.GREETING, 15),
                             (VisitMethod.SIGHTING, 5)),
}  # fmt: skip
# The chance of a contact in a period before the last one (a missed week or month, caught up since); in the
# last whole period every watch not deliberately overdue had its contact, so the overdue list is those few.
_PERIOD_CONTACT = {WatchFrequency.WEEKLY: 0.8, WatchFrequency.BIWEEKLY: 0.88, WatchFrequency.MONTHLY: 0.93}
_VISIT_COLUMNS = (
    "assignment", "person", "observed_at", "recorded_at", "recorded_by", "method", "outcome", "concerns", "note",
    "client_id",
)  # fmt: skip
_CONSENT_COLUMNS = ("person", "scope", "status", "recipient_kinds", "given_by", "method", "decided_on", "recorded_at")


@dataclass(frozen=True)
class WatchDemoSummary:
    assignments: int
    persons: int
    visits: int
    escalations: int


@dataclass
class _Visit:
    assignment: WatchAssignment
    observed_at: datetime.datetime
    recorded_at: datetime.datetime
    method: str
    outcome: str = VisitOutcome.FINE
    concerns: tuple[str, ...] = ()
    note: str = ""
    client_id: uuid.UUID | None = None
    # The escalation's state, for a 気になる / 緊急: "open", "acknowledged", "closed" (None: by its age).
    state: str | None = None


def clear_watch() -> None:
    """Delete the watch-over records (escalations, visits, assignments, routes, activity records): they refer to
    the persons, organisations and users a replaced ward deletes (PROTECT)."""
    for model in (Escalation, WatchVisit, WatchAssignment, EscalationRoute, ActivityRecord):
        model.objects.all().delete()


def generate_watch(
    *,
    municipality: Municipality,
    seed: int,
    today: datetime.date,
    user_prefix: str,
    progress: Callable[[str], None] = lambda message: None,
) -> WatchDemoSummary:
    """Watch-over records for one ward of the demo (module docstring). `user_prefix` starts the usernames of the
    見守り協力員 it adds (the ward's prefix for synthetic members)."""
    builder = _WatchBuilder(municipality=municipality, seed=seed, today=today, user_prefix=user_prefix)
    summary = builder.build()
    progress(
        gettext(
            "見守り：担当 {assignments:,}件（{persons:,}人）・記録 {visits:,}件・専門職へのつなぎ {escalations:,}件"
        ).format(
            assignments=summary.assignments,
            persons=summary.persons,
            visits=summary.visits,
            escalations=summary.escalations,
        )
    )
    return summary


class _WatchBuilder:
    def __init__(self, *, municipality: Municipality, seed: int, today: datetime.date, user_prefix: str) -> None:
        self.municipality = municipality
        self.today = today
        self.user_prefix = user_prefix
        self.rng = random.Random(seed * 7919 + 41)  # noqa: S311 - reproducible demo data, not secrets
        now = timezone.now()
        # The demo's present moment: now when the demo is of today, else the afternoon of its day.
        self.anchor = (
            now.astimezone(JST)
            if timezone.localdate(now) == today
            else datetime.datetime.combine(today, datetime.time(16, 30), tzinfo=JST)
        )
        self.window_start = today - datetime.timedelta(days=WINDOW_DAYS)
        self.is_home = municipality.pk == Municipality.home().pk

    # -- entry ---------------------------------------------------------------------------------------------

    def build(self) -> WatchDemoSummary:
        orgs = Organisation.objects.filter(municipality=self.municipality, is_active=True).order_by("pk")
        self.ward_office = orgs.filter(kind=OrganisationKind.WARD_WELFARE).first()
        minsei = orgs.filter(kind=OrganisationKind.MINSEI).first()
        build = RosterBuild.current(self.municipality.pk)
        if self.ward_office is None or minsei is None or build is None:
            return WatchDemoSummary(0, 0, 0, 0)
        self.members = self._members_by_organisation(orgs)
        self._routes(orgs)
        persons, by_town = self._listed_persons(build)
        assignments = self._commissioner_assignments(minsei, persons, by_town)
        assignments += self._helper_assignments(orgs, assignments)
        WatchAssignment.objects.bulk_create(assignments)
        watched = self._consents(assignments)
        visits = self._visits(assignments)
        escalations = self._write_visits(visits)
        return WatchDemoSummary(len(assignments), len(watched), len(visits), escalations)

    # -- who ----------------------------------------------------------------------------------------------

    def _members_by_organisation(self, orgs) -> dict[int, list[User]]:  # noqa: ANN001
        members: dict[int, list[User]] = defaultdict(list)
        for membership in (
            Membership.objects.filter(organisation__in=orgs).select_related("user").order_by("organisation_id", "pk")
        ):
            members[membership.organisation_id].append(membership.user)
        return members

    def _routes(self, orgs) -> None:  # noqa: ANN001
        """Each 小学校区's health, medication and forgetfulness → its care plaza; abuse and anything else → the ward's
        welfare section; money → the 社協. Each ward of a demo city has its own table."""
        shakyo = orgs.filter(kind=OrganisationKind.SHAKYO).first()
        schools = list(
            District.objects.filter(municipality=self.municipality, district_type__code=SCHOOL).order_by("code")
        )
        plaza_of: dict[int, Organisation] = {}
        for plaza in orgs.filter(kind=OrganisationKind.CARE_PLAZA).prefetch_related("service_districts"):
            for district in plaza.service_districts.all():
                plaza_of.setdefault(district.pk, plaza)
        ward = self.municipality
        routes = [
            EscalationRoute(municipality=ward, district=school, concern=concern, organisation=plaza_of[school.pk])
            for school in schools
            if school.pk in plaza_of
            for concern in CARE_PLAZA_CONCERNS
        ]
        ward_wide = [("", self.ward_office), (ConcernTag.ABUSE, self.ward_office)]
        if shakyo is not None:
            ward_wide.append((ConcernTag.MONEY, shakyo))
        routes += [EscalationRoute(municipality=ward, district=None, concern=c, organisation=o) for c, o in ward_wide]
        EscalationRoute.objects.bulk_create(routes)

    def _listed_persons(self, build: RosterBuild) -> tuple[dict[int, dict], dict[int, list[int]]]:
        """The current roster's persons who have not refused sharing (a watch begins with their agreement),
        and their ids by 町丁目."""
        refused = set(
            ConsentState.objects.filter(
                scope=DataScope.ROSTER,
                status__in=[ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN],
                person__roster_entries__build=build,
            ).values_list("person_id", flat=True)
        )
        listed = RosterEntry.objects.filter(build=build).values("person_id")
        persons: dict[int, dict] = {}
        by_town: dict[int, list[int]] = defaultdict(list)
        for row in (
            Person.objects.filter(pk__in=listed)
            .values("pk", "town_id", "household_id", "lives_alone", "birth_date", "care_level")
            .order_by("pk")
        ):
            if row["pk"] in refused:
                continue
            row["age"] = age_on(row["birth_date"], self.today)
            persons[row["pk"]] = row
            by_town[row["town_id"]].append(row["pk"])
        return persons, by_town

    def _started_on(self, earliest: datetime.date) -> datetime.date:
        """Most watches began before the visits shown (from the commissioner's start); one in ten during them."""
        rng = self.rng
        if rng.random() < 0.1:
            start = self.window_start + datetime.timedelta(days=rng.randint(0, 60))
        else:
            span = max((self.window_start - earliest).days, 1)
            start = earliest + datetime.timedelta(days=rng.randint(0, span - 1))
        return max(start, earliest)

    def _commissioner_assignments(
        self, minsei: Organisation, persons: dict[int, dict], by_town: dict[int, list[int]]
    ) -> list[WatchAssignment]:
        rng = self.rng
        memberships = list(
            Membership.objects.filter(organisation=minsei, role=MembershipRole.COMMISSIONER)
            .select_related("user")
            .prefetch_related("districts")
            .order_by("pk")
        )
        area_towns: dict[int, list[int]] = defaultdict(list)
        for area_id, town_id in TownDistrict.objects.filter(
            district__in=[d for m in memberships for d in m.districts.all()]
        ).values_list("district_id", "town_id"):
            area_towns[area_id].append(town_id)
        household_sizes = dict(
            Person.objects.filter(
                household_id__in={p["household_id"] for p in persons.values() if p["household_id"]},
                status=ResidentStatus.RESIDENT,
            )
            .values("household_id")
            .annotate(n=Count("pk"))
            .values_list("household_id", "n")
        )
        assignments: list[WatchAssignment] = []
        for membership in memberships:
            towns = sorted({t for d in membership.districts.all() for t in area_towns[d.pk]})
            candidates = [pk for town in towns for pk in by_town.get(town, [])]
            # Those living alone and the oldest are more likely on the list, as it grows from the most in need.
            score = {
                pk: rng.random() + 0.5 * persons[pk]["lives_alone"] + 0.3 * (persons[pk]["age"] >= 85)
                for pk in candidates
            }
            candidates.sort(key=lambda pk: -score[pk])
            wanted = rng.randint(*ASSIGNMENTS_PER_COMMISSIONER)
            households: set[int] = set()
            mine = 0
            for pk in candidates:
                if mine >= wanted:
                    break
                person = persons[pk]
                household = person["household_id"]
                if household is not None and household in households:
                    continue  # watched with their household already
                whole = household is not None and household_sizes.get(household, 1) > 1 and rng.random() < 0.25
                if household is not None:
                    households.add(household)
                if person["lives_alone"] and rng.random() < 0.35:
                    frequency = WatchFrequency.WEEKLY
                elif rng.random() < 0.06:
                    frequency = WatchFrequency.BIWEEKLY
                else:
                    frequency = WatchFrequency.MONTHLY
                assignments.append(
                    WatchAssignment(
                        person_id=pk,
                        whole_household=whole,
                        organisation=minsei,
                        watcher=membership.user,
                        frequency=frequency,
                        note=rng.choice(_ASSIGNMENT_NOTES) if rng.random() < 0.1 else "",
                        started_on=self._started_on(membership.started_on),
                    )
                )
                mine += 1
        return assignments

    def _helper_assignments(self, orgs, watched: list[WatchAssignment]) -> list[WatchAssignment]:  # noqa: ANN001
        """A 見守り協力員 of a 町会 watches a few neighbours whom the 民生委員 also watches (weekly: they pass by)."""
        rng = self.rng
        schools = {
            code: set(TownDistrict.objects.filter(district=district).values_list("town_id", flat=True))
            for code, district in (
                (d.code, d)
                for d in District.objects.filter(
                    municipality=self.municipality, district_type__code=SCHOOL, code__in=HELPER_SCHOOLS
                ).order_by("code")
            )
        }
        agreements = (
            Agreement.objects.filter(organisation__in=orgs.filter(kind=OrganisationKind.NEIGHBOURHOOD))
            .prefetch_related("districts")
            .order_by("pk")
        )
        association_of: dict[str, Organisation] = {}
        for agreement in agreements:
            if agreement.is_valid_on(self.today):
                for district in agreement.districts.all():
                    association_of.setdefault(district.code, agreement.organisation)
        town_of = dict(
            Person.objects.filter(pk__in=[a.person_id for a in watched]).values_list("pk", "town_id").order_by("pk")
        )
        names = family_name_table()
        login = f"{self.login_prefix()}minsei"
        # The demo password, as every demo user has it (copied: hashing it again would take a noticeable moment).
        password = User.objects.filter(username=f"{self.login_prefix()}minsei").values_list(
            "password", flat=True
        ).first() or make_password(None)
        helpers: list[WatchAssignment] = []
        for number, code in enumerate(sorted(schools), start=1):
            association = association_of.get(code)
            neighbours = [a for a in watched if not a.whole_household and town_of[a.person_id] in schools[code]]
            # Not those of the demo's 民生委員 login, whose list shows one overdue (a helper's contact would count).
            neighbours = [a for a in neighbours if a.watcher.username != login] or neighbours
            if association is None or not neighbours:
                continue
            family, _kana = names.pick(rng)
            started_on = self.window_start - datetime.timedelta(days=rng.randint(60, 240))
            user = User.objects.create(
                username=f"{self.user_prefix}kyoryoku_{number:02d}",
                display_name=f"{family}（見守り協力員・{association.name}）",
                password=password,
            )
            Membership.objects.create(
                user=user, organisation=association, role=MembershipRole.MEMBER, started_on=started_on
            )
            self.members[association.pk].append(user)
            for assignment in rng.sample(neighbours, min(len(neighbours), rng.randint(*HELPER_WATCHES))):
                helpers.append(
                    WatchAssignment(
                        person_id=assignment.person_id,
                        organisation=association,
                        watcher=user,
                        frequency=WatchFrequency.WEEKLY,
                        started_on=max(started_on, assignment.started_on),
                    )
                )
        return helpers

    def _consents(self, assignments: list[WatchAssignment]) -> set[int]:
        """WATCH-scope consent (agreed, on the visit that began the watch) for each person watched and, for a
        household watch, the household's residents. Returns the persons watched."""
        rng = self.rng
        first_day: dict[int, datetime.date] = {}
        for a in assignments:
            first_day[a.person_id] = min(first_day.get(a.person_id, a.started_on), a.started_on)
        households = dict(
            Person.objects.filter(pk__in=[a.person_id for a in assignments if a.whole_household]).values_list(
                "household_id", "pk"
            )
        )
        for pk, household_id in (
            Person.objects.filter(household_id__in=households, status=ResidentStatus.RESIDENT)
            .values_list("pk", "household_id")
            .order_by("pk")
        ):
            first_day.setdefault(pk, first_day[households[household_id]])
        now = timezone.now()
        rows = [
            (
                pk,
                DataScope.WATCH.value,
                ConsentStatus.AGREED.value,
                "",
                ConsentGivenBy.SELF.value,
                "訪問",
                day - datetime.timedelta(days=rng.randint(0, 14)),
                now,
            )
            for pk, day in sorted(first_day.items())
        ]
        insert_rows(Consent, _CONSENT_COLUMNS, rows)
        refresh_consent_state(sorted(first_day), scope=DataScope.WATCH.value)
        return set(first_day)

    # -- visits -------------------------------------------------------------------------------------------

    def _moment(self, day: datetime.date) -> datetime.datetime:
        rng = self.rng
        return datetime.datetime.combine(day, datetime.time(rng.randint(9, 17), rng.randrange(0, 60, 5)), tzinfo=JST)

    def _recorded(self, observed: datetime.datetime) -> datetime.datetime:
        """Mostly entered on the phone at once; some typed in from paper notes that evening or the next day."""
        rng = self.rng
        recorded = observed + datetime.timedelta(minutes=rng.randint(1, 20))
        if rng.random() < 0.12:
            later = observed.date() + datetime.timedelta(days=rng.randint(0, 1))
            recorded = datetime.datetime.combine(later, datetime.time(rng.randint(19, 21), rng.randint(0, 59)), JST)
        return recorded if recorded <= self.anchor else observed + datetime.timedelta(minutes=2)

    def _contact(self, assignment: WatchAssignment, day: datetime.date) -> _Visit:
        rng = self.rng
        observed = self._moment(day)
        methods = _METHODS.get(assignment.frequency, _METHODS[WatchFrequency.MONTHLY])
        method = rng.choices([m for m, _w in methods], weights=[w for _m, w in methods])[0]
        visit = _Visit(assignment, observed, self._recorded(observed), method, note=rng.choice(_FINE_NOTES))
        if rng.random() < CONCERN_SHARE:
            self._make_concern(visit)
        return visit

    def _make_concern(self, visit: _Visit, *, outcome: str = VisitOutcome.CONCERN, tags: tuple = ()) -> None:
        rng = self.rng
        if not tags:
            tags = tuple(
                dict.fromkeys(
                    rng.choices(list(_CONCERN_WEIGHTS), weights=list(_CONCERN_WEIGHTS.values()), k=rng.randint(1, 2))
                )
            )
        visit.outcome = outcome
        visit.concerns = tuple(t for t in ConcernTag.values if t in tags)  # in the form's order, as the service keeps
        visit.note = "。".join(_CONCERN_NOTES[t] for t in visit.concerns)

    def _visits(self, assignments: list[WatchAssignment]) -> list[_Visit]:
        rng = self.rng
        commissioners = [a for a in assignments if a.organisation.kind == OrganisationKind.MINSEI]
        # Deliberately overdue: no contact since two periods ago (an attempt or two found nobody at home). Not a
        # person a 見守り協力員 also watches (their contacts count for everyone), nor a watch begun too lately.
        with_helper = {a.person_id for a in assignments if a.organisation.kind != OrganisationKind.MINSEI}
        settled = self.window_start - datetime.timedelta(days=31)
        eligible = [a for a in commissioners if a.person_id not in with_helper and a.started_on < settled]
        count = min(len(eligible) // 2, max(2, round(len(commissioners) * OVERDUE_SHARE)))
        overdue = {id(a) for a in rng.sample(eligible, count)}
        # The demo's 民生委員 login shows one on its list.
        login = [a for a in eligible if a.watcher.username == f"{self.login_prefix()}minsei"]
        if len(login) >= 2 and not overdue & {id(a) for a in login}:
            overdue.add(id(login[0]))
        featured = self._featured(commissioners, overdue)
        visits: list[_Visit] = []
        for assignment in assignments:
            frequency = assignment.frequency
            start = max(assignment.started_on, self.window_start)
            current = period_start(frequency, self.today)
            previous = period_start(frequency, current - datetime.timedelta(days=1))
            cutoff = previous if id(assignment) in overdue else None
            begin = period_start(frequency, start)
            while begin <= current:
                end = next_period_start(frequency, begin)
                first = max(begin, assignment.started_on)
                last = min(end - datetime.timedelta(days=1), self.today - datetime.timedelta(days=1))
                if first <= last:
                    day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
                    if cutoff is not None and begin >= cutoff:
                        if rng.random() < 0.6:
                            observed = self._moment(day)
                            visits.append(
                                _Visit(
                                    assignment,
                                    observed,
                                    self._recorded(observed),
                                    VisitMethod.ABSENT,
                                    note=rng.choice(_ABSENT_NOTES),
                                )
                            )
                    elif rng.random() < self._contact_chance(frequency, begin, end, previous, current):
                        if rng.random() < 0.1 and day > first:  # nobody at home first, seen a little later
                            tried = first + datetime.timedelta(days=rng.randint(0, (day - first).days - 1))
                            observed = self._moment(tried)
                            visits.append(_Visit(assignment, observed, self._recorded(observed), VisitMethod.ABSENT))
                        visits.append(self._contact(assignment, day))
                begin = end
        visits += featured
        visits.sort(key=lambda v: (v.observed_at, v.assignment.person_id, v.assignment.watcher_id or 0))
        for visit in visits:
            visit.client_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        return visits

    def _contact_chance(
        self,
        frequency: str,
        begin: datetime.date,
        end: datetime.date,
        previous: datetime.date,
        current: datetime.date,
    ) -> float:
        """The last whole period: certain (only the deliberately overdue are overdue). This period: as much as has
        passed of it, and a little more (some were seen early). Older ones: now and then missed."""
        if begin == previous:
            return 1.0
        if begin == current:
            return min(1.0, (self.today - begin).days / (end - begin).days + 0.2)
        return _PERIOD_CONTACT.get(frequency, 0.9)

    def _featured(self, commissioners: list[WatchAssignment], overdue: set[int]) -> list[_Visit]:
        """The concerns every demo shows, on the watches of the demo's 民生委員 login where it has them: a 緊急 of
        this afternoon still open, a 気になる left unacknowledged past its time, a 緊急 handled weeks ago, and a
        気になる acknowledged and being followed."""
        candidates = [a for a in commissioners if id(a) not in overdue and a.started_on < self.window_start]
        if not candidates:
            return []
        login = [a for a in candidates if a.watcher.username == f"{self.login_prefix()}minsei"]
        pool = login + [a for a in candidates if a not in login]
        visits = []
        plan = (
            (datetime.timedelta(minutes=40), VisitOutcome.URGENT, (ConcernTag.HEALTH,), "open", VisitMethod.VISIT),
            (datetime.timedelta(days=3, hours=2), VisitOutcome.CONCERN, (ConcernTag.MAIL_PILING,), "open",
             VisitMethod.VISIT),
            (datetime.timedelta(days=41), VisitOutcome.URGENT, (ConcernTag.HEALTH,), "closed", VisitMethod.VISIT),
            (datetime.timedelta(days=9), VisitOutcome.CONCERN, (ConcernTag.FORGETFULNESS, ConcernTag.MEALS),
             "acknowledged", VisitMethod.PHONE),
        )  # fmt: skip
        for index, (ago, outcome, tags, state, method) in enumerate(plan):
            assignment = pool[index % len(pool)]
            observed = self.anchor - ago
            if observed.date() < assignment.started_on:
                continue
            visit = _Visit(assignment, observed, observed + datetime.timedelta(minutes=5), method, state=state)
            self._make_concern(visit, outcome=outcome, tags=tags)
            if index == 0:
                visit.note = "呼びかけに弱い声で応答。起き上がれない様子のため、救急要請を検討"
            visits.append(visit)
        return visits

    def login_prefix(self) -> str:
        """The demo logins' username prefix in this ward (none in the home ward)."""
        return "" if self.is_home else self.user_prefix

    # -- writing ------------------------------------------------------------------------------------------

    def _write_visits(self, visits: list[_Visit]) -> int:
        rows = [
            (
                v.assignment.pk,
                v.assignment.person_id,
                v.observed_at,
                v.recorded_at,
                v.assignment.watcher_id,
                str(v.method),
                str(v.outcome),
                list(v.concerns),
                v.note,
                v.client_id,
            )
            for v in visits
        ]
        insert_rows(WatchVisit, _VISIT_COLUMNS, rows)
        raising = [v for v in visits if v.outcome != VisitOutcome.FINE]
        ids = dict(
            WatchVisit.objects.filter(client_id__in=[v.client_id for v in raising]).values_list("client_id", "pk")
        )
        persons = Person.objects.select_related("town").in_bulk({v.assignment.person_id for v in raising})
        escalations = []
        # The demo's routes name 小学校区 (or no district), so persons of one 小学校区 with the same concerns are
        # routed alike: route_for is asked once for each.
        school_of = dict(
            TownDistrict.objects.filter(town__municipality=self.municipality, district_type__code=SCHOOL).values_list(
                "town_id", "district_id"
            )
        )
        routed: dict[tuple, Organisation | None] = {}
        for visit in raising:
            person = persons[visit.assignment.person_id]
            key = (school_of.get(person.town_id, person.town_id), visit.concerns)
            if key not in routed:
                routed[key] = route_for(person, list(visit.concerns))
            organisation = routed[key]
            if organisation is None:
                continue
            escalations.append(self._escalation(visit, ids[visit.client_id], organisation))
        Escalation.objects.bulk_create(escalations)
        return len(escalations)

    def _handler(self, organisation: Organisation) -> User | None:
        """Who acknowledges: a member of the receiving organisation, else the ward's welfare section, which may
        answer every escalation of its ward."""
        members = self.members.get(organisation.pk) or self.members.get(self.ward_office.pk) or []
        return members[0] if members else None

    def _escalation(self, visit: _Visit, visit_id: int, organisation: Organisation) -> Escalation:
        rng = self.rng
        raised = visit.recorded_at
        escalation = Escalation(
            visit_id=visit_id,
            person_id=visit.assignment.person_id,
            organisation=organisation,
            urgency=visit.outcome,
            raised_at=raised,
            acknowledge_by=acknowledge_deadline(visit.outcome, raised),
        )
        state = visit.state
        if state is None:
            age = self.anchor - raised
            if age > datetime.timedelta(days=21):
                state = "closed" if rng.random() < 0.85 else "acknowledged"
            elif age > datetime.timedelta(days=3):
                state = "closed" if rng.random() < 0.4 else "acknowledged"
            else:
                state = "acknowledged"
        if state == "open":
            return escalation
        handler = self._handler(organisation)
        window = (escalation.acknowledge_by - raised) * 0.8
        escalation.acknowledged_at = min(raised + window * rng.uniform(0.05, 1.0), self.anchor)
        escalation.acknowledged_by = handler
        if state == "closed":
            days = min(rng.randint(1, 14), max((self.anchor - escalation.acknowledged_at).days, 0))
            closed = escalation.acknowledged_at + datetime.timedelta(days=days, hours=rng.randint(1, 6))
            escalation.closed_at = min(closed, self.anchor)
            escalation.closed_by = handler
            escalation.closing_note = rng.choice(_CLOSING_NOTES)
        return escalation


# -- What the demo logins can do with watch-over (printed by `demo_logins`) -------------------------------------


def watch_login_lines(usernames: dict[str, User]) -> list[str]:
    """Lines for `demo_logins`: what the home ward's demo logins (and the 見守り協力員) do with watch-over, with
    live counts (counts show no one's data, so they need no audit entry). Empty without watch-over records."""
    home = Municipality.home()
    in_ward = WatchAssignment.objects.filter(person__town__municipality=home, ended_on__isnull=True)
    if not in_ward.exists():
        return []
    today = timezone.localdate()
    lines = [gettext("見守り（日常の見守りと専門職へのつなぎ）：")]

    def line(username: str, text: str) -> None:
        lines.append(f"  {username:<18}{text}")

    commissioner = usernames.get("minsei")
    if commissioner is not None:
        mine = list(with_last_contact(in_ward.filter(watcher=commissioner)))
        overdue = sum(1 for a in mine if _is_overdue(a, today))
        line(
            "minsei",
            gettext("担当する{count}人を見守り、スマートフォンから記録します（連絡が空いている方 {overdue}人）").format(
                count=len(mine), overdue=overdue
            ),
        )
    for helper in (
        User.objects.filter(watch_assignments__in=in_ward.exclude(organisation__kind=OrganisationKind.MINSEI))
        .distinct()
        .order_by("username")
    ):
        count = in_ward.filter(watcher=helper).count()
        line(
            helper.username,
            gettext("見守り協力員：近所の{count}人を見守ります（パスワードは同じ）").format(count=count),
        )
    for username in ("careplaza", "shakyo", "ward"):
        user = usernames.get(username)
        if user is None:
            continue
        organisations = Membership.objects.filter(user=user).values("organisation_id")
        waiting = Escalation.objects.filter(organisation_id__in=organisations, closed_at__isnull=True)
        line(
            username,
            gettext("受け取ったつなぎ（未対応 {count}件、うち緊急 {urgent}件）を受理・対応します").format(
                count=waiting.count(), urgent=waiting.filter(urgency=VisitOutcome.URGENT).count()
            ),
        )
    if "ward" in usernames:
        late = Escalation.objects.filter(
            person__town__municipality=home,
            acknowledged_at__isnull=True,
            closed_at__isnull=True,
            acknowledge_by__lt=timezone.now(),
        ).count()
        line(
            "ward",
            gettext("つなぎ先の設定、受理の期限を過ぎたつなぎ（{count}件）、連絡が空いている方の一覧").format(
                count=late
            ),
        )
    return lines


def _is_overdue(assignment: WatchAssignment, today: datetime.date) -> bool:
    last = assignment.last_contact
    return is_overdue(
        assignment.frequency,
        last_contact=timezone.localdate(last) if last else None,
        started_on=assignment.started_on,
        today=today,
    )
