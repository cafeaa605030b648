"""The resident import page: the upload becomes a background job (immediate mode here), which imports through the
registry's service with its audit entry; others are refused."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.audit.models import AuditAction, AuditChannel, AuditEntry
from tsunagu.jobs.models import Job, JobKind, JobStatus
from tsunagu.people.models import ImportBatch, Person

DATA = Path(__file__).resolve().parents[2] / "people" / "tests" / "data"
IMPORT_URL = reverse("registry:import")


def upload(name="residents_utf8.csv", content=None):
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes(), "text/csv")


def test_the_ward_officer_uploads_a_file_and_the_job_imports_it(ward, verified_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = verified_client(ward.ward_officer)
    assert client.get(IMPORT_URL).status_code == 200
    before = Person.objects.count()

    response = client.post(IMPORT_URL, {"file": upload()})

    job = Job.objects.get()
    assert (job.kind, job.status, job.created_by) == (JobKind.RESIDENTS_IMPORT, JobStatus.DONE, ward.ward_officer)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.public_id])
    batch = ImportBatch.objects.get()
    assert Person.objects.count() > before
    assert f"取込番号 {batch.pk}" in job.result_message
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    # The job's audit entry names the page and the address it was started from, as a direct request's would.
    assert (entry.actor_username, entry.channel, entry.path) == ("ward_officer", AuditChannel.WEB, IMPORT_URL)
    assert entry.ip_address == "127.0.0.1"
    assert not job.input_file and not list((tmp_path / "jobs" / "uploads").rglob("*.csv"))
    page = client.get(reverse("jobs:detail", args=[job.public_id])).content.decode()
    assert "完了" in page and f"取込番号 {batch.pk}" in page


def test_a_bad_file_is_refused_with_its_rows_and_nothing_is_written(ward, verified_client):
    client = verified_client(ward.ward_officer)
    text = (DATA / "residents_utf8.csv").read_text(encoding="utf-8").replace("昭和15年5月3日", "昭和99年99月1日")
    client.post(IMPORT_URL, {"file": upload(content=text.encode("utf-8"))})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "取込を中止しました" in job.error and "3行目" not in job.error.splitlines()[0]
    assert len(job.error.splitlines()) >= 2
    assert not ImportBatch.objects.exists()
    page = client.get(reverse("jobs:detail", args=[job.public_id])).content.decode()
    assert 'role="alert"' in page


def test_a_dry_run_writes_nothing(ward, verified_client):
    client = verified_client(ward.ward_officer)
    client.post(IMPORT_URL, {"file": upload(), "dry_run": "on"})
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and "検査のみ" in job.result_message
    assert not ImportBatch.objects.exists()


def test_others_are_refused_and_logged(ward, verified_client):
    for persona in ("ward_clerk", "shakyo_coordinator", "association_member"):
        client = verified_client(getattr(ward, persona))
        assert client.get(IMPORT_URL).status_code == 403
        assert client.post(IMPORT_URL, {"file": upload()}).status_code == 403
    assert not Job.objects.exists() and not ImportBatch.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DENIED).count() == 6
