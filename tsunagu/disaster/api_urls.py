"""JSON API routes of the disaster app (mounted under /api/ by config/urls.py, in the "api" namespace)."""

api_urlpatterns: list = []
