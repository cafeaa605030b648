"""Job functions for the jobs' own tests (a worker imports them by their dotted path)."""

from django.core.exceptions import PermissionDenied

from tsunagu.core.output import OutputFilename
from tsunagu.jobs.services import JobFailed, JobOutcome


def count_to(*, user, request, report_progress, total):
    for done in range(1, total + 1):
        report_progress(done, total, f"{done}件目")
    return JobOutcome(message=f"{total}件を数えました。", url="/roster/")


def make_file(*, user, request, report_progress, text):
    return JobOutcome(
        content=text.encode("utf-8"),
        filename=OutputFilename("結果_テスト.csv", "result-test.csv"),
        content_type="text/csv; charset=utf-8",
    )


def refuse(*, user, request, report_progress):
    raise JobFailed("この地区には未回答の方がいません。")


def deny(*, user, request, report_progress):
    raise PermissionDenied


def crash(*, user, request, report_progress):
    raise RuntimeError("a technical detail the user never sees")
