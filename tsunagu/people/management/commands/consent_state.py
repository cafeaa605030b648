"""`tsunagu consent state check` / `… rebuild`: compare the consent state (what the policy joins) with the consent
history (the record), and rewrite it from the history."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tsunagu.people.services.consent_state import consent_state_differences, refresh_consent_state

CHECK_OK_MESSAGE = _("現在の同意は、すべての方で同意の履歴と一致しています。")
CHECK_PROBLEMS_MESSAGE = _("%(count)s 件で、現在の同意が同意の履歴と一致しません（rebuild で直せます）。")
PROBLEM_LINE = _("住民ID %(person)s（%(scope)s）")
REBUILT_MESSAGE = _("現在の同意を同意の履歴から作り直しました（直した件数：%(count)s）。")
# Persons listed one by one before the total; the rest are counted.
LISTED = 50


class Command(BaseCommand):
    help = "現在の同意（ConsentState）を同意の履歴と照合し（check）、履歴から作り直します（rebuild）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "rebuild"])

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        differences = consent_state_differences()
        if options["action"] == "rebuild":
            with transaction.atomic():
                refresh_consent_state()
            self.stdout.write(gettext(REBUILT_MESSAGE) % {"count": len(differences)})
            return
        for person_id, scope in differences[:LISTED]:
            self.stderr.write(gettext(PROBLEM_LINE) % {"person": person_id, "scope": scope})
        if differences:
            raise CommandError(gettext(CHECK_PROBLEMS_MESSAGE) % {"count": len(differences)})
        self.stdout.write(gettext(CHECK_OK_MESSAGE))
