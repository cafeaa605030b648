"""The audit tables take this app's names; the append-only triggers are dropped before and installed after."""

from django.db import migrations

from tsunagu.audit.triggers import AUDIT_TABLE, drop_audit_triggers, install_audit_triggers

OLD_TABLE = "access_auditentry"


def drop_old(apps, schema_editor) -> None:
    drop_audit_triggers(schema_editor.connection, OLD_TABLE)


def install_new(apps, schema_editor) -> None:
    install_audit_triggers(schema_editor.connection, AUDIT_TABLE)


def drop_new(apps, schema_editor) -> None:
    drop_audit_triggers(schema_editor.connection, AUDIT_TABLE)


def install_old(apps, schema_editor) -> None:
    install_audit_triggers(schema_editor.connection, OLD_TABLE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("access", "0003_audit_log_moves_to_audit_app")]

    operations = [
        migrations.RunPython(drop_old, install_old),
        migrations.AlterModelTable("AuditEntry", None),
        migrations.AlterModelTable("AuditHead", None),
        migrations.RunPython(install_new, drop_new),
    ]
