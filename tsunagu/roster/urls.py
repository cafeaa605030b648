from django.urls import path

from tsunagu.roster import api, views

app_name = "roster"
urlpatterns = [
    path("", views.roster_list_view, name="list"),
    path("why/<str:person_id>/", views.person_why_view, name="why"),
    path("rules/", views.rules_view, name="rules"),
    path("rules/<int:rule_id>/", views.rule_edit_view, name="rule_edit"),
    path("rules/<int:rule_id>/deactivate/", views.rule_deactivate_view, name="rule_deactivate"),
    path("build/", views.build_create_view, name="build_create"),
    path("builds/", views.builds_view, name="builds"),
    path("builds/<int:number>/", views.build_diff_view, name="build_diff"),
    # The register of copies handed out (名簿の提供記録) and the outputs.
    path("distributions/", views.distribution_list_view, name="distribution_list"),
    path("distributions/overdue/", views.distribution_overdue_view, name="distribution_overdue"),
    path("distributions/new/", views.distribution_create_view, name="distribution_create"),
    path("distributions/<int:distribution_id>/", views.distribution_detail_view, name="distribution_detail"),
    path("distributions/<int:distribution_id>/return/", views.distribution_return_view, name="distribution_return"),
    path("distributions/<int:distribution_id>/destroy/", views.distribution_destroy_view, name="distribution_destroy"),
    path("output/distribution/<int:distribution_id>/", views.output_distribution_view, name="output_distribution"),
    path("output/district/", views.output_district_view, name="output_district"),
]

# Mounted under /api/ in the "api" namespace (config/urls.py).
api_urlpatterns = [
    path("roster/entries/", api.RosterEntryListApi.as_view(), name="roster-entry-list"),
    path("roster/builds/", api.RosterBuildListApi.as_view(), name="roster-build-list"),
    path("roster/builds/current/", api.RosterBuildCurrentApi.as_view(), name="roster-build-current"),
]
