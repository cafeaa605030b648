from tsunagu.evacuation import urls_matching, urls_plans

app_name = "evacuation"
urlpatterns = [*urls_plans.urlpatterns, *urls_matching.urlpatterns]
