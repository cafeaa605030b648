from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from tsunagu.core.api import ApiDocsView

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(), name="docs"),
    path("", include("tsunagu.accounts.api_urls")),
    path("", include("tsunagu.people.api_urls")),
]

urlpatterns = [
    path("", include("tsunagu.core.urls")),
    path("accounts/", include("tsunagu.accounts.urls")),
    path("people/", include("tsunagu.people.urls")),
    path("audit/", include("tsunagu.access.urls")),
    path("roster/", include("tsunagu.roster.urls")),
    path("shelters/", include("tsunagu.shelters.urls")),
    path("evacuation/", include("tsunagu.evacuation.urls")),
    path("api/", include((api_patterns, "api"), namespace=None)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Japanese (or English) error pages instead of Django's defaults; see tsunagu/core/views_errors.py.
handler404 = "tsunagu.core.views_errors.page_not_found"
handler500 = "tsunagu.core.views_errors.server_error"
