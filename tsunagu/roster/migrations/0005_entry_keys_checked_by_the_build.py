"""The database keys of a build's rows that the build itself guarantees are dropped (see RosterEntry and
RosterEntryReason): at a million residents their row-by-row checks at commit were half of a build. On PostgreSQL
that includes the reasons' (build, person) → entry key added by 0004."""

import django.db.models.deletion
from django.db import migrations, models

REASONS = "roster_rosterentryreason"
ENTRY_KEY = "roster_reason_of_entry"


def _drop_entry_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {REASONS} DROP CONSTRAINT IF EXISTS {ENTRY_KEY}")


def _add_entry_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {REASONS} ADD CONSTRAINT {ENTRY_KEY} FOREIGN KEY (build_id, person_id) "
            "REFERENCES roster_rosterentry (build_id, person_id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0004_town_district_municipality'),
        ('people', '0008_person_scope_indexes'),
        ('roster', '0004_reason_belongs_to_its_entry'),
    ]

    operations = [
        migrations.RunPython(_drop_entry_key, _add_entry_key),
        migrations.AlterField(
            model_name='rosterentry',
            name='person',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='roster_entries', to='people.person'),
        ),
        migrations.AlterField(
            model_name='rosterentry',
            name='town',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.town'),
        ),
        migrations.AlterField(
            model_name='rosterentryreason',
            name='rule',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='roster.rosterrule'),
        ),
    ]
