"""The consent state (ConsentState): the decision in force per person and scope, as rows the policy, lists and
counts join, rewritten from the append-only history (Consent, ConsentRequest) — the record.

`refresh_consent_state` is the one definition of "in force": per person and scope, the latest recorded Consent
(recorded_at, then id) and the earliest reply date of its letters. It runs as one set-based upsert
(INSERT … SELECT … ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike) for the persons given, or for everyone.
Every write of Consent or ConsentRequest calls it in its own transaction: the consent services for one person
or one batch of letters, bulk writers (the synthetic ward) once at the end.

`consent_state_differences` lists the persons whose state differs from what their history says (the
`consent_state check` command); `refresh_consent_state()` with no persons repairs them all."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from tsunagu.core.figures import figures_changed
from tsunagu.people.models import Consent, ConsentRequest, ConsentState, Person

# Persons per statement: well under SQLite's bound on placeholders, and a short IN list for PostgreSQL.
PERSONS_PER_STATEMENT = 2000


@dataclass(frozen=True)
class _Tables:
    """Quoted names of the three tables and their columns (from the models' metadata, never from input)."""

    consent: str
    request: str
    state: str
    person: str
    connection: BaseDatabaseWrapper

    @classmethod
    def of(
        cls,
        consent: type[Model] = Consent,
        request: type[Model] = ConsentRequest,
        state: type[Model] = ConsentState,
        person: type[Model] = Person,
        using: str | None = None,
    ) -> _Tables:
        connection = connections[using or router.db_for_write(state)]
        quote = connection.ops.quote_name
        tables = (quote(model._meta.db_table) for model in (consent, request, state, person))
        return cls(*tables, connection=connection)


def _where(scope: str | None, person_ids: list[int] | None, table: str = "") -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) naming the rows of these persons and scope (of `table`)."""
    prefix = f"{table}." if table else ""
    parts, params = ["1 = 1"], []
    if scope is not None:
        parts.append(f"{prefix}scope = %s")
        params.append(scope)
    if person_ids is not None:
        parts.append(f"{prefix}person_id IN ({', '.join(['%s'] * len(person_ids))})")
        params.extend(person_ids)
    return " AND ".join(parts), params


def _expected(t: _Tables, scope: str | None, person_ids: list[int] | None) -> tuple[str, list[object]]:
    """SELECT person_id, scope, consent_id, status, recipient_kinds, first_letter_due_on: the state the history
    says, one row per person and scope with any Consent or ConsentRequest."""
    where, params = _where(scope, person_ids)
    sql = f"""
        SELECT k.person_id, k.scope, l.id AS consent_id, l.status, l.recipient_kinds, r.due AS first_letter_due_on
        FROM (
            SELECT person_id, scope FROM {t.consent} WHERE {where}
            UNION
            SELECT person_id, scope FROM {t.request} WHERE {where}
        ) k
        LEFT JOIN (
            SELECT id, person_id, scope, status, recipient_kinds,
                   ROW_NUMBER() OVER (PARTITION BY person_id, scope ORDER BY recorded_at DESC, id DESC) AS rn
            FROM {t.consent} WHERE {where}
        ) l ON l.person_id = k.person_id AND l.scope = k.scope AND l.rn = 1
        LEFT JOIN (
            SELECT person_id, scope, MIN(reply_due_on) AS due FROM {t.request} WHERE {where} GROUP BY person_id, scope
        ) r ON r.person_id = k.person_id AND r.scope = k.scope
        WHERE 1 = 1
    """  # noqa: S608 - table names from the models' metadata; every value is a parameter
    return sql, params * 4


def _chunks(person_ids: Iterable[int] | None) -> Iterator[list[int] | None]:
    if person_ids is None:
        yield None
        return
    ids = sorted({int(pk) for pk in person_ids})
    for start in range(0, len(ids), PERSONS_PER_STATEMENT):
        yield ids[start : start + PERSONS_PER_STATEMENT]


def _without_history(t: _Tables, table: str) -> str:
    """The condition that a state row (of `table`, the state table or its alias) has no history behind it."""
    return f"""
        NOT EXISTS (SELECT 1 FROM {t.consent} c WHERE c.person_id = {table}.person_id AND c.scope = {table}.scope)
        AND NOT EXISTS (SELECT 1 FROM {t.request} r WHERE r.person_id = {table}.person_id AND r.scope = {table}.scope)
    """  # noqa: S608


def _refresh(t: _Tables, person_ids: Iterable[int] | None, scope: str | None) -> None:
    with transaction.atomic(using=t.connection.alias), t.connection.cursor() as cursor:
        for chunk in _chunks(person_ids):
            if chunk is not None and t.connection.vendor == "postgresql":
                # Two transactions writing history of one person (a reply, a letter) each refresh after their own
                # insert: the person's lock makes the later refresh wait for the earlier commit and read it, so
                # the last refresh sees every row. (SQLite runs one writer at a time.)
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT id FROM {t.person} WHERE id IN ({placeholders}) ORDER BY id FOR UPDATE",  # noqa: S608
                    chunk,
                )
            expected, params = _expected(t, scope, chunk)
            cursor.execute(
                f"""
                INSERT INTO {t.state} (person_id, scope, consent_id, status, recipient_kinds, first_letter_due_on)
                {expected}
                ON CONFLICT (person_id, scope) DO UPDATE SET
                    consent_id = excluded.consent_id,
                    status = excluded.status,
                    recipient_kinds = excluded.recipient_kinds,
                    first_letter_due_on = excluded.first_letter_due_on
                """,
                params,
            )
            # A state row with no history behind it (history is never deleted, but a state can be corrupted).
            where, where_params = _where(scope, chunk)
            cursor.execute(
                f"DELETE FROM {t.state} WHERE {where} AND {_without_history(t, t.state)}",  # noqa: S608
                where_params,
            )


def refresh_consent_state(
    person_ids: Iterable[int] | None = None, *, scope: str | None = None, using: str | None = None
) -> None:
    """Rewrite the consent state of these persons (None: everyone) in `scope` (None: every scope) from their
    history, set-based, inside the caller's transaction (or one of its own)."""
    _refresh(_Tables.of(using=using), person_ids, scope)
    figures_changed(using)


