from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.selectors import audit_verify

COMMAND_OK_MESSAGE = _("監査ログ %(checked)s 件を検証しました。改ざん・削除は見つかりませんでした。")
COMMAND_PROBLEMS_MESSAGE = _("監査ログ %(checked)s 件を検証し、%(count)s 件の問題が見つかりました。")
COMMAND_PROBLEM_LINE = _("通番 %(seq)s: %(message)s")


class Command(BaseCommand):
    help = "監査ログのハッシュチェーンとチェックポイントを検証し、改ざん・削除された記録を報告します。"

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        checked, problems = audit_verify()
        for problem in problems:
            self.stderr.write(gettext(COMMAND_PROBLEM_LINE) % {"seq": problem.seq, "message": problem.message})
        if problems:
            raise CommandError(gettext(COMMAND_PROBLEMS_MESSAGE) % {"checked": checked, "count": len(problems)})
        self.stdout.write(gettext(COMMAND_OK_MESSAGE) % {"checked": checked})
