"""The distribution register and roster outputs (mounted at /roster/ inside the "roster" namespace)."""

from django.urls import path

from tsunagu.roster import views_distribution as views

urlpatterns = [
    path("distributions/", views.distribution_list_view, name="distribution_list"),
    path("distributions/overdue/", views.distribution_overdue_view, name="distribution_overdue"),
    path("distributions/new/", views.distribution_create_view, name="distribution_create"),
    path("distributions/<int:distribution_id>/", views.distribution_detail_view, name="distribution_detail"),
    path("distributions/<int:distribution_id>/return/", views.distribution_return_view, name="distribution_return"),
    path("distributions/<int:distribution_id>/destroy/", views.distribution_destroy_view, name="distribution_destroy"),
    path("output/distribution/<int:distribution_id>/", views.output_distribution_view, name="output_distribution"),
    path("output/district/", views.output_district_view, name="output_district"),
]
