"""Only the rules are in the admin: roster entries and reasons are personal data, read through the policy."""

from django.contrib import admin

from .forms import RosterRuleForm
from .models import RosterRule


@admin.register(RosterRule)
class RosterRuleAdmin(admin.ModelAdmin):
    form = RosterRuleForm  # the same threshold check as the rules page
    list_display = ("label", "kind", "threshold", "is_active", "sort_order")
    list_filter = ("kind", "is_active")
    ordering = ("sort_order", "id")
