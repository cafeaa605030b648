from django.urls import path

from tsunagu.access import views

app_name = "access"
urlpatterns = [
    path("", views.audit_log, name="audit_log"),
    path("verify/", views.audit_log_verify, name="verify"),
]
