from django.urls import path

from tsunagu.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list_view, name="list"),
    path("<str:public_id>/", views.job_detail_view, name="detail"),
    path("<str:public_id>/status/", views.job_status_view, name="status"),
    path("<str:public_id>/file/", views.job_download_view, name="download"),
    path("<str:public_id>/cancel/", views.job_cancel_view, name="cancel"),
]
