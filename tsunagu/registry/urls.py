from django.urls import path

from tsunagu.registry import api, views

app_name = "registry"
urlpatterns = [
    path("", views.person_search_view, name="search"),
    path("export/", views.person_export_view, name="export"),
    path("import/", views.residents_import_view, name="import"),
    # A str, not an int: a non-numeric guess must also reach the selector, 404 and be logged.
    path("<str:person_id>/", views.person_detail_view, name="detail"),
]

# Mounted under /api/ in the "api" namespace (config/urls.py). The ID is taken as text so that a malformed
# one still reaches the selector and is answered (and audited) like an out-of-scope one: 404 in JSON.
api_urlpatterns = [
    path("persons/", api.PersonListApi.as_view(), name="person-list"),
    path("persons/<str:person_id>/", api.PersonDetailApi.as_view(), name="person-detail"),
]
