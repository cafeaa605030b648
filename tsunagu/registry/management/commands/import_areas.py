"""`tsunagu import areas FILE`: a thin shell around tsunagu.registry.services.registry_areas_import."""

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import Municipality
from tsunagu.areas.services import AreaImportResult, AreasImportNotAllowed
from tsunagu.core.import_command import DRY_RUN_HEAD, FAILED_MESSAGE, ImportCommand
from tsunagu.registry.services import registry_areas_import

__all__ = ["FAILED_MESSAGE", "Command"]

SUMMARY_MESSAGE = _(
    "{head}：{rows}行 — 町丁目 新規 {towns_created}・更新 {towns_updated}・変更なし {towns_unchanged}、"
    "地区の種類 新規 {district_types_created}、地区 新規 {districts_created}、所属地区の変更 {assignments_changed}"
)
DONE_HEAD = _("取り込みました")
UNKNOWN_WARD_MESSAGE = _("全国地方公共団体コード「{code}」の区は登録されていません（管理画面で登録してください）")


class Command(ImportCommand):
    help = "町丁目と地区（小学校区・出張所管内など）の表をCSVから取り込みます。説明は docs/import-areas.md にあります。"
    not_allowed_errors = (AreasImportNotAllowed,)

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--ward",
            help="取り込む区の全国地方公共団体コード（複数の区を扱うときだけ。省略すると設定の区）。",
        )

    def run_import(self, *, path: str, user, options: dict) -> AreaImportResult:  # noqa: ANN001
        municipality = None
        if options.get("ward"):
            municipality = Municipality.objects.filter(code=options["ward"]).first()
            if municipality is None:
                raise CommandError(str(UNKNOWN_WARD_MESSAGE).format(code=options["ward"]))
        return registry_areas_import(source=path, user=user, dry_run=options["dry_run"], municipality=municipality)

    def summary(self, result: AreaImportResult) -> str:
        head = DRY_RUN_HEAD if result.dry_run else DONE_HEAD
        return str(SUMMARY_MESSAGE).format(head=head, **result.counts())
