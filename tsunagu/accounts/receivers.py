"""Failed sign-ins are audited from Django's user_login_failed signal: it is the one place that sees every
failure, including attempts that django-axes refuses during a lockout and failures on the admin sign-in."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .services import STAGE_PASSWORD, login_failure_record


@receiver(user_login_failed, dispatch_uid="tsunagu.accounts.audit_login_failed")
def audit_login_failed(sender: object, credentials: dict, request: HttpRequest | None = None, **kwargs: object) -> None:
    locked_out = bool(getattr(request, "axes_locked_out", False))
    login_failure_record(
        request=request,
        username=str(credentials.get("username") or ""),
        stage=STAGE_PASSWORD,
        detail={"locked_out": True} if locked_out else None,
    )
