"""Shared API behaviour: every error is a 4xx JSON body with a clear message, never a bare 5xx for bad input."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NOT_FOUND_MESSAGE = "指定された記録は見つからないか、閲覧する権限がありません。"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        return Response({"detail": NOT_FOUND_MESSAGE}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, (DjangoValidationError, ValueError)):
        messages = exc.messages if isinstance(exc, DjangoValidationError) else [str(exc)]
        return Response({"detail": "入力内容に誤りがあります。", "errors": messages}, status=400)
    return drf_exception_handler(exc, context)
