"""The 404 and 500 pages (config/urls.py names them as handler404 and handler500), in the user's language.

They replace Django's English defaults and, in the demo, the debug page whose URL list told anyone guessing
`/people/41802/` what else to try. core imports no tsunagu app, so these views render templates only.

The 500 page is rendered from a plain dict, not a RequestContext: no context processor runs, because the
navigation asks the database and the database may be what just failed. Its language comes from the switcher's
cookie, which needs no database either.

htmx requests get a short message instead of a whole page (which htmx would otherwise paint inside a results
table), sent to the message area of base.html; base.html's htmx-config lets htmx show 404 and 500 replies.
API paths get the API's JSON error body."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import requires_csrf_token

from tsunagu.core.api import NOT_FOUND_MESSAGE

logger = logging.getLogger(__name__)

NOT_FOUND_TEMPLATE = "404.html"
SERVER_ERROR_TEMPLATE = "500.html"
NOT_FOUND_FRAGMENT_TEMPLATE = "core/partials/not_found.html"
SERVER_ERROR_FRAGMENT_TEMPLATE = "core/partials/server_error.html"
# The element of base.html that htmx error messages are swapped into.
HTMX_MESSAGES_TARGET = "#htmx-messages"
API_PREFIX = "/api/"

API_SERVER_ERROR_MESSAGE = gettext_lazy("サーバーでエラーが発生しました。しばらくしてから、もう一度お試しください。")

# What is sent if even the 500 template cannot be rendered (a missing static manifest entry, a broken template):
# the error page must not fail in turn. Both languages, since the chosen one may be unknown by then.
FALLBACK_SERVER_ERROR_HTML = (
    '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>エラーが発生しました | つなぐ tsunagu</title></head><body><main>"
    "<h1>エラーが発生しました</h1>"
    "<p>申し訳ありません。システムで問題が起きたため、このページを表示できませんでした。"
    "しばらくしてから、もう一度お試しください。</p>"
    '<p lang="en">Sorry, something went wrong on our side. Please try again later.</p>'
    '<p><a href="/">ホームに戻る <span lang="en">(Home)</span></a></p>'
    "</main></body></html>"
)


def _wants_fragment(request: HttpRequest) -> bool:
    # htmx restores history by asking for a whole page, with HX-Request set as for a fragment.
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _for_htmx(response: HttpResponse) -> HttpResponse:
    response["HX-Retarget"] = HTMX_MESSAGES_TARGET
    response["HX-Reswap"] = "innerHTML show:top"
    return response


def _chosen_language(request: HttpRequest) -> str:
    """The language picked with the switcher, else Japanese (as JapaneseFirstMiddleware decides)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@requires_csrf_token  # base.html's language switch posts a form
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Never shows the exception's text: it may say what the user must not learn ("out of scope")."""
    if request.path.startswith(API_PREFIX):
        # A path no API route matches: the API's own 404 body, as for a record that is not there.
        return JsonResponse({"detail": NOT_FOUND_MESSAGE}, status=404)
    if _wants_fragment(request):
        return _for_htmx(render(request, NOT_FOUND_FRAGMENT_TEMPLATE, status=404))
    return render(request, NOT_FOUND_TEMPLATE, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Renders without the database, the session or any context processor."""
    with translation.override(_chosen_language(request)):
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": gettext(API_SERVER_ERROR_MESSAGE)}, status=500)
        fragment = _wants_fragment(request)
        template = SERVER_ERROR_FRAGMENT_TEMPLATE if fragment else SERVER_ERROR_TEMPLATE
        try:
            html = loader.get_template(template).render({"ward_name": getattr(settings, "TSUNAGU_WARD_NAME", "")})
        except Exception:
            logger.exception("the 500 page could not be rendered; sent the plain fallback")
            return HttpResponseServerError(FALLBACK_SERVER_ERROR_HTML)
    response = HttpResponseServerError(html)
    return _for_htmx(response) if fragment else response
