"""Forms for the roster pages: the list filters and the rule editor (whose threshold is checked by the same
rule_condition the build uses, so a rule that saves is a rule that builds)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District, Town
from tsunagu.people.models import CareLevel, IntellectualGrade

from .models import RosterRule, RuleKind
from .rules import BAD_THRESHOLD_MESSAGE, RuleError, rule_condition
from .selectors import RosterFilters, roster_consent_column, roster_filter_areas

# Kinds whose condition reads no threshold: whatever was typed is dropped.
KINDS_WITHOUT_THRESHOLD = frozenset({RuleKind.INTRACTABLE_DISEASE, RuleKind.SELF_REQUEST})


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:
        return f"{obj.district_type.name}：{obj.name}"


class RosterFilterForm(forms.Form):
    """The list's filters, for one viewer: the districts and 町丁目 its grants reach, and the consent states its
    persons can be in (no consent field when they have all agreed). Anything else is refused as invalid."""

    district = DistrictChoiceField(
        label=_("地区"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("すべての地区"),
    )
    town = forms.ModelChoiceField(
        label=_("町丁目"), queryset=Town.objects.none(), required=False, empty_label=_("すべての町丁目")
    )
    consent = forms.ChoiceField(label=_("同意の状況"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = roster_filter_areas(user)
        self.fields["district"].queryset = areas.districts
        self.fields["town"].queryset = areas.towns
        column = roster_consent_column(user)
        if column.shown:
            self.fields["consent"].choices = [("", _("すべて")), *((s.value, s.label) for s in column.states)]
        else:
            del self.fields["consent"]

    def filters(self) -> RosterFilters:
        data = self.cleaned_data
        return RosterFilters(
            district_id=data["district"].pk if data.get("district") else None,
            town_id=data["town"].pk if data.get("town") else None,
            consent=data.get("consent") or "",
        )


def _normalise_threshold(kind: str, text: str) -> str:
    """Staff type 「要介護３」, 「２級」 or 「ａ」; the rule stores care_3, 2 and A."""
    text = unicodedata.normalize("NFKC", text).strip()
    if kind == RuleKind.CARE_LEVEL:
        by_label = {str(label): value for value, label in CareLevel.choices}
        return by_label.get(text, text)
    if kind in (RuleKind.PHYSICAL_GRADE, RuleKind.MENTAL_GRADE):
        return text.removesuffix("級")
    if kind in (RuleKind.AGE_LIVING_ALONE, RuleKind.AGE_ELDERLY_ONLY):
        return text.removesuffix("歳以上").removesuffix("歳")
    if kind == RuleKind.INTELLECTUAL_GRADE:
        return text.upper()
    return text


class RosterRuleForm(forms.ModelForm):
    class Meta:
        model = RosterRule
        fields = ["label", "kind", "threshold", "sort_order", "is_active"]
        help_texts = {
            "threshold": _(
                "要介護度は「要介護3」、手帳の等級は「2」（1〜2級）、療育手帳は「A」、年齢は「75」のように入力します。"
                "難病と本人の申出には不要です。"
            ),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        threshold = "" if kind in KINDS_WITHOUT_THRESHOLD else _normalise_threshold(kind, data.get("threshold") or "")
        data["threshold"] = threshold
        candidate = RosterRule(label=data.get("label") or "", kind=kind, threshold=threshold)
        try:
            # The build's own translation of the rule: if it cannot build a condition, neither could the build.
            rule_condition(candidate, day=timezone.localdate())
            # rule_condition takes any text as a 療育手帳 judgement; only A and B exist.
            if kind == RuleKind.INTELLECTUAL_GRADE and threshold not in IntellectualGrade.values:
                raise RuleError(str(BAD_THRESHOLD_MESSAGE).format(label=candidate.label, threshold=threshold))
        except RuleError as error:
            self.add_error("threshold", str(error))
        return data
