"""The database itself refuses to change or delete audit entries, whoever connects."""

from django.db import migrations

from tsunagu.audit.triggers import drop_audit_triggers, install_audit_triggers

# The audit log's table while it belonged to this app (tsunagu.audit's migration 0002 moves it).
TABLE = "access_auditentry"


def forwards(apps, schema_editor) -> None:
    install_audit_triggers(schema_editor.connection, TABLE)


def backwards(apps, schema_editor) -> None:
    drop_audit_triggers(schema_editor.connection, TABLE)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
