from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .models import ApiToken, User
from .services import api_token_delete
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be looked at and revoked here, not issued: a key is its owner's credential, issued only to
    them after their own sign-in (the tokens page), never handed out by someone else. Revoking is audited."""

    list_display = ("user", "prefix", "read_only", "created_at", "expires_at", "last_used_at")
    list_filter = ("read_only",)
    search_fields = ("user__username", "user__display_name", "prefix")
    fields = ("user", "prefix", "read_only", "created_at", "expires_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        api_token_delete(token=obj, actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for token in queryset.select_related("user"):
            api_token_delete(token=token, actor=request.user, request=request)


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
