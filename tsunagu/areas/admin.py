from django.contrib import admin

from .models import District, DistrictType, Town, TownDistrict


@admin.register(DistrictType)
class DistrictTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "district_type"]
    list_filter = ["district_type"]
    search_fields = ["name", "code"]


class TownDistrictInline(admin.TabularInline):
    model = TownDistrict
    extra = 0


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_kana", "postal_code"]
    search_fields = ["code", "name", "name_kana", "postal_code"]
    inlines = [TownDistrictInline]
