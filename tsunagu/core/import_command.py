"""The shared shell of the `tsunagu import …` commands: who imports, what went wrong, a one-line summary.

Each import's rules live in its service (e.g. tsunagu.people.services.residents_import); a command only
turns arguments into a call and the outcome into Japanese lines on the terminal."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from tsunagu.core.csvio import ImportFailed

FILE_NOT_FOUND_MESSAGE = _("ファイル「{path}」が見つかりません。")
UNKNOWN_USER_MESSAGE = _("利用者「{username}」は登録されていません。")
FAILED_MESSAGE = _("取込を中止しました：{count}件のエラーがあります。データは何も変更していません。")
DRY_RUN_HEAD = _("検査のみ（書き込みなし）")


class ImportCommand(BaseCommand):
    """Subclasses define `run_import(*, path, user, options)`, which calls their service, and
    `summary(result)`, the line printed after a successful import."""

    # Raised by the service when the user may not import this kind of data.
    not_allowed_errors: tuple[type[Exception], ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="取り込むCSVファイル")
        parser.add_argument(
            "--user",
            help="取込を行う職員のユーザー名（区役所の福祉部門）。省略するとシステム（system (CLI)）として記録します。",
        )
        parser.add_argument("--dry-run", action="store_true", help="検査と件数の確認だけを行い、何も書き込みません。")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(str(UNKNOWN_USER_MESSAGE).format(username=options["user"]))
        try:
            result = self.run_import(path=options["file"], user=user, options=options)
        except FileNotFoundError:
            raise CommandError(str(FILE_NOT_FOUND_MESSAGE).format(path=options["file"])) from None
        except self.not_allowed_errors as exc:
            raise CommandError(str(exc)) from None
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(FAILED_MESSAGE).format(count=len(exc.errors))) from None
        self.stdout.write(self.summary(result))
