"""Page routes of the supporter's phone page (joined in urls.py; each part of the app keeps its own file).

The service worker sits under the page's path, so its default scope (its own directory) covers the page. Ids are
str, not int: a non-numeric guess must also reach the policy, 404 and be logged."""

from django.urls import path

from tsunagu.disaster.views import phone as phone_views

urlpatterns = [
    path("events/<str:event_id>/phone/", phone_views.phone_view, name="phone"),
    path("events/<str:event_id>/phone/sw.js", phone_views.phone_service_worker_view, name="phone_sw"),
]
