"""Versions of the roster and what changed between two of them: who was added, who left (and why), whose items
changed. A ward of 60,000 can have thousands of changes, so the page shows each of the three lists a page at a
time, and its audit entry names the persons of those pages only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tsunagu.access import policy
from tsunagu.areas.models import home_municipality_id
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.paging import PageWindow
from tsunagu.core.wareki import format_wareki
from tsunagu.people.models import ResidencyEvent, ResidencyEventKind

from ..models import RosterBuild, RosterEntry, RosterEntryReason
from .entries import LEGAL_FIELDS, REASONS_FIELD, SUPPORT_FIELDS, entry_display, entry_label


def _ward_builds(user) -> QuerySet[RosterBuild]:  # noqa: ANN001
    """The builds of the user's ward (a user of several wards' sections, or none: the only or home ward's)."""
    ward_id = policy.viewer_for(user).ward_id if user is not None else None
    if ward_id is None:
        current = RosterBuild.current(None)
        ward_id = current.municipality_id if current is not None else home_municipality_id()
    return RosterBuild.objects.filter(municipality_id=ward_id)


def roster_builds(user=None) -> QuerySet[RosterBuild]:  # noqa: ANN001
    return _ward_builds(user).select_related("built_by").order_by("-number")


@dataclass(frozen=True)
class FieldChange:
    field: str  # a RosterEntry field name, or REASONS_FIELD
    label: str
    old: str
    new: str
    is_legal_item: bool


@dataclass
class ChangedEntry:
    old: RosterEntry
    new: RosterEntry
    changes: list[FieldChange]

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.changes]


@dataclass
class DiffEntry:
    entry: RosterEntry
    reasons: list[str]


@dataclass
class RosterDiff:
    build: RosterBuild
    previous: RosterBuild | None
    added: list[DiffEntry] = field(default_factory=list)
    removed: list[DiffEntry] = field(default_factory=list)
    changed: list[ChangedEntry] = field(default_factory=list)

    @property
    def person_ids(self) -> list[int]:
        return [d.entry.person_id for d in (*self.added, *self.removed)] + [c.new.person_id for c in self.changed]


def _entries_and_reasons(build: RosterBuild) -> tuple[dict[int, RosterEntry], dict[int, list[str]]]:
    entries = {e.person_id: e for e in RosterEntry.objects.filter(build=build).select_related("town")}
    reasons: dict[int, list[str]] = defaultdict(list)
    for person_id, label in (
        RosterEntryReason.objects.filter(build=build)
        .order_by("rule__sort_order", "rule_id")
        .values_list("person_id", "label")
    ):
        reasons[person_id].append(label)
    return entries, reasons


def _sort_key(entry: RosterEntry) -> tuple:
    return (entry.town.code, entry.address, entry.address_extra, entry.family_name_kana, entry.person_id)


def roster_build_diff(build: RosterBuild) -> RosterDiff:
    """What changed since the previous build: persons added, removed, and changed (legal items, support
    attributes, reasons: old → new). Four queries whatever the size (both builds' entries and reasons in bulk).
    Not audited here: the caller shows the result and records whom it showed."""
    previous = (
        RosterBuild.objects.filter(municipality_id=build.municipality_id, number__lt=build.number)
        .order_by("-number")
        .first()
    )
    new_entries, new_reasons = _entries_and_reasons(build)
    if previous is None:
        old_entries: dict[int, RosterEntry] = {}
        old_reasons: dict[int, list[str]] = {}
    else:
        old_entries, old_reasons = _entries_and_reasons(previous)
    diff = RosterDiff(build=build, previous=previous)
    for person_id, entry in new_entries.items():
        old = old_entries.get(person_id)
        if old is None:
            diff.added.append(DiffEntry(entry, new_reasons.get(person_id, [])))
            continue
        changes = [
            FieldChange(
                name, entry_label(name), entry_display(old, name), entry_display(entry, name), name in LEGAL_FIELDS
            )
            for name in (*LEGAL_FIELDS, *SUPPORT_FIELDS)
            if getattr(old, name) != getattr(entry, name)
        ]
        before, after = old_reasons.get(person_id, []), new_reasons.get(person_id, [])
        if sorted(before) != sorted(after):
            changes.append(
                FieldChange(
                    REASONS_FIELD,
                    entry_label(REASONS_FIELD),
                    "、".join(before) or _("なし"),
                    "、".join(after) or _("なし"),
                    True,
                )
            )
        if changes:
            diff.changed.append(ChangedEntry(old=old, new=entry, changes=changes))
    for person_id, entry in old_entries.items():
        if person_id not in new_entries:
            diff.removed.append(DiffEntry(entry, old_reasons.get(person_id, [])))
    diff.added.sort(key=lambda d: _sort_key(d.entry))
    diff.removed.sort(key=lambda d: _sort_key(d.entry))
    diff.changed.sort(key=lambda c: _sort_key(c.new))
    return diff


