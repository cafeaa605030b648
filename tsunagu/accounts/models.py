from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: ward staff, 社協 or care-plaza staff, a commissioner or a community member.

    What they may see is not stored here: it follows from their organisation memberships and agreements,
    decided in tsunagu.access.policy."""

    display_name = models.CharField("表示名", max_length=100, blank=True)

    class Meta:
        verbose_name = "利用者"
        verbose_name_plural = "利用者"

    def __str__(self) -> str:
        return self.display_name or self.username


# Raised when code tries to make a token without accounts.services.api_token_issue, which writes the audit row.
ISSUE_THROUGH_SERVICE = (
    "APIトークンは accounts.services.api_token_issue でのみ発行できます（発行を監査ログに残すため）。"
)


class ApiTokenQuerySet(models.QuerySet):
    def bulk_create(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        # bulk_create skips save(), and with it the guard below.
        raise PermissionError(ISSUE_THROUGH_SERVICE)


class ApiToken(models.Model):
    """A key for the JSON API, one per user. Only a hash of the key is stored: the key itself is shown once,
    when it is issued, and cannot be recovered from the database. `prefix` (the key's first characters) lets
    the owner and the admin tell tokens apart without it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token", verbose_name="利用者"
    )
    prefix = models.CharField("先頭の文字", max_length=16)
    key_hash = models.CharField("キーのハッシュ（SHA-256）", max_length=64, unique=True)
    read_only = models.BooleanField("読み取り専用", default=False)
    created_at = models.DateTimeField("発行日時")
    expires_at = models.DateTimeField("有効期限")
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "APIトークン"
        verbose_name_plural = "APIトークン"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def save(self, *args, issue: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        """A new row only through the issuing service (issue=True), so no route can mint an unaudited token."""
        if self._state.adding and not issue:
            raise PermissionError(ISSUE_THROUGH_SERVICE)
        super().save(*args, **kwargs)
