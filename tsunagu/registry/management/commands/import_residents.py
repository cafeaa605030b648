"""`tsunagu import residents FILE`: a thin shell around tsunagu.registry.services.registry_residents_import."""

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy as _

from tsunagu.core.import_command import DRY_RUN_HEAD, FAILED_MESSAGE, ImportCommand
from tsunagu.people.services import ImportNotAllowed, ImportResult
from tsunagu.registry.services import registry_residents_import

__all__ = ["FAILED_MESSAGE", "Command"]

SUMMARY_MESSAGE = _(
    "{head}：{filename}（{encoding}）{rows}行 — 新規 {created}、更新 {updated}、変更なし {unchanged}、"
    "区内転居 {moved_within}、転出 {moved_out}、死亡 {died}、再転入 {returned}、記載修正 {corrected}、"
    "新しい世帯 {households_created}"
)
BATCH_HEAD = _("取込番号 {batch}")


class Command(ImportCommand):
    help = "住民データのCSV（CP932またはUTF-8）を取り込みます。列の説明は docs/import-residents.md にあります。"
    not_allowed_errors = (ImportNotAllowed,)

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--no-progress", action="store_true", help="進み具合の表示をしません。")

    def run_import(self, *, path: str, user, options: dict) -> ImportResult:  # noqa: ANN001
        return registry_residents_import(
            source=path, user=user, progress=not options["no_progress"], dry_run=options["dry_run"]
        )

    def summary(self, result: ImportResult) -> str:
        head = str(DRY_RUN_HEAD) if result.dry_run else str(BATCH_HEAD).format(batch=result.batch_id)
        return str(SUMMARY_MESSAGE).format(
            head=head, filename=result.filename, encoding=result.encoding, **result.counts()
        )
