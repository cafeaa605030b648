"""Reads of shelters in an event: the event's shelters with occupancy against capacity, the persons staying at a
shelter, a search for a person of the event to record an arrival, a shelter's sheet (a list of names) read and
matched to the persons of the event, and occupancy over time.

Only the ward's staff who run the event read these (services.shelters.require_shelter_staff). Persons are read
through the policy's disaster scope, and every page that names persons is audit-logged as disaster access
(purpose 災害時の提供): the staying list, a search, the candidates of a list. Counts name no one and are not
logged."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.csvio import normalize_header, unsafe_character_errors
from tsunagu.core.db import reports
from tsunagu.core.japanese import is_kana, kana_search_key, name_search_key, query_keys
from tsunagu.core.wareki import parse_birth_date
from tsunagu.people.models import Person
from tsunagu.shelters.models import Shelter

from ..models import DISASTER_SCOPE, DisasterEvent, ShelterOpening, ShelterStay
from ..services.events import DISASTER_ACCESS, event_of_ward
from ..services.shelters import current_opening, event_shelter, require_shelter_staff, ward_shelters
from .safety import event_persons

JAPAN = ZoneInfo("Asia/Tokyo")

# --- the event's shelters ---------------------------------------------------------------------------------------


@dataclass
class ShelterRow:
    shelter: Shelter
    opening: ShelterOpening | None  # the one in force, else the latest
    occupancy: int

    @property
    def is_open(self) -> bool:
        return self.opening is not None and self.opening.closed_at is None

    @property
    def capacity(self) -> int | None:
        return self.shelter.capacity

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.occupancy > self.capacity

    @property
    def percent(self) -> int | None:
        """Occupancy as a percentage of capacity (may pass 100), or None when the capacity is not known."""
        if not self.capacity:
            return None
        return round(100 * self.occupancy / self.capacity)

    @property
    def meter_value(self) -> int:
        """For the <meter>: the occupancy, held at the capacity (the text and the flag say when it is over)."""
        return min(self.occupancy, self.capacity or 0)

    @property
    def meter_low(self) -> int | None:
        """Below 70% of the capacity the bar is green, to 90% yellow, above red (the <meter>'s own colours)."""
        return round(self.capacity * 0.7) if self.capacity else None

    @property
    def meter_high(self) -> int | None:
        return round(self.capacity * 0.9) if self.capacity else None


@dataclass
class ShelterBoard:
    event: DisasterEvent
    rows: list[ShelterRow]  # shelters opened in the event: open ones first, then closed, each in 50音 order
    openable: list[Shelter]  # the ward's shelters not open now (closed ones may open again)

    @property
    def staying(self) -> int:
        return sum(r.occupancy for r in self.rows)

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.rows if r.is_open)

    @property
    def over_capacity(self) -> list[ShelterRow]:
        return [r for r in self.rows if r.over_capacity]


def _occupancy(event: DisasterEvent, shelter_ids: object = None) -> dict[int, int]:
    stays = ShelterStay.objects.filter(event=event, departed_at__isnull=True)
    if shelter_ids is not None:
        stays = stays.filter(shelter_id__in=shelter_ids)
    return dict(stays.values_list("shelter_id").annotate(n=Count("pk")).values_list("shelter_id", "n"))


def shelters_board(*, user, event_id: object, request: HttpRequest | None = None) -> ShelterBoard:  # noqa: ANN001
    """The event's shelters with occupancy against capacity (a few queries whatever their number). Names no
    one: not logged."""
    require_shelter_staff(user)
    event = event_of_ward(user, event_id, request=request)
    openings: dict[int, ShelterOpening] = {}
    for opening in ShelterOpening.objects.filter(event=event).select_related("shelter").order_by("opened_at", "pk"):
        kept = openings.get(opening.shelter_id)
        if kept is None or kept.closed_at is not None:
            openings[opening.shelter_id] = opening  # the one in force wins, else the latest
    occupancy = _occupancy(event)
    rows = [ShelterRow(o.shelter, o, occupancy.get(sid, 0)) for sid, o in openings.items()]
    rows.sort(
        key=lambda r: (not r.is_open, r.shelter.name_kana == "", r.shelter.name_kana, r.shelter.name, r.shelter.pk)
    )
    open_ids = [r.shelter.pk for r in rows if r.is_open]
    openable = list(ward_shelters(event).exclude(pk__in=open_ids).in_kana_order())
    return ShelterBoard(event=event, rows=rows, openable=openable)


