"""Sign-in, sign-out, the second factor and API tokens. Forms check the input; services change state and audit."""

import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..forms import FORM_ERRORS_ID, ApiTokenForm, SignInForm, TotpCodeForm
from ..selectors import api_token_for, has_confirmed_totp, is_verified, two_factor_required
from ..services import (
    STAGE_PASSWORD,
    api_token_create,
    api_token_revoke,
    login_record,
    logout_record,
    totp_device_confirm,
    totp_device_start,
    totp_setup_allowed,
    totp_verify,
)

# django-axes renders accounts/lockout.html itself; the template carries this same sentence.
LOCKOUT_MESSAGE = gettext_lazy("ログインに続けて失敗したため、一時的にロックしました。30分後にもう一度お試しください。")
LOGGED_OUT_MESSAGE = gettext_lazy("ログアウトしました。")
SETUP_DONE_MESSAGE = gettext_lazy(
    "認証アプリを登録しました。次回からのログインでは、このアプリの確認コードを使います。"
)
TOKEN_REVOKED_MESSAGE = gettext_lazy("APIトークンを無効にしました。このトークンを使った接続はできなくなります。")
NO_TOKEN_MESSAGE = gettext_lazy("無効にするAPIトークンはありません。")


def _requested_next(request: HttpRequest) -> str:
    """The `next` the request asked for, if it stays on this site; otherwise empty."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _next_or_default(request: HttpRequest) -> str:
    return _requested_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SignInView(LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True
    extra_context = {"form_errors_id": FORM_ERRORS_ID}

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)
        login_record(request=self.request, user=user, stage=STAGE_PASSWORD)
        if two_factor_required(user):
            return redirect(_with_next("accounts:two_factor", self.get_redirect_url()))
        return HttpResponseRedirect(self.get_success_url())


class SignOutView(LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link or an image on another site cannot sign anyone out."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            logout_record(request=request, user=request.user)
        response = super().post(request, *args, **kwargs)
        messages.info(request, LOGGED_OUT_MESSAGE)
        return response


@sensitive_post_parameters("otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    if is_verified(request.user):
        return redirect(_next_or_default(request))
    if not has_confirmed_totp(request.user):
        return redirect(_with_next("accounts:two_factor_setup", _requested_next(request)))
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_verify(request=request, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error("otp_token", error)
        else:
            return redirect(_next_or_default(request))
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "next": _requested_next(request), "form_errors_id": FORM_ERRORS_ID},
    )


def _qr_svg(device: TOTPDevice) -> SafeString:
    qr = segno.make(device.config_url, error="m")
    scale, border = 5, 4
    svg = qr.svg_inline(
        scale=scale,
        border=border,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        omitsize=True,
        title=gettext("認証アプリ用のQRコード"),
    )
    # A white quiet zone on any page colour; the viewBox lets CSS shrink it on a narrow phone; role="img" makes
    # screen readers announce the <title>.
    width, height = qr.symbol_size(scale=scale, border=border)
    svg = svg.replace("<svg ", f'<svg role="img" width="{width}" height="{height}" ', 1)
    # segno builds the SVG from the QR modules; the only text in it is the title above, which segno escapes.
    return mark_safe(svg)  # noqa: S308


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if not totp_setup_allowed(user=request.user):
        return redirect(_with_next("accounts:two_factor", _requested_next(request)))
    device = totp_device_start(user=request.user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_device_confirm(request=request, device=device, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error("otp_token", error)
        else:
            messages.success(request, SETUP_DONE_MESSAGE)
            return redirect(_next_or_default(request))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": _requested_next(request),
            "form_errors_id": FORM_ERRORS_ID,
            "qr_svg": _qr_svg(device),
            "secret": _grouped(base64.b32encode(device.bin_key).decode("ascii")),
            "issuer": settings.OTP_TOTP_ISSUER,
            "account": request.user.get_username(),
        },
    )


def _verified_or_redirect(request: HttpRequest) -> HttpResponse | None:
    # /accounts/ is open in TwoFactorRequiredMiddleware, and tokens skip the second factor later, so check here.
    if is_verified(request.user):
        return None
    return redirect(_with_next("accounts:two_factor", reverse("accounts:tokens")))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if (refusal := _verified_or_redirect(request)) is not None:
        return refusal
    # The key is shown in this one response only; later pages show only its first characters.
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    new_key = ""
    if form.is_bound and form.is_valid():
        new_key = api_token_create(request=request, read_only=form.cleaned_data["read_only"]).key
        form = ApiTokenForm()
    token = api_token_for(request.user)
    return render(
        request,
        "accounts/tokens.html",
        {
            "token": token,
            "token_expired": token is not None and token.expires_at <= timezone.now(),
            "new_key": new_key,
            "form": form,
            "token_days": settings.TSUNAGU_API_TOKEN_DAYS,
        },
    )


@never_cache
@require_POST
@login_required
def tokens_revoke(request: HttpRequest) -> HttpResponse:
    if (refusal := _verified_or_redirect(request)) is not None:
        return refusal
    if api_token_revoke(request=request):
        messages.success(request, TOKEN_REVOKED_MESSAGE)
    else:
        messages.info(request, NO_TOKEN_MESSAGE)
    return redirect("accounts:tokens")
