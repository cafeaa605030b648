"""Roster entries keep the person's current town beside the town at build time, kept by a trigger on people_person
(every move, whoever makes it: the import's set-wise UPDATE, a staff edit, the admin)."""

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS = {
    "sqlite": (
        [
            """CREATE TRIGGER IF NOT EXISTS roster_entry_follows_person_town
               AFTER UPDATE OF town_id ON people_person WHEN OLD.town_id IS NOT NEW.town_id
               BEGIN UPDATE roster_rosterentry SET person_town_id = NEW.town_id WHERE person_id = NEW.id; END;""",
        ],
        ["DROP TRIGGER IF EXISTS roster_entry_follows_person_town;"],
    ),
    "postgresql": (
        [
            """CREATE OR REPLACE FUNCTION roster_entry_follows_person_town() RETURNS trigger AS $$
               BEGIN
                 UPDATE roster_rosterentry SET person_town_id = NEW.town_id WHERE person_id = NEW.id;
                 RETURN NULL;
               END; $$ LANGUAGE plpgsql;""",
            "DROP TRIGGER IF EXISTS roster_entry_follows_person_town ON people_person;",
            """CREATE TRIGGER roster_entry_follows_person_town
               AFTER UPDATE OF town_id ON people_person FOR EACH ROW
               WHEN (OLD.town_id IS DISTINCT FROM NEW.town_id)
               EXECUTE FUNCTION roster_entry_follows_person_town();""",
        ],
        [
            "DROP TRIGGER IF EXISTS roster_entry_follows_person_town ON people_person;",
            "DROP FUNCTION IF EXISTS roster_entry_follows_person_town();",
        ],
    ),
}


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def fill(apps, schema_editor) -> None:
    _run(
        schema_editor,
        [
            "UPDATE roster_rosterentry SET person_town_id = "
            "(SELECT town_id FROM people_person WHERE people_person.id = roster_rosterentry.person_id)"
        ],
    )


# After the table's last change here: SQLite rebuilds a table to alter a column. (A later migration that
# rebuilds people_person on SQLite drops the trigger with it and must install it again; a test moves a person.)
def install(apps, schema_editor) -> None:
    _run(schema_editor, TRIGGERS.get(schema_editor.connection.vendor, ([], []))[0])


def uninstall(apps, schema_editor) -> None:
    _run(schema_editor, TRIGGERS.get(schema_editor.connection.vendor, ([], []))[1])


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("people", "0001_initial"),
        ("roster", "0005_entry_keys_checked_by_the_build"),
    ]

    operations = [
        migrations.AddField(
            model_name="rosterentry",
            name="person_town",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.town",
                verbose_name="現在の町丁目",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="rosterentry",
            name="person_town",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.town",
                verbose_name="現在の町丁目",
            ),
        ),
        migrations.AddIndex(
            model_name="rosterentry",
            index=models.Index(fields=["build", "person_town"], name="roster_entry_build_person_town"),
        ),
        migrations.RunPython(install, uninstall),
    ]
