"""Append-only triggers for the audit table, shared by the migrations and by test set-up.

The table name is a parameter because the audit log began as part of the access app (table
`audit_auditentry`); the migration that moved it to its own app drops the old triggers, renames the table and
installs these again."""

from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLE = "audit_auditentry"


def _statements(table: str) -> dict[str, dict[str, list[str]]]:
    return {
        "up": {
            "sqlite": [
                f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
                   BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
                f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
                   BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
            ],
            "postgresql": [
                f"""CREATE OR REPLACE FUNCTION {table}_refuse() RETURNS trigger AS $$
                   BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
                f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};",
                f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                   FOR EACH ROW EXECUTE FUNCTION {table}_refuse();""",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
                f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                   FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse();""",
            ],
        },
        "down": {
            "sqlite": [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"],
            "postgresql": [
                f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
                f"DROP FUNCTION IF EXISTS {table}_refuse();",
            ],
        },
    }


def _execute(connection: BaseDatabaseWrapper, table: str, direction: str) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(table)[direction].get(connection.vendor, []):
            cursor.execute(sql)


def install_audit_triggers(connection: BaseDatabaseWrapper, table: str = AUDIT_TABLE) -> None:
    _execute(connection, table, "up")


def drop_audit_triggers(connection: BaseDatabaseWrapper, table: str = AUDIT_TABLE) -> None:
    _execute(connection, table, "down")
