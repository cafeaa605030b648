"""The jobs' pages: one job with its progress (polled by htmx), the user's own jobs, the result file."""

from .pages import (
    job_cancel_view,
    job_detail_view,
    job_download_view,
    job_list_view,
    job_response,
    job_status_view,
)

__all__ = [
    "job_cancel_view",
    "job_detail_view",
    "job_download_view",
    "job_list_view",
    "job_response",
    "job_status_view",
]
