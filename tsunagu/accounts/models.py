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
