"""Writing the plan: households, residents (bulk insert, bulk update of the changed fields) and their events."""

from __future__ import annotations

import sys
from typing import Any

from django.utils import timezone
from tqdm import tqdm

from tsunagu.core.bulk import insert_rows
from tsunagu.people.models import Household, ImportBatch, Person, ResidencyEvent
from tsunagu.people.services.batching import IMPORT_BATCH_SIZE, LOOKUP_CHUNK, PROGRESS_THRESHOLD, chunks
from tsunagu.people.services.plan import Plan


def household_ids(numbers: set[str], *, create: bool) -> tuple[dict[str, int], set[str]]:
    """世帯番号 → household id, and the numbers that are new: created in bulk here (or, for a dry run, given
    negative stand-in ids so that comparisons still see a change)."""
    ids: dict[str, int] = {}
    ordered = sorted(numbers)
    for chunk in chunks(ordered, LOOKUP_CHUNK):
        ids.update(Household.objects.filter(number__in=chunk).values_list("number", "id"))
    missing = [number for number in ordered if number not in ids]
    if not create:
        ids.update({number: -n for n, number in enumerate(missing, start=1)})
        return ids, set(missing)
    insert_rows(Household, ["number"], [(number,) for number in missing])
    for chunk in chunks(missing, LOOKUP_CHUNK):
        ids.update(Household.objects.filter(number__in=chunk).values_list("number", "id"))
    return ids, set(missing)


def write_plan(plan: Plan, *, batch: ImportBatch, user: Any, progress: bool) -> None:
    recorder = user if user is not None and user.is_authenticated else None
    total = len(plan.new) + sum(len(p) for p in plan.updates.values()) + len(plan.events)
    bar = tqdm(
        total=total,
        desc="書き込み",
        unit="件",
        file=sys.stderr,
        leave=False,
        disable=not progress or total <= PROGRESS_THRESHOLD,
    )
    with bar:
        for chunk in chunks(plan.new, IMPORT_BATCH_SIZE * 10):
            Person.objects.bulk_create(chunk, batch_size=IMPORT_BATCH_SIZE)
            bar.update(len(chunk))
        now = timezone.now()
        for fields, persons in plan.updates.items():
            for person in persons:
                person.updated_at = now
            for chunk in chunks(persons, IMPORT_BATCH_SIZE * 10):
                Person.objects.bulk_update(chunk, [*fields, "updated_at"], batch_size=IMPORT_BATCH_SIZE)
                bar.update(len(chunk))
        recorded_at = timezone.now()
        events = [
            (person.pk, kind, day, details, batch.pk, recorder.pk if recorder else None, recorded_at)
            for person, kind, day, details in plan.events
        ]
        columns = ["person_id", "kind", "occurred_on", "details", "import_batch_id", "recorded_by_id", "recorded_at"]
        for chunk in chunks(events, IMPORT_BATCH_SIZE * 10):
            insert_rows(ResidencyEvent, columns, chunk)
            bar.update(len(chunk))