DIFF_PAGE_SIZE = 50
DIFF_MAX_PAGE_SIZE = 200
DIFF_SECTIONS = ("added", "removed", "changed")

# Registry events that end a residence in the ward, and those that begin one again (a later return cancels an
# earlier move-out).
_LEAVING = (ResidencyEventKind.MOVED_OUT, ResidencyEventKind.DIED)
_ARRIVING = (ResidencyEventKind.REGISTERED, ResidencyEventKind.MOVED_IN, ResidencyEventKind.RETURNED)


@dataclass
class RemovedEntry(DiffEntry):
    """A person the previous build listed and this one does not, with why: they left the ward (the registry's
    event: 転出 令和8年11月30日, 死亡 …) or no longer meet the conditions they were listed under."""

    left: ResidencyEvent | None = None

    @property
    def why(self) -> str:
        if self.left is not None:
            return _("{event} {day}").format(
                event=self.left.get_kind_display(), day=format_wareki(self.left.occurred_on)
            )
        return _("条件に該当しなくなった：{reasons}").format(reasons="、".join(self.reasons) or "—")


@dataclass(kw_only=True)
class DiffSection(PageWindow):
    """One page of one of the three lists."""

    rows: list


@dataclass(kw_only=True)
class RosterDiffPage:
    build: RosterBuild
    previous: RosterBuild | None
    added: DiffSection
    removed: DiffSection
    changed: DiffSection

    @property
    def person_ids(self) -> list[int]:
        """The persons this page shows (what its audit entry names)."""
        return [d.entry.person_id for d in (*self.added.rows, *self.removed.rows)] + [
            c.new.person_id for c in self.changed.rows
        ]


def _section(items: list, *, page: int, page_size: int) -> DiffSection:
    """The page of a list already in memory; past the end is the last page (as take_page does)."""
    page_size = max(1, min(page_size, DIFF_MAX_PAGE_SIZE))
    last = max(1, -(-len(items) // page_size))
    page = max(1, min(page, last))
    rows = items[(page - 1) * page_size : page * page_size]
    return DiffSection(rows=rows, total=len(items), page=page, page_size=page_size)


def _leaving_events(build: RosterBuild, person_ids: list[int]) -> dict[int, ResidencyEvent]:
    """For each person, the registry event by which they left the ward up to the build's reference date, if
    their last arrival or departure by then is a departure. One query."""
    last: dict[int, ResidencyEvent] = {}
    events = ResidencyEvent.objects.filter(
        person_id__in=person_ids, kind__in=(*_LEAVING, *_ARRIVING), occurred_on__lte=build.reference_date
    ).order_by("person_id", "occurred_on", "id")
    for event in events:
        last[event.person_id] = event
    return {pk: event for pk, event in last.items() if event.kind in _LEAVING}


def roster_build_changes(
    *,
    user,  # noqa: ANN001
    number: int,
    pages: dict[str, int] | None = None,
    page_size: int = DIFF_PAGE_SIZE,
    request: HttpRequest | None = None,
) -> RosterDiffPage:
    """The difference page of build `number`, for those who manage the roster (it names people across the whole
    ward): one page of each list (`pages` maps "added", "removed", "changed" to a page number), the removed
    with why they left. Records one LIST entry naming exactly the persons shown. Unknown number: Http404."""
    policy.require_capability(user, policy.Capability.MANAGE_ROSTER)
    build = _ward_builds(user).select_related("built_by").filter(number=number).first()
    if build is None:
        raise Http404("no such roster build")
    diff = roster_build_diff(build)
    pages = pages or {}
    added = _section(diff.added, page=pages.get("added", 1), page_size=page_size)
    removed = _section(diff.removed, page=pages.get("removed", 1), page_size=page_size)
    changed = _section(diff.changed, page=pages.get("changed", 1), page_size=page_size)
    left = _leaving_events(build, [d.entry.person_id for d in removed.rows]) if removed.rows else {}
    removed.rows = [RemovedEntry(d.entry, d.reasons, left.get(d.entry.person_id)) for d in removed.rows]
    result = RosterDiffPage(build=build, previous=diff.previous, added=added, removed=removed, changed=changed)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.PERSON,
        target_ids=result.person_ids,
        query=f"roster_diff={build.number}",
        detail={
            "roster_build": build.number,
            "previous": diff.previous.number if diff.previous else None,
            "added": added.total,
            "removed": removed.total,
            "changed": changed.total,
            "pages": {name: getattr(result, name).page for name in DIFF_SECTIONS},
        },
        request=request,
    )
    return result
