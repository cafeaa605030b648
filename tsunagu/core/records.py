"""Records that are history: written once, never changed or deleted through the application.

The audit log, safety reports and the steps of referrals, stages and outreach are what happened; a correction is a
new record, so that the history stays what people saw at the time. The database triggers of the audit log guard
it further; for the others this guard in the model closes every code path that goes through save() or delete()."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyError(PermissionError):
    """A write that would change or delete a record of history."""


class AppendOnly(models.Model):
    """Abstract base: a new row may be saved; an existing one may be neither saved again nor deleted.

    `history_name` names the record in the refusal (e.g. "紹介の経過"), shown to whoever tried."""

    history_name: ClassVar[str] = "この記録"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self.history_name}は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.history_name}は削除できません。")
