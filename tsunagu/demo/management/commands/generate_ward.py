from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from tsunagu.demo.ward import DEFAULT_SIZE, WardNotEmptyError, generate_ward
from tsunagu.people.models import Person

REPLACE_BLOCKED_MESSAGE = _(
    "ほかの機能の記録が住民・団体を参照しているため、既存のデータを削除できませんでした。"
    "新しいデータベースで実行してください。"
)
# Filled with the number of persons already registered.
ALREADY_HAS_RESIDENTS_MESSAGE = _("住民データがすでにあるため、合成データは作成しません（{count:,}人）。")


class Command(BaseCommand):
    help = "デモ・テスト用の合成データの区（大正区がモデル）を作成します。実在の人の情報は含みません。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="住民の人数（既定: 60000）")
        parser.add_argument(
            "--wards",
            type=int,
            default=1,
            help="区の数（既定: 1）。2以上で大阪市の複数の区からなる市を作り、"
            "市の福祉局・危機管理室の利用者も作ります。",
        )
        parser.add_argument("--seed", type=int, default=1, help="乱数のシード。同じシードからは同じ区ができます。")
        parser.add_argument(
            "--if-empty", action="store_true", help="住民データがすでにあるときは何もしません（make demo 用）。"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="既存の住民・地区・団体・デモ利用者を削除してから作成します（監査ログは残ります）。",
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write(str(ALREADY_HAS_RESIDENTS_MESSAGE).format(count=Person.objects.count()))
            return
        try:
            summary = generate_ward(
                size=options["size"],
                seed=options["seed"],
                stdout=self.stdout,
                replace=options["replace"],
                wards=options["wards"],
            )
        except (WardNotEmptyError, ValueError) as error:
            raise CommandError(str(error)) from error
        except (ProtectedError, RestrictedError) as error:
            raise CommandError(str(REPLACE_BLOCKED_MESSAGE)) from error
        for line in summary.lines():
            self.stdout.write(line)
