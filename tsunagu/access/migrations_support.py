"""Append-only triggers for the audit table, shared by the migration and by test set-up."""

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS access_auditentry_no_update BEFORE UPDATE ON access_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS access_auditentry_no_delete BEFORE DELETE ON access_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS access_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS access_auditentry_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION access_auditentry_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS access_auditentry_no_change ON access_auditentry;",
    """CREATE TRIGGER access_auditentry_no_change BEFORE UPDATE OR DELETE ON access_auditentry
       FOR EACH ROW EXECUTE FUNCTION access_auditentry_refuse();""",
    "DROP TRIGGER IF EXISTS access_auditentry_no_truncate ON access_auditentry;",
    """CREATE TRIGGER access_auditentry_no_truncate BEFORE TRUNCATE ON access_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION access_auditentry_refuse();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS access_auditentry_no_change ON access_auditentry;",
    "DROP TRIGGER IF EXISTS access_auditentry_no_truncate ON access_auditentry;",
]


def _execute(connection: BaseDatabaseWrapper, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def install_audit_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def drop_audit_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})
