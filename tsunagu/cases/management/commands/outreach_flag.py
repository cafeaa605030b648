"""`manage.py outreach_flag`: flag persons to reach from watch-over, safety checks and declined referrals (the same
run the jobs worker makes every hour; running it again flags nothing twice)."""

from django.core.management.base import BaseCommand

from tsunagu.cases.services import outreach_flag


class Command(BaseCommand):
    help = (
        "見守り・安否確認・辞退された紹介から、アウトリーチの対象を登録します（何度実行しても二重には登録しません）。"
    )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        result = outreach_flag()
        for source, count in result.created.items():
            self.stdout.write(f"{source}: {count}")
        self.stdout.write(self.style.SUCCESS(f"アウトリーチに {result.total} 件を登録しました。"))
