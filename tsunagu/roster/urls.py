from tsunagu.roster import urls_distribution, urls_map, urls_pages

app_name = "roster"
urlpatterns = [*urls_pages.urlpatterns, *urls_distribution.urlpatterns, *urls_map.urlpatterns]
