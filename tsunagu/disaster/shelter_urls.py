"""Page routes of one part of the disaster app, joined in urls.py (each part keeps its own file)."""

urlpatterns: list = []
