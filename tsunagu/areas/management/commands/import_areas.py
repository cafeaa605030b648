"""`tsunagu import areas FILE`: a thin shell around tsunagu.areas.importing.areas_import."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.importing import AreaImportResult, AreasImportNotAllowed, ImportFailed, areas_import

FILE_NOT_FOUND_MESSAGE = _("ファイル「{path}」が見つかりません。")
UNKNOWN_USER_MESSAGE = _("利用者「{username}」は登録されていません。")
FAILED_MESSAGE = _("取込を中止しました：{count}件のエラーがあります。データは何も変更していません。")
SUMMARY_MESSAGE = _(
    "{head}：{rows}行 — 町丁目 新規 {towns_created}・更新 {towns_updated}・変更なし {towns_unchanged}、"
    "地区の種類 新規 {district_types_created}、地区 新規 {districts_created}、所属地区の変更 {assignments_changed}"
)
DRY_RUN_HEAD = _("検査のみ（書き込みなし）")
DONE_HEAD = _("取り込みました")


class Command(BaseCommand):
    help = "町丁目と地区（小学校区・出張所管内など）の表をCSVから取り込みます。説明は docs/import-areas.md にあります。"

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
            result = areas_import(source=options["file"], user=user, dry_run=options["dry_run"])
        except FileNotFoundError:
            raise CommandError(str(FILE_NOT_FOUND_MESSAGE).format(path=options["file"])) from None
        except AreasImportNotAllowed as exc:
            raise CommandError(str(exc)) from None
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(FAILED_MESSAGE).format(count=len(exc.errors))) from None
        self.stdout.write(summary(result))


def summary(result: AreaImportResult) -> str:
    head = DRY_RUN_HEAD if result.dry_run else DONE_HEAD
    return str(SUMMARY_MESSAGE).format(head=head, **result.counts())
