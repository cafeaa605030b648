"""A reason belongs to its entry: on PostgreSQL one foreign key (build, person) → the entry's unique
(build, person) replaces the two to the build and the person. It is stronger (no reason without an entry) and a
build checks one key per reason rather than two; the database checks foreign keys row by row, and at a million
residents those checks were most of a build's time. And the reasons lose their index on the person alone: every
read of reasons is by build (and person), which the unique (build, person, rule) index serves.

SQLite keeps its two single-column keys: its checks are cheap, and SQLite cannot add a constraint to a table
without rebuilding it."""

from django.db import migrations, models

REASONS = "roster_rosterentryreason"
ENTRY_KEY = "roster_reason_of_entry"


def _single_column_keys(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, REASONS)
    return [
        name for name, c in constraints.items() if c["foreign_key"] and c["columns"] in (["build_id"], ["person_id"])
    ]


def _person_index(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, REASONS)
    return [
        name
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == ["person_id"]
    ]


def forwards(apps, schema_editor):
    for name in _person_index(schema_editor):
        schema_editor.execute(f'DROP INDEX "{name}"')
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _single_column_keys(schema_editor):
        schema_editor.execute(f'ALTER TABLE {REASONS} DROP CONSTRAINT "{name}"')
    schema_editor.execute(
        f"ALTER TABLE {REASONS} ADD CONSTRAINT {ENTRY_KEY} FOREIGN KEY (build_id, person_id) "
        "REFERENCES roster_rosterentry (build_id, person_id) DEFERRABLE INITIALLY DEFERRED"
    )


def backwards(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX roster_reason_person ON {REASONS} (person_id)")
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {REASONS} DROP CONSTRAINT {ENTRY_KEY}")
    schema_editor.execute(
        f"ALTER TABLE {REASONS} ADD CONSTRAINT roster_reason_build_fk FOREIGN KEY (build_id) "
        "REFERENCES roster_rosterbuild (id) DEFERRABLE INITIALLY DEFERRED"
    )
    schema_editor.execute(
        f"ALTER TABLE {REASONS} ADD CONSTRAINT roster_reason_person_fk FOREIGN KEY (person_id) "
        "REFERENCES people_person (id) DEFERRABLE INITIALLY DEFERRED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0003_rosterbuild_per_ward"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="rosterentryreason",
                    name="build",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="reasons",
                        to="roster.rosterbuild",
                    ),
                ),
                migrations.AlterField(
                    model_name="rosterentryreason",
                    name="person",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="people.person",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
