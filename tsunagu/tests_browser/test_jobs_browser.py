"""A job's page in a real browser: the progress bar moves as the worker reports, htmx keeps asking every second,
and when the job is done the result shows and the asking stops. The page passes axe-core while running and when
done.

No ORM call in the test's own thread while Playwright runs (its event loop makes Django refuse them): the job is
changed from a helper thread, as a worker in another process would change it."""

import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.jobs import progress
from tsunagu.jobs.models import Job, JobKind, JobStatus
from tsunagu.testing.browser import TIMEOUT_MS, assert_accessible, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]


def in_thread(work: Callable[[], None]) -> None:
    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_the_progress_bar_moves_and_the_result_shows_when_done(
    live_server: LiveServer, ward: SimpleNamespace
) -> None:
    job = Job.objects.create(
        kind=JobKind.TEST,
        function="tsunagu.jobs.tests.work.count_to",
        created_by=ward.association_member,
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
    )
    progress.progress_put(job.pk, done=40, total=160, message="40件目")

    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 390, "height": 844})
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_server.url, "association_member")
        page.goto(f"{live_server.url}/jobs/{job.public_id}/")
        bar = page.locator("#job-status progress")
        expect(bar).to_have_attribute("value", "40")
        expect(page.locator("#job-status")).to_contain_text("40件目")
        assert_accessible(page, "running job")

        progress.progress_put(job.pk, done=120, total=160, message="120件目")
        expect(bar).to_have_attribute("value", "120")
        expect(page.get_by_text("120 / 160（75%）")).to_be_visible()

        def finish() -> None:
            progress.progress_delete(job.pk)
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.DONE, result_message="160件を数えました。", result_url="/roster/",
                finished_at=timezone.now(),
            )

        in_thread(finish)
        expect(page.locator("#job-status")).to_contain_text("160件を数えました。")
        expect(page.get_by_role("link", name="結果を開く →")).to_be_visible()
        expect(page.locator("#job-status")).not_to_have_attribute("hx-trigger", "every 1s")
        assert_accessible(page, "finished job")
