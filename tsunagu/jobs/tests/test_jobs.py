"""Jobs in immediate mode (the suite's default): enqueue runs the function at once; the pages, the file and who may
see them."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.jobs import progress
from tsunagu.jobs.models import Job, JobKind, JobStatus
from tsunagu.jobs.selectors import job_for_user, jobs_of_user
from tsunagu.jobs.services import (
    DENIED_MESSAGE,
    FAILED_MESSAGE,
    INTERRUPTED_MESSAGE,
    enqueue,
    jobs_delete_old_files,
    jobs_mark_interrupted,
)
from tsunagu.testing.factories import UserFactory

WORK = "tsunagu.jobs.tests.work"


@pytest.fixture
def user(db):
    return UserFactory(username="jobs_user")


def test_a_job_runs_reports_progress_and_keeps_its_outcome(user):
    job = enqueue(JobKind.TEST, f"{WORK}.count_to", user=user, total=3)
    assert job.status == JobStatus.DONE
    assert (job.progress_done, job.progress_total, job.message) == (3, 3, "3件目")
    assert job.result_message == "3件を数えました。"
    assert job.result_url == "/roster/"
    assert job.started_at and job.finished_at and job.error == ""
    assert progress.progress_get(job.pk) is None  # the queue's store keeps nothing of a finished job


def test_a_file_is_kept_under_media_and_served_only_to_its_creator(user, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = enqueue(JobKind.TEST, f"{WORK}.make_file", user=user, text="名前,年齢\n")
    assert job.result_file.name.startswith("jobs/results/")
    assert str(job.public_id) in job.result_file.name
    client.force_login(user)
    response = client.get(reverse("jobs:download", args=[job.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode("utf-8") == "名前,年齢\n"
    assert "no-store" in response["Cache-Control"]
    assert "result-test.csv" in response["Content-Disposition"]
    other = UserFactory(username="someone_else")
    client.force_login(other)
    for name in ("jobs:download", "jobs:detail", "jobs:status"):
        assert client.get(reverse(name, args=[job.public_id])).status_code == 404
    assert client.get(reverse("jobs:detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("jobs:detail", args=["not-a-uuid"])).status_code == 404


def test_the_user_reads_a_refusal_in_japanese_and_never_the_technical_detail(user, caplog):
    refused = enqueue(JobKind.TEST, f"{WORK}.refuse", user=user)
    assert (refused.status, refused.error) == (JobStatus.FAILED, "この地区には未回答の方がいません。")
    denied = enqueue(JobKind.TEST, f"{WORK}.deny", user=user)
    assert (denied.status, denied.error) == (JobStatus.FAILED, str(DENIED_MESSAGE))
    crashed = enqueue(JobKind.TEST, f"{WORK}.crash", user=user)
    assert (crashed.status, crashed.error) == (JobStatus.FAILED, str(FAILED_MESSAGE))
    assert "technical detail" not in crashed.error
    assert "a technical detail the user never sees" in caplog.text


def test_a_wrong_function_path_fails_in_the_request(user):
    with pytest.raises(ImportError):
        enqueue(JobKind.TEST, f"{WORK}.no_such_function", user=user)
    assert not Job.objects.exists()


def test_the_progress_partial_polls_until_the_job_is_finished(user, client):
    job = Job.objects.create(kind=JobKind.TEST, function=f"{WORK}.count_to", created_by=user,
                             status=JobStatus.RUNNING, started_at=timezone.now())
    progress.progress_put(job.pk, done=40, total=160, message="40件目")
    client.force_login(user)
    html = client.get(reverse("jobs:status", args=[job.public_id]), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    assert '<progress id="job-progress-' in html and 'max="160" value="40"' in html
    assert "40件目" in html
    progress.progress_delete(job.pk)
    job.status, job.result_message = JobStatus.DONE, "終わりました。"
    job.save()
    html = client.get(reverse("jobs:status", args=[job.public_id]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html
    assert "終わりました。" in html


def test_a_running_job_without_heartbeat_is_marked_interrupted(user, settings):
    settings.TSUNAGU_JOB_STALE_SECONDS = 60
    started = timezone.now() - datetime.timedelta(minutes=5)
    stale = Job.objects.create(kind=JobKind.TEST, function="x", created_by=user, status=JobStatus.RUNNING,
                               started_at=started)
    alive = Job.objects.create(kind=JobKind.TEST, function="x", created_by=user, status=JobStatus.RUNNING,
                               started_at=started)
    progress.progress_put(alive.pk, done=1, total=2, message="")
    assert job_for_user(user=user, public_id=stale.public_id).status == JobStatus.FAILED
    stale.refresh_from_db()
    assert stale.error == str(INTERRUPTED_MESSAGE)
    assert job_for_user(user=user, public_id=alive.public_id).status == JobStatus.RUNNING
    assert jobs_mark_interrupted() == 0
    progress.progress_delete(alive.pk)


def test_the_list_shows_the_users_own_jobs_only(user, client):
    enqueue(JobKind.TEST, f"{WORK}.count_to", user=user, total=1)
    other = UserFactory(username="other_user")
    enqueue(JobKind.ROSTER_BUILD, f"{WORK}.count_to", user=other, total=1)
    assert [j.kind for j in jobs_of_user(user=user)] == [JobKind.TEST]
    client.force_login(user)
    html = client.get(reverse("jobs:list")).content.decode()
    assert "自分の処理" in html and "試験用の処理" in html and ">名簿の作成<" not in html


def test_a_queued_job_can_be_cancelled_and_is_then_skipped(user, client):
    from tsunagu.jobs.services import run_job

    job = Job.objects.create(kind=JobKind.TEST, function=f"{WORK}.crash", created_by=user)
    client.force_login(user)
    client.post(reverse("jobs:cancel", args=[job.public_id]))
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_old_files_are_deleted(user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = enqueue(JobKind.TEST, f"{WORK}.make_file", user=user, text="x")
    path = tmp_path / job.result_file.name
    assert path.exists()
    later = timezone.now() + datetime.timedelta(days=settings.TSUNAGU_JOB_KEEP_DAYS + 1)
    assert jobs_delete_old_files(now=timezone.now()) == 0
    assert jobs_delete_old_files(now=later) == 1
    assert not path.exists()
