"""Indexes for the person search (issue 7, item 2; tsunagu.registry.search says which query kind uses which).

On every database: a btree on birth_date (a date typed into the search box is an exact match).

On PostgreSQL only, since SQLite has neither pg_trgm nor collations by name (and at ward size it needs none):
- the pg_trgm extension and a GIN gin_trgm_ops index on each folded key, kana_key and name_key, for queries of
  three characters or more, matched anywhere in the key (`LIKE '%タロウ%'`);
- a btree on (kana_key COLLATE "C", resident_number): the order of every result list, and a kana prefix
  (`LIKE 'タ%'` in the "C" collation is a range of it), so a list reads only the rows it shows. The "C"
  collation makes it right whatever the database's default collation is. It INCLUDEs what the ward officer's
  policy reads (status, town_id) and the key, so walking it to meet the readings that have a given name in them
  (spread evenly over every family name) reads the index alone.
- a btree on (name_key COLLATE "C") INCLUDE (kana_key, resident_number, status, town_id, id) for one- and
  two-character name queries (a prefix of name_key): a family name as common as 山田 has 19,000 rows in a
  million, and the columns the kana order and the ward officer's policy read are in the index, so they are
  ordered by an index-only scan instead of 19,000 reads of the table.
宛名番号 is served by its unique index.

The indexes are built CONCURRENTLY (the migration is not atomic), so that a ward's live person table is not
locked for writes while they are built. Reversing drops the indexes and leaves the extension, which other
objects may use."""

from django.db import migrations, models

POSTGRES_INDEXES = {
    "person_kana_trgm": "people_person USING gin (kana_key gin_trgm_ops)",
    "person_name_trgm": "people_person USING gin (name_key gin_trgm_ops)",
    "person_kana_order": 'people_person ((kana_key COLLATE "C"), resident_number) INCLUDE (status, town_id, id)',
    "person_name_order": (
        'people_person ((name_key COLLATE "C")) INCLUDE (kana_key, resident_number, status, town_id, id)'
    ),
}


def create_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in POSTGRES_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in POSTGRES_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("people", "0006_consent_state")]

    operations = [
        migrations.AddIndex(model_name="person", index=models.Index(fields=["birth_date"], name="person_birth_date")),
        migrations.RunPython(create_postgres_indexes, drop_postgres_indexes, elidable=False),
    ]