# --- one shelter ------------------------------------------------------------------------------------------------

RECENT_DEPARTURES = 50


@dataclass
class ShelterDetail:
    event: DisasterEvent
    shelter: Shelter
    row: ShelterRow
    staying: list[ShelterStay]  # arrived and not departed, the persons the user may see, newest first
    departed: list[ShelterStay]  # the latest departures (up to RECENT_DEPARTURES)
    hidden: int  # persons staying whom the user may not see (counted in the occupancy, not listed)

    @property
    def is_open(self) -> bool:
        return self.row.is_open

    @property
    def can_record(self) -> bool:
        return self.row.is_open and self.event.is_active


def shelter_detail(
    *,
    user,  # noqa: ANN001
    event_id: object,
    shelter_id: object,
    request: HttpRequest | None = None,
) -> ShelterDetail:
    """One shelter of the event with the persons staying there and the latest departures; the persons shown are
    logged as disaster access."""
    require_shelter_staff(user)
    event = event_of_ward(user, event_id, request=request)
    shelter = event_shelter(user, event, shelter_id, request=request)
    opening = current_opening(event, shelter) or (
        ShelterOpening.objects.filter(event=event, shelter=shelter).order_by("-opened_at", "-pk").first()
    )
    stays = policy.rows_of_visible_persons(
        ShelterStay.objects.filter(event=event, shelter=shelter), user, scope=DISASTER_SCOPE
    ).select_related("person__town", "recorded_by")
    staying = list(stays.filter(departed_at__isnull=True).order_by("-arrived_at", "-pk"))
    departed = list(
        stays.filter(departed_at__isnull=False)
        .select_related("departure_report")
        .order_by("-departed_at", "-pk")[:RECENT_DEPARTURES]
    )
    occupancy = _occupancy(event, [shelter.pk]).get(shelter.pk, 0)
    shown = {s.person_id for s in staying} | {s.person_id for s in departed}
    if shown:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.SHELTER_STAY,
            target_ids=shown,
            purpose=DISASTER_ACCESS,
            detail={"event": event.pk, "shelter": shelter.pk},
            request=request,
        )
    return ShelterDetail(
        event=event,
        shelter=shelter,
        row=ShelterRow(shelter, opening, occupancy),
        staying=staying,
        departed=departed,
        hidden=max(occupancy - len(staying), 0),
    )


# --- a person of the event, to record an arrival ----------------------------------------------------------------

SEARCH_LIMIT = 20


@dataclass
class PersonHit:
    person: Person
    staying_at: Shelter | None  # where the person is staying in this event, if anywhere


@dataclass
class PersonSearch:
    hits: list[PersonHit]
    more: bool  # more than SEARCH_LIMIT matched: narrow the search


def event_person_search(
    *,
    user,  # noqa: ANN001
    event_id: object,
    query: str,
    birth: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> PersonSearch:
    """Persons of the event (listed, in its districts, open to the user through the disaster scope) whose name or
    reading contains the query (kana-folded, 髙/高 and 﨑/崎 alike), born on `birth` when given. Logged as a search
    with the persons found."""
    require_shelter_staff(user)
    event = event_of_ward(user, event_id, request=request)
    name_key, kana_key = query_keys(query.strip())
    if not name_key and birth is None:
        return PersonSearch(hits=[], more=False)
    persons = event_persons(user, event)
    if kana_key:
        persons = persons.filter(Q(kana_key__contains=kana_key) | Q(name_key__contains=name_key))
    elif name_key:
        persons = persons.filter(name_key__contains=name_key)
    if birth is not None:
        persons = persons.filter(birth_date=birth)
    found = list(persons.select_related("town").order_by("kana_key", "pk")[: SEARCH_LIMIT + 1])
    more = len(found) > SEARCH_LIMIT
    found = found[:SEARCH_LIMIT]
    staying = _staying_at(event, [p.pk for p in found])
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        target_type=AuditTarget.SHELTER_STAY,
        target_ids=[p.pk for p in found],
        query=" ".join(filter(None, [query.strip(), birth.isoformat() if birth else ""])),
        purpose=DISASTER_ACCESS,
        detail={"event": event.pk},
        request=request,
    )
    return PersonSearch(hits=[PersonHit(p, staying.get(p.pk)) for p in found], more=more)


