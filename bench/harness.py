"""Running a benchmark inside Django against a scratch database.

Settings are read once per process, so each database gets its own worker process:
`python bench/run.py --worker MODULE:FUNCTION --database-url URL` sets DATABASE_URL, sets Django up, migrates
the empty database and prints the function's figures as one JSON line that the parent reads back."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARKER = "BENCH-RESULT "
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# Another name lets two benchmarks run at once on one server (BENCH_PG_DB).
PG_SCRATCH_DB = os.environ.get("BENCH_PG_DB", "tsunagu_bench")


def run_worker(target: str, database_url: str, *extra: str) -> dict[str, float]:
    """Run `target` ("module:function", a module of bench/) in a fresh process on `database_url`."""
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--worker", target, "--database-url", database_url]
    done = subprocess.run([*command, *extra], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    figures: dict[str, float] = {}
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            figures = json.loads(line.removeprefix(RESULT_MARKER))
        else:
            print(line)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark worker {target} failed with exit code {done.returncode}")
    return figures


def worker_main(target: str, database_url: str, extra: list[str]) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  migrated the scratch database in {time.perf_counter() - started:.1f} s", flush=True)
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    figures = function(*extra)
    print(RESULT_MARKER + json.dumps(figures), flush=True)


@contextlib.contextmanager
def scratch_sqlite(name: str) -> Iterator[str]:
    """A fresh SQLite file under var/, removed afterwards."""
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    path = var / f"bench-{name}-{os.getpid()}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception:
        return False
    return True


@contextlib.contextmanager
def scratch_postgres(database: str = PG_SCRATCH_DB) -> Iterator[str]:
    """A scratch database created on the local PostgreSQL and dropped afterwards. A benchmark that may run beside
    another names its own `database`: dropping one drops it WITH (FORCE), under the other's feet."""
    import psycopg

    def admin(sql: str) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
            connection.execute(sql)

    admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    admin(f"CREATE DATABASE {database}")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    finally:
        admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
