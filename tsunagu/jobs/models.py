"""A background job: who started it, what it runs, how far it has got and what came out of it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    """What a job does, named on the user's list. A later domain that runs long work adds its member here."""

    ROSTER_BUILD = "roster_build", _("名簿の作成")
    ROSTER_OUTPUT = "roster_output", _("名簿の出力")
    RESIDENTS_IMPORT = "residents_import", _("住民データの取込")
    CONSENT_LETTERS = "consent_letters", _("同意確認書の作成")
    TEST = "test", _("試験用の処理")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("順番待ち")
    RUNNING = "running", _("処理中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")
    CANCELLED = "cancelled", _("取消")


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    # The address of the job's pages: not guessable, and the pages answer only its creator anyway.
    public_id = models.UUIDField("公開ID", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("種類", max_length=40, choices=JobKind.choices)
    # The dotted path of the function the worker calls, and its keyword arguments (JSON: ids, dates as text).
    function = models.CharField("処理", max_length=200)
    arguments = models.JSONField("引数", default=dict, blank=True)
    status = models.CharField("状態", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField("処理済み", default=0)
    progress_total = models.PositiveIntegerField("全体", default=0)
    message = models.CharField("進み具合", max_length=200, blank=True)
    # For the user, in Japanese; the technical detail goes to the log only.
    error = models.TextField("エラー", blank=True)
    # What came out: a file for its creator only (tsunagu.jobs.views.job_download_view), and/or a page to open.
    result_file = models.FileField("結果のファイル", upload_to="jobs/results/%Y/%m/", blank=True, max_length=300)
    result_filename = models.CharField("ファイル名", max_length=255, blank=True)
    result_ascii_filename = models.CharField("ファイル名（ASCII）", max_length=255, blank=True)
    result_content_type = models.CharField("ファイルの種類", max_length=100, blank=True)
    result_url = models.CharField("結果の画面", max_length=300, blank=True)
    result_message = models.CharField("結果", max_length=500, blank=True)
    # An upload waiting for its job (a resident CSV); deleted when the job ends.
    input_file = models.FileField("入力ファイル", upload_to="jobs/uploads/%Y/%m/", blank=True, max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name="開始した利用者"
    )
    # Where the job was started from, so its audit entries name the same address and page as a direct request's.
    origin_ip = models.CharField("開始した端末のIPアドレス", max_length=45, blank=True)
    origin_path = models.CharField("開始した画面", max_length=500, blank=True)
    created_at = models.DateTimeField("開始の依頼", auto_now_add=True)
    started_at = models.DateTimeField("処理の開始", null=True, blank=True)
    finished_at = models.DateTimeField("処理の終了", null=True, blank=True)

    class Meta:
        verbose_name = "バックグラウンド処理"
        verbose_name_plural = "バックグラウンド処理"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="jobs_job_user_created"),
            models.Index(fields=["status"], name="jobs_job_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))
