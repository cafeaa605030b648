"""Roster pages (mounted at /roster/ inside the "roster" namespace set in urls.py)."""

from django.urls import path

from tsunagu.roster import views

urlpatterns = [
    path("", views.roster_list_view, name="list"),
    path("why/<str:person_id>/", views.person_why_view, name="why"),
    path("rules/", views.rules_view, name="rules"),
    path("rules/<int:rule_id>/", views.rule_edit_view, name="rule_edit"),
    path("rules/<int:rule_id>/deactivate/", views.rule_deactivate_view, name="rule_deactivate"),
    path("build/", views.build_create_view, name="build_create"),
    path("builds/", views.builds_view, name="builds"),
    path("builds/<int:number>/", views.build_diff_view, name="build_diff"),
]
