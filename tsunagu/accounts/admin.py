from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .models import User
from .views import SignOutView


@admin.register(User)
class TsunaguUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets[:1],
        ("表示", {"fields": ("display_name",)}),
        *UserAdmin.fieldsets[1:],
    )
    list_display = ("username", "display_name", "email", "is_active", "is_staff", "last_login")
    search_fields = ("username", "display_name", "email")


def _admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin signs in through the same page as everyone else, so it gets the Japanese form, the lockout, the
    audit rows and the second factor (TwoFactorRequiredMiddleware covers /admin/)."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(target, login_url=reverse("accounts:login"))
    if request.user.is_active and request.user.is_staff:
        return redirect(target)
    raise PermissionDenied


def _admin_logout(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    return SignOutView.as_view()(request)


admin.site.login = _admin_login
admin.site.logout = _admin_logout
