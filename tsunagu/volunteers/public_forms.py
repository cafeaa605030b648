"""The guard of the centre's public forms (no sign-in): the volunteer registration and the grant application.

Two measures, shared by both forms: a hidden field (`website`, hidden by CSS and from assistive technology, out of
the tab order) that scripts fill and people do not — such a submission is answered as if accepted and nothing is
stored — and a limit of submissions per address and hour, counted per form."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website"
# Enough for a school registering a class one by one at its front desk (or a 社協 window helping groups apply),
# too few for a script.
SUBMISSIONS_PER_HOUR = 20
TOO_MANY = _("送信が続いたため、受け付けを一時止めています。1時間ほどたってから、もう一度お試しください。")


def client_ip(request: HttpRequest) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD))


def _key(form: str, ip: str) -> str:
    return f"volunteers:{form}:{ip}"


def submission_allowed(form: str, ip: str) -> bool:
    return cache.get(_key(form, ip), 0) < SUBMISSIONS_PER_HOUR


def count_submission(form: str, ip: str) -> None:
    # add() then incr(): the window starts at the first submission and is not extended by later ones.
    key = _key(form, ip)
    if not cache.add(key, 1, timeout=3600):
        cache.incr(key)
