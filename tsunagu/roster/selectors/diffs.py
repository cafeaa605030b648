"""Versions of the roster and what changed between two of them: who was added, who left, whose items changed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record

from ..models import RosterBuild, RosterEntry, RosterEntryReason
from .entries import LEGAL_FIELDS, REASONS_FIELD, SUPPORT_FIELDS, entry_display, entry_label


def roster_builds() -> QuerySet[RosterBuild]:
    return RosterBuild.objects.select_related("built_by").order_by("-number")


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
    previous = RosterBuild.objects.filter(number__lt=build.number).order_by("-number").first()
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


def roster_build_changes(*, user, number: int, request: HttpRequest | None = None) -> RosterDiff:  # noqa: ANN001
    """The difference page of build `number`, for those who manage the roster (it names people across the whole
    ward). Records one LIST entry naming every person it shows. Unknown number: Http404."""
    policy.require_capability(user, policy.Capability.MANAGE_ROSTER)
    build = RosterBuild.objects.select_related("built_by").filter(number=number).first()
    if build is None:
        raise Http404("no such roster build")
    diff = roster_build_diff(build)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.PERSON,
        target_ids=diff.person_ids,
        query=f"roster_diff={build.number}",
        detail={
            "roster_build": build.number,
            "previous": diff.previous.number if diff.previous else None,
            "added": len(diff.added),
            "removed": len(diff.removed),
            "changed": len(diff.changed),
        },
        request=request,
    )
    return diff
