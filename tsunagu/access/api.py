"""The API's side of the policy: a refused API call is logged like a refused page (one `denied` row), then
answered in the shared Japanese error format of tsunagu.core.api."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions
from rest_framework.response import Response

from tsunagu.access.policy import refusal_record
from tsunagu.core.api import exception_handler as core_exception_handler


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]."""
    request = context.get("request")
    refused = isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied)
    if refused and request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        refusal_record(request=request, exception=exc)
    return core_exception_handler(exc, context)
