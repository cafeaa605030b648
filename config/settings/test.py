"""The test suite. DATABASE_URL selects SQLite (default) or PostgreSQL; make test runs both."""

import os
import tempfile
from pathlib import Path

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
AXES_ENABLED = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min"}}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not Django's in-memory test database: threads in the concurrency tests need connections of their
    # own to one database, as the web server's threads have (an in-memory database shares one cache between
    # threads and fails at once with "table is locked" instead of waiting). One file per process: pytest-xdist
    # workers and other checkouts on the machine each get theirs; Django deletes it when the run ends.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"tsunagu-test-{os.getpid()}.sqlite3"),
    }

# A second alias on the same test database (TEST MIRROR), as a replica holds the same rows. Reports read the
# primary unless a test sets TSUNAGU_REPORTS_DATABASE = "replica" (tsunagu/portal/tests/test_reports_replica.py):
# a mirror is another connection, which cannot see what a test's open transaction has written.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
TSUNAGU_REPORTS_DATABASE = "default"

# Checkpoint files of the audit chain: never the checkout's var/audit. tsunagu/conftest.py gives every test a
# directory of its own (each test starts from an empty log); this one is for anything outside a test.
TSUNAGU_AUDIT_DIR = Path(tempfile.gettempdir()) / f"tsunagu-test-audit-{os.getpid()}"

# Jobs run inside the request that starts them, except in the tests that start a real worker (tsunagu/jobs/tests),
# which run it with TSUNAGU_JOBS_IMMEDIATE=false. Generated files go to a directory of this process.
HUEY = {**HUEY, "immediate": env.bool("TSUNAGU_JOBS_IMMEDIATE", default=True)}
MEDIA_ROOT = Path(
    env("TSUNAGU_MEDIA_ROOT", default=str(Path(tempfile.gettempdir()) / f"tsunagu-test-media-{os.getpid()}"))
)

# Figures are counted live: the cache outlives a test's rolled-back rows (tsunagu/core/tests/test_figures.py
# turns keeping on).
TSUNAGU_FIGURES_CACHE_SECONDS = 0
