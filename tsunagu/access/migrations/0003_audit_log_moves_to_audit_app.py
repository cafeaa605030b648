"""The audit log became an app of its own (tsunagu.audit). The tables stay; only Django's model state moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("access", "0002_append_only_triggers"), ("audit", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel("AuditEntry"), migrations.DeleteModel("AuditHead")],
            database_operations=[],
        )
    ]
