"""Sign-in forms. Labels and messages are Japanese; errors are tied to their inputs with aria-describedby."""

import re
import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

# The id of the block that shows errors about the whole form (e.g. a wrong password), see includes/form_errors.html.
FORM_ERRORS_ID = "form-errors"

INVALID_LOGIN_MESSAGE = gettext_lazy(
    "ログインIDまたはパスワードが正しくありません。大文字と小文字も区別されますので、ご確認ください。"
)
INACTIVE_MESSAGE = gettext_lazy("このアカウントは利用が停止されています。管理担当者にお問い合わせください。")
USERNAME_REQUIRED_MESSAGE = gettext_lazy("ログインIDを入力してください。")
PASSWORD_REQUIRED_MESSAGE = gettext_lazy("パスワードを入力してください。")
CODE_REQUIRED_MESSAGE = gettext_lazy("確認コードを入力してください。")
CODE_FORMAT_MESSAGE = gettext_lazy("確認コードは6桁の数字で入力してください。")


class LinkedErrorsMixin:
    """Django links a field's own errors and help text to its input; this also links the form-wide errors, so a
    screen reader reads 「ログインIDまたはパスワードが正しくありません」 when it reaches either input."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if not self.non_field_errors():  # type: ignore[attr-defined]
            return
        for bound in self:  # type: ignore[attr-defined]
            ids = [FORM_ERRORS_ID]
            if bound.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if bound.errors:
                ids.append(f"{bound.auto_id}_error")
            bound.field.widget.attrs["aria-describedby"] = " ".join(ids)
            bound.field.widget.attrs["aria-invalid"] = "true"


class SignInForm(LinkedErrorsMixin, AuthenticationForm):
    """AuthenticationForm passes the request to authenticate(), which django-axes needs to count failures."""

    error_messages = {"invalid_login": INVALID_LOGIN_MESSAGE, "inactive": INACTIVE_MESSAGE}

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = gettext_lazy("ログインID")
        username.error_messages["required"] = USERNAME_REQUIRED_MESSAGE
        username.widget.attrs.update({"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
        password = self.fields["password"]
        password.label = gettext_lazy("パスワード")
        password.error_messages["required"] = PASSWORD_REQUIRED_MESSAGE
        password.widget.attrs["autocomplete"] = "current-password"


class TotpCodeForm(LinkedErrorsMixin, forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("確認コード（6桁の数字）"),
        help_text=gettext_lazy("認証アプリに表示されている6桁の数字です。30秒ごとに新しい数字に変わります。"),
        max_length=20,
        error_messages={"required": CODE_REQUIRED_MESSAGE},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_otp_token(self) -> str:
        # Japanese input methods often produce full-width digits (１２３４５６); NFKC folds them to ASCII.
        value = unicodedata.normalize("NFKC", self.cleaned_data["otp_token"])
        value = re.sub(r"[\s\-]", "", value)
        if not re.fullmatch(r"[0-9]{6}", value):
            raise ValidationError(CODE_FORMAT_MESSAGE, code="format")
        return value


class ApiTokenForm(forms.Form):
    """Issuing a token: the one choice is whether it may change data. Read-only is offered first (least power)."""

    read_only = forms.BooleanField(
        label=gettext_lazy("読み取り専用にする"),
        help_text=gettext_lazy(
            "読み取り専用のトークンは、情報の参照（GET）にだけ使えます。データを登録・変更する連携でなければ、"
            "こちらをお勧めします。"
        ),
        required=False,
        initial=True,
    )
