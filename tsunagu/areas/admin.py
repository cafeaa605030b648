from django.contrib import admin

from .models import District, DistrictType, Municipality, Town, TownDistrict


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "full_name", "parent"]
    list_filter = ["parent"]
    search_fields = ["code", "name", "full_name"]


@admin.register(DistrictType)
class DistrictTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "district_type", "municipality"]
    list_filter = ["municipality", "district_type"]
    search_fields = ["name", "code"]


class TownDistrictInline(admin.TabularInline):
    model = TownDistrict
    extra = 0


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_kana", "postal_code", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["code", "name", "name_kana", "postal_code"]
    inlines = [TownDistrictInline]