def _staying_at(event: DisasterEvent, person_ids: list[int]) -> dict[int, Shelter]:
    stays = ShelterStay.objects.filter(event=event, person_id__in=person_ids, departed_at__isnull=True)
    return {s.person_id: s.shelter for s in stays.select_related("shelter")}


# --- a shelter's sheet: a list of names, matched to persons, confirmed by staff ---------------------------------

MAX_LIST_LINES = 1000
MAX_CELL = 100

NAME, KANA, BIRTH = "氏名", "ふりがな", "生年月日"
# Header spellings (after csvio.normalize_header: NFKC, no spaces or brackets) → column.
LIST_HEADERS: dict[str, str] = {
    **dict.fromkeys(["氏名", "名前", "氏名漢字", "お名前", "名前漢字"], NAME),
    **dict.fromkeys(
        [
            "ふりがな",
            "フリガナ",
            "ﾌﾘｶﾞﾅ",
            "よみがな",
            "ヨミガナ",
            "カナ",
            "かな",
            "氏名ふりがな",
            "氏名フリガナ",
            "氏名カナ",
        ],
        KANA,
    ),
    **dict.fromkeys(["生年月日", "誕生日"], BIRTH),
}
LIST_HEADERS = {normalize_header(k): v for k, v in LIST_HEADERS.items()}

EMPTY_LIST_MESSAGE = _("名簿に行がありません。")
TOO_MANY_LINES_MESSAGE = _("一度に確かめられるのは{limit}行までです。分けてください。")
NO_NAME_MESSAGE = _("氏名がありません。")
LONG_CELL_MESSAGE = _("「{column}」が長すぎます（{limit}文字まで）。")
BAD_KANA_MESSAGE = _("ふりがなにひらがな・カタカナ以外の文字があります。")
EXTRA_CELLS_MESSAGE = _("列が見出しより多くあります。")
UNREADABLE_CELL_MESSAGE = _("「{value}」を読み取れません（氏名・ふりがな・生年月日の順に書いてください）。")
NOT_FOUND_MESSAGE = _("該当する方が見つかりません。名簿に載っていない方か、この災害の地区の外の方かもしれません。")
CHOOSE_MESSAGE = _("どの方か選んでください（当てはまる方がいなければ「記録しない」）。")
NOT_A_CANDIDATE_MESSAGE = _("選んだ方がこの行の候補にありません。確かめ直してください。")
SAME_PERSON_MESSAGE = _("{other}行目と同じ方が選ばれています。")
LINE_MESSAGE = _("{line}行目：{message}")
CANDIDATE_LIMIT = 10
SKIP = "skip"


@dataclass
class ListLine:
    line: int  # the line number in the text as pasted or in the file (the header is line 1)
    name: str = ""
    kana: str = ""
    birth_text: str = ""
    birth: datetime.date | None = None
    errors: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def name_key(self) -> str:
        return name_search_key(self.name) if self.name else ""

    @property
    def kana_keys(self) -> set[str]:
        """Readings to compare: the ふりがな, and the 氏名 when it was written in kana."""
        keys = {kana_search_key(self.kana)} if self.kana else set()
        if self.name and is_kana(self.name):
            keys.add(kana_search_key(self.name))
        return keys - {""}

    @property
    def is_bad(self) -> bool:
        return bool(self.errors)

    @property
    def exact(self) -> list[Candidate]:
        return [c for c in self.candidates if c.exact]

    @property
    def already_here(self) -> bool:
        """The one person this line names is already staying at this shelter: nothing to record."""
        exact = self.exact
        return len(exact) == 1 and exact[0].staying_here

    @property
    def proposed(self) -> int | None:
        """The person proposed for this line: the only one whose name (or reading) and birth date both agree."""
        exact = self.exact
        return exact[0].person.pk if len(exact) == 1 and not exact[0].staying_here else None

    @property
    def needs_choice(self) -> bool:
        return not self.is_bad and not self.already_here

    @property
    def selectable_ids(self) -> set[int]:
        return {c.person.pk for c in self.candidates if not c.staying_here}


