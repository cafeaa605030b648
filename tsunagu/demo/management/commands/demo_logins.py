import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tsunagu.access.policy import visible_persons
from tsunagu.accounts.models import User
from tsunagu.demo.cases import case_login_lines
from tsunagu.demo.disaster import drill_login_lines
from tsunagu.demo.ward import DEMO_LOGINS, DEMO_PASSWORD
from tsunagu.demo.watch import watch_login_lines

DEMO_URL = "http://127.0.0.1:8000"
NO_DEMO_USERS_MESSAGE = _("デモ用の利用者がまだありません。先に `python manage.py generate_ward` を実行してください。")


def _width(text: str) -> int:
    # Full-width (Japanese) characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    help = "デモ用のログイン（利用者名・パスワード・役割・見える範囲）を表示します。"

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        users = {u.username: u for u in User.objects.filter(username__in=[login.username for login in DEMO_LOGINS])}
        self.stdout.write(gettext("tsunagu デモ: {url}").format(url=DEMO_URL))
        if not users:
            self.stdout.write(str(NO_DEMO_USERS_MESSAGE))
            return
        header = [gettext("利用者名"), gettext("パスワード"), gettext("役割"), gettext("見える住民")]
        rows = []
        for login in DEMO_LOGINS:
            user = users.get(login.username)
            if user is None:
                continue
            # A count reveals no one, so it needs no audit entry; it shows that the policy is live.
            count = visible_persons(user).count()
            rows.append([login.username, DEMO_PASSWORD, str(login.role), f"{login.sees}（{count:,}人）"])
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
        for row in [header, *rows]:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1])
        self.stdout.write("")
        watch_lines = watch_login_lines(users)
        for line in watch_lines:
            self.stdout.write(line)
        if watch_lines:
            self.stdout.write("")
        case_lines = case_login_lines(DEMO_PASSWORD)
        for line in case_lines:
            self.stdout.write(line)
        if case_lines:
            self.stdout.write("")
        drill_lines = drill_login_lines(users)
        for line in drill_lines:
            self.stdout.write(line)
        if drill_lines:
            self.stdout.write("")
        self.stdout.write(
            gettext(
                "このデモは二要素認証（TOTP）を省略しています。本番の設定では、区役所・社協・包括の職員は必ず"
                "二要素認証でログインします。"
            )
        )
        self.stdout.write(gettext("パスワードはデモ専用です。本番のデータベースでは使わないでください。"))
