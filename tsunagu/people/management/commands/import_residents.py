"""`tsunagu import residents FILE`: a thin shell around tsunagu.people.importing.residents_import."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from tsunagu.people.importing import ImportFailed, ImportNotAllowed, ImportResult, residents_import

FILE_NOT_FOUND_MESSAGE = _("ファイル「{path}」が見つかりません。")
UNKNOWN_USER_MESSAGE = _("利用者「{username}」は登録されていません。")
FAILED_MESSAGE = _("取込を中止しました：{count}件のエラーがあります。データは何も変更していません。")
SUMMARY_MESSAGE = _(
    "{head}：{filename}（{encoding}）{rows}行 — 新規 {created}、更新 {updated}、変更なし {unchanged}、"
    "区内転居 {moved_within}、転出 {moved_out}、死亡 {died}、再転入 {returned}、記載修正 {corrected}、"
    "新しい世帯 {households_created}"
)
DRY_RUN_HEAD = _("検査のみ（書き込みなし）")
BATCH_HEAD = _("取込番号 {batch}")


class Command(BaseCommand):
    help = "住民データのCSV（CP932またはUTF-8）を取り込みます。列の説明は docs/import-residents.md にあります。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="取り込むCSVファイル")
        parser.add_argument(
            "--user",
            help="取込を行う職員のユーザー名（区役所の福祉部門）。省略するとシステム（system (CLI)）として記録します。",
        )
        parser.add_argument("--dry-run", action="store_true", help="検査と件数の確認だけを行い、何も書き込みません。")
        parser.add_argument("--no-progress", action="store_true", help="進み具合の表示をしません。")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(str(UNKNOWN_USER_MESSAGE).format(username=options["user"]))
        try:
            result = residents_import(
                source=options["file"],
                user=user,
                progress=not options["no_progress"],
                dry_run=options["dry_run"],
            )
        except FileNotFoundError:
            raise CommandError(str(FILE_NOT_FOUND_MESSAGE).format(path=options["file"])) from None
        except ImportNotAllowed as exc:
            raise CommandError(str(exc)) from None
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(FAILED_MESSAGE).format(count=len(exc.errors))) from None
        self.stdout.write(summary(result))


def summary(result: ImportResult) -> str:
    head = str(DRY_RUN_HEAD) if result.dry_run else str(BATCH_HEAD).format(batch=result.batch_id)
    return str(SUMMARY_MESSAGE).format(
        head=head, filename=result.filename, encoding=result.encoding, **result.counts()
    )
