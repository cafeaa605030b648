from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from tsunagu.cases.urls import api_urlpatterns as cases_api
from tsunagu.community.urls import api_urlpatterns as community_api
from tsunagu.consent.urls import api_urlpatterns as consent_api
from tsunagu.core.api import ApiDocsView
from tsunagu.directory.urls import api_urlpatterns as directory_api
from tsunagu.disaster.urls import api_urlpatterns as disaster_api
from tsunagu.evacuation.urls import api_urlpatterns as evacuation_api
from tsunagu.registry.urls import api_urlpatterns as registry_api
from tsunagu.roster.urls import api_urlpatterns as roster_api
from tsunagu.shelters.urls import api_urlpatterns as shelters_api
from tsunagu.volunteers.urls import api_urlpatterns as volunteers_api
from tsunagu.watch.urls import api_urlpatterns as watch_api

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(), name="docs"),
    *registry_api,
    *roster_api,
    *consent_api,
    *evacuation_api,
    *shelters_api,
    *watch_api,
    *disaster_api,
    *cases_api,
    *community_api,
    *volunteers_api,
    # Open Referral HSDS 3.0, public and read-only (tsunagu/directory/api.py, docs/directory.md).
    *directory_api,
]

urlpatterns = [
    path("", include("tsunagu.portal.urls")),
    path("accounts/", include("tsunagu.accounts.urls")),
    # Consent pages sit under /people/ where the ward's staff find them; before the person pages, whose
    # detail route would take "consent" for a person id.
    path("people/consent/", include("tsunagu.consent.urls")),
    path("people/", include("tsunagu.registry.urls")),
    path("audit/", include("tsunagu.access.urls")),
    path("roster/", include("tsunagu.roster.urls")),
    path("shelters/", include("tsunagu.shelters.urls")),
    path("jobs/", include("tsunagu.jobs.urls")),
    path("evacuation/", include("tsunagu.evacuation.urls")),
    path("watch/", include("tsunagu.watch.urls")),
    path("disaster/", include("tsunagu.disaster.urls")),
    path("cases/", include("tsunagu.cases.urls")),
    # The public directory (相談先・居場所): readable without signing in.
    path("directory/", include("tsunagu.directory.urls")),
    path("events/", include("tsunagu.events.urls")),
    # District forums (話し合いの場); /community/public/<id>/ is readable without signing in.
    path("community/", include("tsunagu.community.urls")),
    # The volunteer centre; /volunteers/register/ is the public registration form.
    path("volunteers/", include("tsunagu.volunteers.urls")),
    path("api/", include((api_patterns, "api"), namespace=None)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Every refusal: one Japanese page and one `denied` audit row (tsunagu.access.policy.refusals).
handler403 = "tsunagu.access.views.forbidden"

# Japanese (or English) error pages instead of Django's defaults; see tsunagu/core/views_errors.py.
handler404 = "tsunagu.core.views_errors.page_not_found"
handler500 = "tsunagu.core.views_errors.server_error"
