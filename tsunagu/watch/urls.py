from django.urls import path

from tsunagu.watch import views
from tsunagu.watch.activity_urls import urlpatterns as activity_urls
from tsunagu.watch.api_urls import api_urlpatterns

app_name = "watch"
urlpatterns = [
    path("", views.my_watch_view, name="mine"),
    # A str, not an int: a non-numeric guess must also reach the policy, 404 and be logged.
    path("persons/<str:person_id>/", views.watch_person_view, name="person"),
    path("persons/<str:person_id>/assign/", views.assignment_create_view, name="assign"),
    path("assignments/<str:assignment_id>/end/", views.assignment_end_view, name="assignment_end"),
    path("assign/", views.bulk_assign_view, name="bulk_assign"),
    path("overdue/", views.overdue_view, name="overdue"),
    path("escalations/", views.escalation_inbox_view, name="escalations"),
    path("escalations/panel/", views.home_panel_view, name="home_panel"),
    path("escalations/overdue/", views.overdue_escalations_view, name="escalations_overdue"),
    path("escalations/<str:escalation_id>/", views.escalation_view, name="escalation"),
    path("routes/", views.route_list_view, name="routes"),
    path("routes/<int:route_id>/delete/", views.route_delete_view, name="route_delete"),
    *activity_urls,
]

__all__ = ["api_urlpatterns", "app_name", "urlpatterns"]
