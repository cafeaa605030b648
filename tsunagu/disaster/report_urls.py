"""Routes of the after-action report of an event (joined in urls.py; each part of the app keeps its own file).

Ids are str, not int: a non-numeric guess must also reach the policy, 404 and be logged."""

from django.urls import path

from tsunagu.disaster.views import report as report_views

urlpatterns = [
    path("events/<str:event_id>/report/", report_views.report_view, name="event_report"),
    path("events/<str:event_id>/report.pdf", report_views.report_pdf_view, name="event_report_pdf"),
    path("events/<str:event_id>/report.xlsx", report_views.report_xlsx_view, name="event_report_xlsx"),
]
