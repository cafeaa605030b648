"""`tsunagu import_shelters FILE`: a thin shell around tsunagu.shelters.services.importing.shelters_import."""

from django.utils.translation import gettext_lazy as _

from tsunagu.core.import_command import DRY_RUN_HEAD, FAILED_MESSAGE, ImportCommand
from tsunagu.shelters.services.importing import (
    LAYOUT_GSI,
    ShelterImportResult,
    SheltersImportNotAllowed,
    shelters_import,
)

__all__ = ["FAILED_MESSAGE", "Command"]

SUMMARY_MESSAGE = _(
    "{head}（{layout}）：{rows}行 — 新規 {created}・更新 {updated}・変更なし {unchanged}、"
    "先頭の0を補ったコード {zeros_repaired}"
)
DONE_HEAD = _("取り込みました")
LAYOUT_NAMES = {LAYOUT_GSI: _("国土地理院の様式")}
STANDARD_NAME = _("自治体標準オープンデータセットの様式")


class Command(ImportCommand):
    help = "指定緊急避難場所の一覧をCSVから取り込みます。説明は docs/import-shelters.md にあります。"
    not_allowed_errors = (SheltersImportNotAllowed,)

    def run_import(self, *, path: str, user, options: dict) -> ShelterImportResult:  # noqa: ANN001
        return shelters_import(source=path, user=user, dry_run=options["dry_run"])

    def summary(self, result: ShelterImportResult) -> str:
        head = DRY_RUN_HEAD if result.dry_run else DONE_HEAD
        layout = LAYOUT_NAMES.get(result.layout, STANDARD_NAME)
        return str(SUMMARY_MESSAGE).format(head=head, layout=layout, **result.counts())