@dataclass
class Candidate:
    person: Person
    name_match: bool  # the name or the reading agrees (kana-folded, 異体字 folded)
    birth_match: bool
    staying_at: Shelter | None = None
    staying_here: bool = False

    @property
    def exact(self) -> bool:
        return self.name_match and self.birth_match


@dataclass
class ArrivalList:
    event: DisasterEvent
    shelter: Shelter
    lines: list[ListLine]
    errors: list[str]  # about the whole list (empty, too long, unsafe characters)

    @property
    def bad_lines(self) -> list[ListLine]:
        return [line for line in self.lines if line.is_bad]

    @property
    def choice_lines(self) -> list[ListLine]:
        return [line for line in self.lines if line.needs_choice]

    @property
    def here_lines(self) -> list[ListLine]:
        return [line for line in self.lines if not line.is_bad and line.already_here]


def arrival_list_read(text: str) -> tuple[list[ListLine], list[str]]:
    """Split a pasted list or a decoded CSV into numbered lines: 氏名, ふりがな, 生年月日 (和暦 or 西暦). A first line
    of headings (氏名・ふりがな・生年月日 and their usual spellings; other columns such as 住所 are ignored) says
    which column is which; without one, the first cell is the name, a cell in kana the reading and a cell with
    digits the birth date. Cells are separated by commas, or by tabs when pasted from a spreadsheet. Problems of a
    line go with the line (ListLine.errors); problems of the whole list are returned beside the lines."""
    if unsafe := unsafe_character_errors(text):
        return [], [str(e) for e in unsafe]
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    lines: list[ListLine] = []
    previous_end = 0
    try:
        for record in reader:
            number = previous_end + 1
            previous_end = reader.line_num
            cells = [c.strip() for c in record]
            if not any(cells):
                continue
            if columns is None and not lines:
                found = {LIST_HEADERS.get(normalize_header(c)): i for i, c in enumerate(cells)}
                found.pop(None, None)
                if found:
                    columns = found  # type: ignore[assignment]
                    continue
                columns = {}
            if len(lines) >= MAX_LIST_LINES:
                return [], [str(TOO_MANY_LINES_MESSAGE).format(limit=MAX_LIST_LINES)]
            lines.append(_read_line(number, cells, columns))
    except csv.Error as error:
        return [], [str(LINE_MESSAGE).format(line=previous_end + 1, message=str(error))]
    if not lines:
        return [], [str(EMPTY_LIST_MESSAGE)]
    return lines, []


def _read_line(number: int, cells: list[str], columns: dict[str, int]) -> ListLine:
    line = ListLine(line=number)
    if columns:
        for column, index in columns.items():
            value = cells[index] if index < len(cells) else ""
            setattr(line, {NAME: "name", KANA: "kana", BIRTH: "birth_text"}[column], value)
    else:
        line.name = cells[0]
        for cell in cells[1:]:
            if not cell:
                continue
            if is_kana(cell) and not line.kana:
                line.kana = cell
            elif any(ch.isdigit() for ch in cell) and not line.birth_text:
                line.birth_text = cell
            else:
                line.errors.append(str(UNREADABLE_CELL_MESSAGE).format(value=cell[:MAX_CELL]))
    for column, value in ((NAME, line.name), (KANA, line.kana), (BIRTH, line.birth_text)):
        if len(value) > MAX_CELL:
            line.errors.append(str(LONG_CELL_MESSAGE).format(column=column, limit=MAX_CELL))
    if not line.name and not line.kana:
        line.errors.append(str(NO_NAME_MESSAGE))
    if line.kana and not is_kana(line.kana):
        line.errors.append(str(BAD_KANA_MESSAGE))
    if line.birth_text:
        try:
            line.birth = parse_birth_date(line.birth_text)
        except ValueError as error:
            line.errors.append(str(error))
    return line


