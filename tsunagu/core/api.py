"""Shared API behaviour.

Every error leaves the API as a 4xx JSON body ``{"detail": "...", "errors": {...}}`` with a Japanese message,
never a bare 5xx for bad input. ``errors`` appears only for invalid input and maps each parameter or field to
its messages. Also here: the serializers that document that body in the OpenAPI schema, and a reference page
for the schema that works without internet access.
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = gettext_lazy("指定された記録は見つからないか、閲覧する権限がありません。")
INVALID_INPUT_MESSAGE = gettext_lazy("入力内容に誤りがあります。")
NOT_AUTHENTICATED_MESSAGE = gettext_lazy(
    "ログインしていません。ログインするか、APIトークンを「Authorization: Token <キー>」ヘッダーで送ってください。"
)
AUTHENTICATION_FAILED_MESSAGE = gettext_lazy("APIトークンが正しくないか、利用者が無効になっています。")
PERMISSION_DENIED_MESSAGE = gettext_lazy("この操作を行う権限がありません。")
CSRF_FAILED_MESSAGE = gettext_lazy("CSRFトークンを確認できません。ページを読み込み直してから、もう一度送ってください。")
METHOD_NOT_ALLOWED_MESSAGE = gettext_lazy("このURLでは {method} は使えません。")
NOT_ACCEPTABLE_MESSAGE = gettext_lazy("指定された形式では応答できません（JSONを指定してください）。")
UNSUPPORTED_MEDIA_TYPE_MESSAGE = gettext_lazy("送られたデータの形式（{media_type}）は扱えません。")
PARSE_ERROR_MESSAGE = gettext_lazy("送られたデータを読み取れません（JSONの書き方を確認してください）。")
THROTTLED_MESSAGE = gettext_lazy("リクエストが多すぎます。{wait}秒ほど待ってから、もう一度お試しください。")
# The key under which a message that belongs to no single field is listed (the same key DRF uses).
NON_FIELD_KEY = "non_field_errors"


@extend_schema_serializer(description="エラー。")
class ApiErrorSerializer(serializers.Serializer):
    """An error: what went wrong, in Japanese."""

    detail = serializers.CharField(help_text="利用者に示せる日本語のメッセージ。")


@extend_schema_serializer(
    description="入力の誤り。detail に全体（「パラメータ名：メッセージ」を／で区切ったもの）、errors にパラメータごとの"
    "メッセージ。"
)
class ApiValidationErrorSerializer(ApiErrorSerializer):
    """Invalid input: the summary in `detail`, the messages per parameter in `errors`."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="パラメータ名（または non_field_errors）ごとのメッセージ。",
    )


# The error responses the API's operations document (each in the body above). A view adds those it can give.
AUTH_RESPONSES = {
    401: OpenApiResponse(ApiErrorSerializer, description="ログインしていないか、APIトークンが正しくありません。"),
    403: OpenApiResponse(ApiErrorSerializer, description="ログインしていない（セッション）、または権限がありません。"),
}
VALIDATION_RESPONSE = OpenApiResponse(ApiValidationErrorSerializer, description="パラメータに誤りがあります。")
NOT_FOUND_RESPONSE = OpenApiResponse(ApiErrorSerializer, description="見つからないか、閲覧する権限がありません。")


def _flatten(detail: object, prefix: str = "") -> Iterable[tuple[str, str]]:
    """(field path, message) pairs from a DRF error structure (dicts, lists, nested serializers)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = str(key) if key != NON_FIELD_KEY else ""
            yield from _flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            nested = isinstance(value, (dict, list))
            yield from _flatten(value, f"{prefix}[{index}]" if nested and prefix else prefix)
    else:
        yield prefix, str(detail)


def validation_error_body(detail: object) -> dict:
    """The 400 body: `errors` maps each parameter (or non_field_errors) to its messages; `detail` lists them
    all as 「parameter：message」 so a person can read the whole problem in one line."""
    errors: dict[str, list[str]] = {}
    for field, message in _flatten(detail):
        errors.setdefault(field or NON_FIELD_KEY, []).append(message)
    if not errors:
        return {"detail": str(INVALID_INPUT_MESSAGE), "errors": {}}
    parts = [
        message if field == NON_FIELD_KEY else f"{field}：{message}"
        for field, messages in errors.items()
        for message in messages
    ]
    return {"detail": "／".join(parts), "errors": errors}


def _message_for(exc: exceptions.APIException, request: HttpRequest | None) -> str:
    if isinstance(exc, exceptions.NotAuthenticated):
        return str(NOT_AUTHENTICATED_MESSAGE)
    if isinstance(exc, exceptions.AuthenticationFailed):
        return str(AUTHENTICATION_FAILED_MESSAGE)
    if isinstance(exc, exceptions.PermissionDenied):
        text = str(exc.detail)
        if text.startswith("CSRF Failed"):
            return str(CSRF_FAILED_MESSAGE)
        # A permission class with its own (Japanese) message keeps it; DRF's generic English one does not.
        return str(PERMISSION_DENIED_MESSAGE) if text == str(exceptions.PermissionDenied.default_detail) else text
    if isinstance(exc, exceptions.NotFound):
        return NOT_FOUND_MESSAGE
    if isinstance(exc, exceptions.MethodNotAllowed):
        return str(METHOD_NOT_ALLOWED_MESSAGE).format(method=getattr(request, "method", ""))
    if isinstance(exc, exceptions.NotAcceptable):
        return str(NOT_ACCEPTABLE_MESSAGE)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return str(UNSUPPORTED_MEDIA_TYPE_MESSAGE).format(media_type=getattr(request, "content_type", ""))
    if isinstance(exc, exceptions.ParseError):
        return str(PARSE_ERROR_MESSAGE)
    if isinstance(exc, exceptions.Throttled):
        return str(THROTTLED_MESSAGE).format(wait=exc.wait if exc.wait is not None else 60)
    return str(exc.detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every known error becomes a Japanese 4xx body."""
    if isinstance(exc, exceptions.ValidationError):
        response = drf_exception_handler(exc, context)
        response.data = validation_error_body(exc.detail)
        return response
    if isinstance(exc, (DjangoValidationError, ValueError)):
        # Our parsers (和暦, フリガナ …) raise ValueError with a message written for the user. Anything else
        # that gets here is still the caller's input, but log it: it may point at a missing check.
        logger.info("API input rejected by %s: %s", type(exc).__name__, exc)
        messages = exc.messages if isinstance(exc, DjangoValidationError) else [str(exc)]
        set_rollback()
        return Response(validation_error_body(list(messages)), status=status.HTTP_400_BAD_REQUEST)
    # Django's own exceptions, raised by selectors and services, answered like DRF's.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = {"detail": _message_for(exc, context.get("request"))}
    return response


