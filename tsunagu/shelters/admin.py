from django.contrib import admin

from tsunagu.shelters.models import Shelter


@admin.register(Shelter)
class ShelterAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "address", "is_designated_shelter", "is_welfare_shelter", "capacity")
    list_filter = ("is_welfare_shelter", "is_designated_shelter", "hazard_flood", "hazard_tsunami")
    search_fields = ("name", "name_kana", "address", "code")
