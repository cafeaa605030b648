from django.urls import path

from tsunagu.people.api import PersonDetailApi, PersonListApi

# Mounted under /api/ in the "api" namespace (config/urls.py). The ID is taken as text so that a malformed
# one still reaches the selector and is answered (and audited) like an out-of-scope one: 404 in JSON.
urlpatterns = [
    path("persons/", PersonListApi.as_view(), name="person-list"),
    path("persons/<str:person_id>/", PersonDetailApi.as_view(), name="person-detail"),
]
