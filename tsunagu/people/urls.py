from django.urls import path

from tsunagu.people import urls_consent, views

app_name = "people"
urlpatterns = [
    path("", views.person_search_view, name="search"),
    # Before the detail route, which would otherwise take "export" for a person id.
    path("export/", views.person_export_view, name="export"),
    # Consent pages live under /people/consent/…, also before the detail route.
    *urls_consent.urlpatterns,
    # A str, not an int: a non-numeric guess must also reach the selector, 404 and be logged.
    path("<str:person_id>/", views.person_detail_view, name="detail"),
]