# -- A reference page for the schema that needs no internet access ---------------------------------------
# drf-spectacular's Swagger UI and ReDoc views load their JavaScript from a CDN, which the ward's machines
# cannot reach; this page is plain HTML rendered on the server from the same schema.

# The page's stylesheet is a static file (core/api-docs.css), not a <style> block, so the page satisfies the
# Content-Security-Policy (style-src 'self') like every other page.
DOCS_STYLESHEET = "core/api-docs.css"


def _schema_ref_name(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "oneOf" in schema:
        return " ／ ".join(_schema_ref_name(s) for s in schema["oneOf"])
    if schema.get("type") == "array" and "items" in schema:
        return f"{_schema_ref_name(schema['items'])}[]"
    return str(schema.get("type", ""))


def _render_parameters(parameters: list[dict]) -> str:
    if not parameters:
        return ""
    rows = format_html_join(
        "",
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                p["name"],
                p.get("in", ""),
                _schema_ref_name(p.get("schema", {})),
                gettext("必須") if p.get("required") else "",
                p.get("description", ""),
            )
            for p in parameters
        ),
    )
    return format_html(
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
        gettext("パラメータ"),
        gettext("場所"),
        gettext("型"),
        gettext("必須"),
        gettext("説明"),
        rows,
    )


def _render_responses(responses: dict) -> str:
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
        (
            (
                code,
                body.get("description", ""),
                _schema_ref_name(body.get("content", {}).get("application/json", {}).get("schema", {})),
            )
            for code, body in responses.items()
        ),
    )
    return format_html(
        "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
        gettext("状態コード"),
        gettext("説明"),
        gettext("本文"),
        rows,
    )


def _render_components(components: dict) -> str:
    sections = []
    for name, schema in sorted(components.items()):
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        if "oneOf" in schema:
            body = format_html("<p>{}</p>", gettext("次のいずれか：") + _schema_ref_name(schema))
        elif "enum" in schema:
            body = format_html("<p>{}</p>", " ／ ".join(str(v) for v in schema["enum"]))
        else:
            rows = format_html_join(
                "",
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        prop,
                        _schema_ref_name(spec) or _schema_ref_name((spec.get("allOf") or [{}])[0]),
                        gettext("常にあり") if prop in required else "",
                        spec.get("description", ""),
                    )
                    for prop, spec in properties.items()
                ),
            )
            body = format_html(
                "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
                gettext("項目"),
                gettext("型"),
                gettext("有無"),
                gettext("説明"),
                rows,
            )
        sections.append(format_html('<h3 id="{}">{}</h3><p>{}</p>{}', name, name, schema.get("description", ""), body))
    return format_html_join("", "{}", ((s,) for s in sections))


def render_schema_html(schema: dict, *, schema_url: str) -> str:
    """The OpenAPI document as one HTML page: no script, no style or font from another site."""
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            operations.append(
                format_html(
                    "<h2><code>{} {}</code></h2><p>{}</p><p>{}</p>{}{}",
                    method.upper(),
                    path,
                    operation.get("summary", ""),
                    operation.get("description", ""),
                    _render_parameters(operation.get("parameters", [])),
                    _render_responses(operation.get("responses", {})),
                )
            )
    info = schema.get("info", {})
    return format_html(
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{}</title><link rel="stylesheet" href="{}">'
        "</head>"
        '<body><h1>{} <small>{}</small></h1><p>{}</p><p>{} <a href="{}">YAML</a> ／ <a href="{}">JSON</a></p>'
        "{}<h2>{}</h2>{}</body></html>",
        info.get("title", ""),
        static(DOCS_STYLESHEET),
        info.get("title", ""),
        info.get("version", ""),
        info.get("description", ""),
        gettext("機械で読める OpenAPI スキーマ："),
        schema_url,
        f"{schema_url}?format=json",
        format_html_join("", "{}", ((op,) for op in operations)),
        gettext("データの形"),
        _render_components(schema.get("components", {}).get("schemas", {})),
    )


class ApiDocsView(APIView):
    """/api/docs/: the API reference, readable in a browser without internet access."""

    permission_classes = [AllowAny]  # the schema describes the API, not anyone's data; /api/schema/ is open too
    schema = None  # not itself part of the API

    def get(self, request: HttpRequest) -> HttpResponse:
        schema = SchemaGenerator().get_schema(request=request, public=True)
        return HttpResponse(
            render_schema_html(schema, schema_url=reverse("api:schema")), content_type="text/html; charset=utf-8"
        )
