"""The bench's URL configuration: the site's own URLs, plus /bench/bare/, a view that returns a few bytes through
the same middleware stack (session, authentication, second factor, the viewer's memberships, CSP, …). It is the
yardstick for `pages_throughput_ratio`: what the stack costs with no page behind it. Only bench/load_settings.py
names this module; the production URLs (config/urls.py) never include it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
