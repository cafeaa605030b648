"""The keyed chain: each entry names the key that signed it (empty for the entries already written, whose plain
SHA-256 hashes stay as they are: no audit row is rewritten), and the head row exists from the start, so two
first-ever writers never race to create it.

On SQLite, adding a column with a default rebuilds the table, which loses its triggers; they are dropped before
and installed again after, on both databases (PostgreSQL adds the column without touching a row)."""

from django.db import migrations, models

from tsunagu.audit.triggers import drop_audit_triggers, install_audit_triggers

GENESIS_HASH = "0" * 64


def drop(apps, schema_editor) -> None:
    drop_audit_triggers(schema_editor.connection)


def install(apps, schema_editor) -> None:
    install_audit_triggers(schema_editor.connection)


def create_head(apps, schema_editor) -> None:
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    if AuditHead.objects.filter(pk=1).exists():
        return
    last = AuditEntry.objects.order_by("-seq").first()
    AuditHead.objects.create(pk=1, seq=last.seq if last else 0, hash=last.hash if last else GENESIS_HASH)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_target_types")]

    operations = [
        migrations.RunPython(drop, install),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="鍵ID"),
        ),
        migrations.RunPython(install, drop),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
