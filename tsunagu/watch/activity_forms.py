"""Forms of the activity record pages: the month's numbers (one field per category of tsunagu.watch.activity) and
the month picker of the totals. The numbers are checked by the service (services.activity.clean_counts), so the
page, the API and any other caller get the same messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .activity import GROUPS, MANUAL_CODES, MAX_COUNT, CategoryGroup

if TYPE_CHECKING:
    from .selectors.activity import ActivityRecordPage

FROM_LOG_HELP = _("見守りの記録から：%(count)s")
MANUAL_HELP = _("手で入力します。")


class ActivityRecordForm(forms.Form):
    note = forms.CharField(
        label=_("特記事項"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("民児協に伝えたいこと。個人が特定される内容は書かないでください。"),
    )

    def __init__(self, *args: Any, page: ActivityRecordPage, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {**page.counts, "note": page.note})
        super().__init__(*args, **kwargs)
        note = self.fields.pop("note")
        for group in GROUPS:
            for category in group.categories:
                if category.code in MANUAL_CODES:
                    help_text = MANUAL_HELP
                else:
                    help_text = FROM_LOG_HELP % {"count": page.from_log[category.code]}
                # Text, not IntegerField: the service says what is wrong with a number, in one place.
                self.fields[category.code] = forms.CharField(
                    label=category.label,
                    required=False,
                    help_text=help_text,
                    widget=forms.NumberInput(attrs={"min": 0, "max": MAX_COUNT, "inputmode": "numeric"}),
                )
        self.fields["note"] = note

    def group_fields(self) -> list[tuple[CategoryGroup, list[forms.BoundField]]]:
        return [(group, [self[code] for code in group.codes]) for group in GROUPS]

    def counts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(code, "") for group in GROUPS for code in group.codes}


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("対象月"),
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("例：2025-01"),
    )
