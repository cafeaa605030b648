from django.urls import path

from tsunagu.evacuation import views

urlpatterns: list = [
    path("plans/", views.plan_list_view, name="plan_list"),
    path("plans/progress/", views.plan_progress_view, name="plan_progress"),
    path("plans/<str:person_id>/", views.plan_detail_view, name="plan_detail"),
    path("plans/<str:person_id>/pdf/", views.plan_pdf_view, name="plan_pdf"),
]