def arrival_list_match(
    *,
    user,  # noqa: ANN001
    event_id: object,
    shelter_id: object,
    text: str,
    request: HttpRequest | None = None,
    audit: bool = True,
) -> ArrivalList:
    """Read a list and match each line to the persons of the event the user may see: the same name or reading
    (kana-folded, 異体字 folded) and the same birth date is a match; when several persons match, or none, the
    nearest are offered (the same name born on another day, the same birth date with a name that starts alike).
    Nothing is recorded here. The candidates shown are logged as disaster access (`audit`: the page is shown)."""
    require_shelter_staff(user)
    event = event_of_ward(user, event_id, request=request)
    shelter = event_shelter(user, event, shelter_id, request=request)
    lines, errors = arrival_list_read(text)
    usable = [line for line in lines if not line.errors]
    name_keys = {line.name_key for line in usable} - {""}
    kana_keys = set().union(*(line.kana_keys for line in usable)) if usable else set()
    births = {line.birth for line in usable if line.birth}
    persons: list[Person] = []
    if usable:
        persons = list(
            event_persons(user, event)
            .filter(Q(name_key__in=name_keys) | Q(kana_key__in=kana_keys) | Q(birth_date__in=births))
            .select_related("town")
            .order_by("kana_key", "pk")
        )
    staying = _staying_at(event, [p.pk for p in persons])
    by_name: dict[str, list[Person]] = defaultdict(list)
    by_kana: dict[str, list[Person]] = defaultdict(list)
    by_birth: dict[datetime.date, list[Person]] = defaultdict(list)
    for person in persons:
        by_name[person.name_key].append(person)
        by_kana[person.kana_key].append(person)
        by_birth[person.birth_date].append(person)
    for line in usable:
        line.candidates = _candidates(line, by_name, by_kana, by_birth, staying, shelter)
        if not line.candidates:
            line.errors.append(str(NOT_FOUND_MESSAGE))
    arrivals = ArrivalList(event=event, shelter=shelter, lines=lines, errors=errors)
    if audit:
        arrival_list_shown(user=user, arrivals=arrivals, request=request)
    return arrivals


def arrival_list_shown(*, user, arrivals: ArrivalList, request: HttpRequest | None = None) -> None:  # noqa: ANN001
    """Log the candidates of a matched list as disaster access, when its confirmation page shows them."""
    shown = {c.person.pk for line in arrivals.lines for c in line.candidates}
    if shown:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.SHELTER_STAY,
            target_ids=shown,
            purpose=DISASTER_ACCESS,
            detail={"event": arrivals.event.pk, "shelter": arrivals.shelter.pk, "arrival_list": len(arrivals.lines)},
            request=request,
        )


def _candidates(
    line: ListLine,
    by_name: Mapping[str, list[Person]],
    by_kana: Mapping[str, list[Person]],
    by_birth: Mapping[datetime.date, list[Person]],
    staying: Mapping[int, Shelter],
    shelter: Shelter,
) -> list[Candidate]:
    named: dict[int, Person] = {p.pk: p for p in by_name.get(line.name_key, [])} if line.name_key else {}
    for key in line.kana_keys:
        named |= {p.pk: p for p in by_kana.get(key, [])}
    found = {pk: Candidate(p, name_match=True, birth_match=p.birth_date == line.birth) for pk, p in named.items()}
    if line.birth:
        prefixes = [k[:2] for k in [line.name_key, *line.kana_keys] if k]
        for person in by_birth.get(line.birth, []):
            if person.pk not in found and any(
                person.name_key.startswith(p) or person.kana_key.startswith(p) for p in prefixes
            ):
                found[person.pk] = Candidate(person, name_match=False, birth_match=True)
    for candidate in found.values():
        place = staying.get(candidate.person.pk)
        candidate.staying_at = place
        candidate.staying_here = place is not None and place.pk == shelter.pk
    ordered = sorted(
        found.values(),
        key=lambda c: (not c.exact, not c.name_match, c.person.kana_key, c.person.pk),
    )
    return ordered[:CANDIDATE_LIMIT]


