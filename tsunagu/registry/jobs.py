"""The resident import as a background job (tsunagu.jobs), started from the import page. The function calls the
registry's import (which asks the policy, then reads, checks and writes the file in one transaction with its
ImportBatch row and audit entry), so a worker stopped in the middle leaves nothing half-imported."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tsunagu.core.csvio import ImportFailed, UndecodableFileError
from tsunagu.core.import_command import DRY_RUN_HEAD, FAILED_MESSAGE
from tsunagu.jobs.services import JobFailed, JobOutcome, ProgressReporter
from tsunagu.people.services import ImportNotAllowed

from .services import registry_residents_import

# How many bad rows the job's page lists; the rest are counted.
ERRORS_SHOWN = 200
MORE_ERRORS_MESSAGE = gettext_lazy("ほか{count}件のエラーがあります。")
IMPORTED_MESSAGE = gettext_lazy(
    "{head}：{filename}（{encoding}）{rows}行 — 新規 {created}、更新 {updated}、変更なし {unchanged}、"
    "区内転居 {moved_within}、転出 {moved_out}、死亡 {died}、再転入 {returned}、記載修正 {corrected}、"
    "新しい世帯 {households_created}"
)
BATCH_HEAD = gettext_lazy("取込番号 {batch}")


def residents_import_job(
    *,
    user: Any,
    request: HttpRequest | None,
    report_progress: ProgressReporter,
    input_path: str,
    filename: str,
    dry_run: bool = False,
) -> JobOutcome:
    report_progress(0, 1, _("ファイルを確認して取り込んでいます"))
    try:
        with default_storage.open(input_path, "rb") as source:
            result = registry_residents_import(
                source=source, user=user, filename=filename, dry_run=dry_run, request=request
            )
    except ImportNotAllowed as refusal:
        raise JobFailed(str(refusal)) from refusal
    except UndecodableFileError as error:
        raise JobFailed(str(error)) from error
    except ImportFailed as failure:
        lines = [str(FAILED_MESSAGE).format(count=len(failure.errors))]
        lines += [str(error) for error in failure.errors[:ERRORS_SHOWN]]
        if len(failure.errors) > ERRORS_SHOWN:
            lines.append(str(MORE_ERRORS_MESSAGE).format(count=len(failure.errors) - ERRORS_SHOWN))
        raise JobFailed("\n".join(lines)) from failure
    report_progress(1, 1, "")
    head = str(DRY_RUN_HEAD) if result.dry_run else str(BATCH_HEAD).format(batch=result.batch_id)
    message = str(IMPORTED_MESSAGE).format(
        head=head, filename=result.filename, encoding=result.encoding, **result.counts()
    )
    return JobOutcome(message=message)
