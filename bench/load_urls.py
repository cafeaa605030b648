"""The bench's URL configuration: the site's own URLs, plus two yardsticks of what the stack costs with nothing
behind it. Only bench/load_settings.py names this module; the production URLs (config/urls.py) never include it.

- /bench/bare/: a view that returns a few bytes through the same middleware stack (session, authentication,
  second factor, the viewer's memberships, CSP, …), for `pages_throughput_ratio` (bench/load_bench.py);
- /api/bench-bare/: a DRF APIView under /api/ like the JSON API (so the middleware treats it as the API), with
  the project's default authentication and permission classes (REST_FRAMEWORK: the API token is checked, as
  for POST /api/disaster/reports/); it parses the JSON body and answers 201 {"ok": true} without any other
  database work, for `safety_throughput_ratio` (bench/safety_bench.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


class BareApi(APIView):
    """authentication_classes and permission_classes are left to REST_FRAMEWORK's defaults."""

    parser_classes = [JSONParser]
    schema = None

    def post(self, request: Request) -> Response:
        request.data  # noqa: B018 - parsed as the safety report's view parses its body
        return Response({"ok": True}, status=201)


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("api/bench-bare/", BareApi.as_view(), name="bench_bare_api"),
    *site_urlpatterns,
]