def refresh_consent_state_with(
    consent: type[Model], request: type[Model], state: type[Model], person: type[Model], *, using: str | None = None
) -> None:
    """refresh_consent_state for everyone, over the given model classes (a migration's historical models)."""
    _refresh(_Tables.of(consent, request, state, person, using=using), None, None)


def consent_state_differences(
    person_ids: Iterable[int] | None = None, *, scope: str | None = None, using: str | None = None
) -> list[tuple[int, str]]:
    """(person id, scope) of every state that differs from what the history says — missing, stale or with no
    history behind it — sorted. One query per chunk of persons."""
    t = _Tables.of(using=using)
    found: set[tuple[int, str]] = set()
    with t.connection.cursor() as cursor:
        for chunk in _chunks(person_ids):
            expected, params = _expected(t, scope, chunk)
            where, where_params = _where(scope, chunk, "s")
            cursor.execute(
                f"""
                SELECT e.person_id, e.scope FROM ({expected}) e
                LEFT JOIN {t.state} s ON s.person_id = e.person_id AND s.scope = e.scope
                WHERE s.id IS NULL
                   OR s.consent_id IS DISTINCT FROM e.consent_id
                   OR s.status IS DISTINCT FROM e.status
                   OR s.recipient_kinds IS DISTINCT FROM e.recipient_kinds
                   OR s.first_letter_due_on IS DISTINCT FROM e.first_letter_due_on
                UNION
                SELECT s.person_id, s.scope FROM {t.state} s
                WHERE {where} AND {_without_history(t, "s")}
                """,  # noqa: S608
                params + where_params,
            )
            found.update((int(pk), str(s)) for pk, s in cursor.fetchall())
    return sorted(found)
