"""The consent state (issue 7, item 3): the decision in force per person and scope as rows the policy joins,
instead of a subquery per person over the history. Filled here from the existing history by the same set-based
refresh the consent services run (tsunagu.people.services.consent_state)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_from_history(apps, schema_editor):
    from tsunagu.people.services.consent_state import refresh_consent_state_with

    refresh_consent_state_with(
        apps.get_model("people", "Consent"),
        apps.get_model("people", "ConsentRequest"),
        apps.get_model("people", "ConsentState"),
        apps.get_model("people", "Person"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_person_phone_half_width'),
    ]

    operations = [
        migrations.CreateModel(
            name='ConsentState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=20, verbose_name='対象とする情報')),
                ('status', models.CharField(blank=True, choices=[('agreed', '同意'), ('refused', '不同意'), ('unanswered', '未回答'), ('withdrawn', '撤回')], max_length=20, null=True, verbose_name='同意の状況')),
                ('recipient_kinds', models.CharField(blank=True, max_length=200, null=True, verbose_name='提供先の種別')),
                ('first_letter_due_on', models.DateField(blank=True, null=True, verbose_name='最初の回答期限')),
                ('consent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='in_force_for', to='people.consent', verbose_name='同意')),
                ('person', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='consent_states', to='people.person', verbose_name='住民')),
            ],
            options={
                'verbose_name': '現在の同意',
                'verbose_name_plural': '現在の同意',
                'indexes': [models.Index(fields=['scope', 'status'], name='consent_state_status'), models.Index(fields=['scope', 'first_letter_due_on'], name='consent_state_first_due')],
                'constraints': [models.UniqueConstraint(fields=('person', 'scope'), name='consent_state_person_scope')],
            },
        ),
        # Going back drops the table: the history was never changed.
        migrations.RunPython(fill_from_history, migrations.RunPython.noop),
    ]
