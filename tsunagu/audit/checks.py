"""A startup check: the checkpoint directory must be writable, or every checkpoint line is lost (each failure is
logged, and verify reports the entries left without one, but only later)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def audit_checkpoint_dir_writable(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    directory = Path(settings.TSUNAGU_AUDIT_DIR)
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent  # the directory is created on the first write, if its parent allows
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return []
    return [
        Warning(
            f"The audit checkpoint directory {directory} cannot be created or written.",
            hint="Set TSUNAGU_AUDIT_DIR to a directory the application's user may write (docs/deploy.md).",
            id="audit.W001",
        )
    ]