@dataclass(frozen=True)
class ListChoice:
    line: ListLine
    person_id: int


def arrival_list_choices(arrivals: ArrivalList, chosen: Mapping[str, str]) -> tuple[list[ListChoice], list[str]]:
    """Staff's choice for each line (`line-<number>`: a candidate's id, or "skip"), checked against the line's
    candidates. Every line that needs a choice must have one; one person cannot be two lines. Returns the chosen
    arrivals and the errors, each naming its line."""
    choices: list[ListChoice] = []
    errors: list[str] = []
    first_line_of: dict[int, int] = {}
    for line in arrivals.choice_lines:
        value = (chosen.get(f"line-{line.line}") or "").strip()
        if not value:
            errors.append(str(LINE_MESSAGE).format(line=line.line, message=CHOOSE_MESSAGE))
            continue
        if value == SKIP:
            continue
        pk = int(value) if value.isdigit() else 0
        if pk not in line.selectable_ids:
            errors.append(str(LINE_MESSAGE).format(line=line.line, message=NOT_A_CANDIDATE_MESSAGE))
            continue
        if pk in first_line_of:
            message = str(SAME_PERSON_MESSAGE).format(other=first_line_of[pk])
            errors.append(str(LINE_MESSAGE).format(line=line.line, message=message))
            continue
        first_line_of[pk] = line.line
        choices.append(ListChoice(line=line, person_id=pk))
    return choices, errors


# --- occupancy over time ----------------------------------------------------------------------------------------


@dataclass
class OccupancyHour:
    hour: datetime.datetime  # the hour's start, Japan time
    arrivals: int
    departures: int
    occupancy: int  # staying at the end of the hour


@dataclass
class ShelterTimeline:
    shelter: Shelter
    hours: list[OccupancyHour]

    @property
    def peak(self) -> int:
        return max((h.occupancy for h in self.hours), default=0)


def occupancy_over_time(*, event: DisasterEvent, shelter_id: int | None = None) -> list[ShelterTimeline]:
    """Arrivals and departures per hour (Japan time) at each shelter of the event, with the occupancy at the end
    of each hour; only hours with an arrival or a departure are listed (the occupancy carries over between them).
    Counts that name no one, read from the reports' database; the caller has checked the user may see the
    event (a page of this module, or the after-action report)."""
    stays = ShelterStay.objects.filter(event=event)
    if shelter_id is not None:
        stays = stays.filter(shelter_id=shelter_id)
    counts: dict[int, dict[datetime.datetime, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    arrivals = (
        stays.annotate(hour=TruncHour("arrived_at", tzinfo=JAPAN))
        .values("shelter_id", "hour")
        .annotate(n=Count("pk"))
        .values_list("shelter_id", "hour", "n")
    )
    for sid, hour, n in reports(arrivals):
        counts[sid][hour][0] += n
    departures = (
        stays.filter(departed_at__isnull=False)
        .annotate(hour=TruncHour("departed_at", tzinfo=JAPAN))
        .values("shelter_id", "hour")
        .annotate(n=Count("pk"))
        .values_list("shelter_id", "hour", "n")
    )
    for sid, hour, n in reports(departures):
        counts[sid][hour][1] += n
    shelters = Shelter.objects.in_bulk(list(counts))
    timelines = []
    for sid, by_hour in counts.items():
        running, hours = 0, []
        for hour in sorted(by_hour):
            came, left = by_hour[hour]
            running += came - left
            hours.append(OccupancyHour(hour=hour, arrivals=came, departures=left, occupancy=running))
        timelines.append(ShelterTimeline(shelter=shelters[sid], hours=hours))
    timelines.sort(key=lambda t: (t.shelter.name_kana == "", t.shelter.name_kana, t.shelter.name, t.shelter.pk))
    return timelines
