"""Routes of the 民生委員 monthly activity record (mounted by tsunagu/watch/urls.py under /watch/). The month is a
str (「2025-01」): anything else, or a month not yet begun, is answered 404 by the view."""

from django.urls import path

from .views.activity import (
    activity_months_view,
    activity_pdf_view,
    activity_record_view,
    activity_totals_view,
    activity_totals_xlsx_view,
    activity_xlsx_view,
)

urlpatterns: list = [
    path("activity/", activity_months_view, name="activity_months"),
    # Before the month's routes: "totals" is no month.
    path("activity/totals/", activity_totals_view, name="activity_totals"),
    path("activity/totals/xlsx/", activity_totals_xlsx_view, name="activity_totals_xlsx"),
    path("activity/<str:month>/", activity_record_view, name="activity_record"),
    path("activity/<str:month>/pdf/", activity_pdf_view, name="activity_pdf"),
    path("activity/<str:month>/xlsx/", activity_xlsx_view, name="activity_xlsx"),
]
