"""Pages of the disaster app under /disaster/: events and the dashboard (page_urls), the supporter's phone page
(phone_urls), shelters in an event (shelter_urls) and the after-action report (report_urls)."""

from tsunagu.disaster import page_urls, phone_urls, report_urls, shelter_urls
from tsunagu.disaster.api_urls import api_urlpatterns

app_name = "disaster"

urlpatterns = [
    *page_urls.urlpatterns,
    *phone_urls.urlpatterns,
    *shelter_urls.urlpatterns,
    *report_urls.urlpatterns,
]

__all__ = ["api_urlpatterns", "app_name", "urlpatterns"]
