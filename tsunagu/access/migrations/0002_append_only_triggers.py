"""The database itself refuses to change or delete audit entries, whoever connects."""

from django.db import migrations

from tsunagu.access.migrations_support import drop_audit_triggers, install_audit_triggers


def forwards(apps, schema_editor) -> None:
    install_audit_triggers(schema_editor.connection)


def backwards(apps, schema_editor) -> None:
    drop_audit_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
