"""Indexes for reading a community viewer's scope (issue 7, item 4), PostgreSQL only (SQLite at ward size needs
none): the residents of some 町丁目 and the consent in force are read from indexes alone.

- people_person (town_id, status) INCLUDE (id): the ids of a 町会's or a commissioner's residents (tens of
  thousands in a city ward) by an index-only scan, instead of a read of each of their rows in the table;
- people_consentstate (scope, status) INCLUDE (person_id, recipient_kinds): the decisions a consent condition
  reads (同意 for these recipients), likewise;
- people_person (id) WHERE latitude or longitude IS NULL: the few persons the map cannot place (listed under it),
  found without reading every listed person's row.

Built CONCURRENTLY (the migration is not atomic), so that the live tables stay writable while they are built."""

from django.db import migrations

POSTGRES_INDEXES = {
    "person_town_scope": "people_person (town_id, status) INCLUDE (id)",
    "consent_state_scope": "people_consentstate (scope, status) INCLUDE (person_id, recipient_kinds)",
    "person_unlocated": "people_person (id) WHERE latitude IS NULL OR longitude IS NULL",
}


def create_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in POSTGRES_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in POSTGRES_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("people", "0007_person_search_indexes")]

    operations = [migrations.RunPython(create_postgres_indexes, drop_postgres_indexes, elidable=False)]
