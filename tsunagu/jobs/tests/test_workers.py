"""Jobs on real workers: `manage.py run_huey` in another process, on the SQLite queue file and on Redis
(127.0.0.1:6379, db 6), against the suite's database (SQLite or PostgreSQL). And the kill test: a worker killed
in the middle of an import or a build leaves nothing of it, and the job is marked interrupted when a worker next
starts (or when its page is read once its heartbeat is stale)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage, SqliteStorage

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.jobs.models import FINISHED, JobKind, JobStatus
from tsunagu.jobs.selectors import job_for_user
from tsunagu.jobs.services import INTERRUPTED_MESSAGE, enqueue
from tsunagu.people.models import ImportBatch, Person
from tsunagu.roster.models import RosterBuild, RosterEntry

ROOT = Path(django_settings.BASE_DIR)
REDIS_TEST_URL = "redis://127.0.0.1:6379/6"
RESIDENTS = ROOT / "tsunagu" / "people" / "tests" / "data" / "residents_utf8.csv"
WORK = "tsunagu.jobs.tests.work"

pytestmark = pytest.mark.usefixtures("audit_triggers_off_for_flush")


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, tmp_path, settings):
    """This process's huey on a queue of its own (a SQLite file, or Redis db 6), not in immediate mode; yields
    the environment a worker needs to share that queue, the database and the media directory."""
    name = f"tsunagu-test-{uuid.uuid4().hex[:10]}"
    if request.param == "sqlite":
        path = tmp_path / "queue.sqlite3"
        storage = SqliteStorage(name=name, filename=str(path))
        env = {"TSUNAGU_JOBS_QUEUE_FILE": str(path), "REDIS_URL": ""}
    else:
        if not _redis_answers():
            pytest.skip("Redis does not answer at 127.0.0.1:6379")
        storage = RedisStorage(name=name, url=REDIS_TEST_URL)
        env = {"REDIS_URL": REDIS_TEST_URL}
    settings.MEDIA_ROOT = tmp_path / "media"
    saved = HUEY.storage, HUEY._immediate
    HUEY._immediate = False  # not the setter: it would make a storage from the suite's settings
    HUEY.storage = storage
    yield {
        **os.environ,
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "TSUNAGU_JOBS_QUEUE_NAME": name,
        "TSUNAGU_JOBS_IMMEDIATE": "false",
        "TSUNAGU_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TSUNAGU_JOB_HEARTBEAT_SECONDS": "1",
        "TSUNAGU_JOB_STALE_SECONDS": "3",
        "TSUNAGU_JOB_WORKERS": "1",
        "PYTHONPATH": str(ROOT),
    }
    if request.param == "redis":
        storage.flush_all()
    HUEY.storage, HUEY._immediate = saved


class Worker:
    def __init__(self, env: dict, log: Path, *, slow_marker: Path | None = None) -> None:
        args = [sys.executable, "manage.py", "run_huey"]
        if slow_marker is not None:
            env = {**env, "TSUNAGU_TEST_SLOW_MARKER": str(slow_marker)}
            args = [sys.executable, "-m", "tsunagu.jobs.tests.slow_worker"]
        self.log = log
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(env, **kwargs):
        worker = Worker(env, tmp_path / "worker.log", **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(predicate, *, timeout=90.0, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting\n{detail}")


def finished(job):
    job.refresh_from_db()
    return job.status in FINISHED


def test_a_worker_runs_a_build_and_makes_a_file(ward, queue, workers, tmp_path):
    worker = workers(queue)
    build_job = enqueue(JobKind.ROSTER_BUILD, "tsunagu.roster.jobs.roster_build_job", user=ward.ward_officer)
    file_job = enqueue(JobKind.TEST, f"{WORK}.make_file", user=ward.ward_officer, text="名前\n")
    assert build_job.status == JobStatus.QUEUED  # queued, not run in this process

    wait_for(lambda: finished(build_job) and finished(file_job), log=worker.log)

    assert (build_job.status, file_job.status) == (JobStatus.DONE, JobStatus.DONE), worker.log.read_text()
    build = RosterBuild.objects.get(number=2)
    assert build_job.result_url.endswith("/roster/builds/2/")
    assert RosterEntry.objects.filter(build=build).count() == build.person_count
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, target_type="roster_build").count() == 1
    with file_job.result_file.open("rb") as f:
        assert f.read().decode("utf-8") == "名前\n"


@pytest.mark.parametrize("kind", ["import", "build"])
def test_a_worker_killed_mid_job_leaves_nothing_half_applied(ward, queue, workers, tmp_path, settings, kind):
    settings.TSUNAGU_JOB_STALE_SECONDS = 3
    marker = tmp_path / "in-transaction"
    persons, builds, entries = Person.objects.count(), RosterBuild.objects.count(), RosterEntry.objects.count()
    audit_entries = AuditEntry.objects.count()
    slow = workers(queue, slow_marker=marker)
    if kind == "import":
        upload = SimpleUploadedFile("residents.csv", RESIDENTS.read_bytes(), "text/csv")
        job = enqueue(
            JobKind.RESIDENTS_IMPORT,
            "tsunagu.registry.jobs.residents_import_job",
            user=ward.ward_officer,
            input_file=upload,
            filename="residents.csv",
        )
    else:
        job = enqueue(JobKind.ROSTER_BUILD, "tsunagu.roster.jobs.roster_build_job", user=ward.ward_officer)

    # The job has written everything and sits inside its transaction; its heartbeat keeps it "running".
    wait_for(marker.exists, log=slow.log)
    time.sleep(1.5)
    assert job_for_user(user=ward.ward_officer, public_id=job.public_id).status == JobStatus.RUNNING
    slow.kill()

    assert Person.objects.count() == persons
    assert not ImportBatch.objects.exists()
    assert (RosterBuild.objects.count(), RosterEntry.objects.count()) == (builds, entries)
    assert AuditEntry.objects.count() == audit_entries
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # nobody has looked yet

    # A worker that starts once the heartbeat is stale marks the job interrupted.
    time.sleep(3.5)
    fresh = workers(queue)
    wait_for(lambda: finished(job), log=fresh.log)
    assert (job.status, job.error) == (JobStatus.FAILED, str(INTERRUPTED_MESSAGE))
    assert not job.input_file
    assert Person.objects.count() == persons and RosterBuild.objects.count() == builds


def test_a_stale_job_is_marked_when_its_page_is_read(ward, queue, workers, tmp_path, settings):
    settings.TSUNAGU_JOB_STALE_SECONDS = 3
    marker = tmp_path / "in-transaction"
    slow = workers(queue, slow_marker=marker)
    job = enqueue(JobKind.ROSTER_BUILD, "tsunagu.roster.jobs.roster_build_job", user=ward.ward_officer)
    wait_for(marker.exists, log=slow.log)
    slow.kill()
    assert job_for_user(user=ward.ward_officer, public_id=job.public_id).status == JobStatus.RUNNING
    time.sleep(3.5)
    assert job_for_user(user=ward.ward_officer, public_id=job.public_id).status == JobStatus.FAILED
