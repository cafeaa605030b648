from django.core.management.base import BaseCommand, CommandError

from tsunagu.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "監査ログのハッシュチェーンを検証し、改ざん・削除された記録を報告します。"

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        checked, problems = audit_verify()
        for problem in problems:
            self.stderr.write(f"通番 {problem.seq}: {problem.message}")
        if problems:
            raise CommandError(f"監査ログ {checked} 件を検証し、{len(problems)} 件の問題が見つかりました。")
        self.stdout.write(f"監査ログ {checked} 件を検証しました。改ざん・削除は見つかりませんでした。")
