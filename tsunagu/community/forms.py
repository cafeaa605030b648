from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tsunagu.organisations.models import Organisation

from .models import ActionItem, ActionStatus, IssueTag, Meeting, MeetingKind, MemberRole


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("名称"), max_length=100)
    held_on = forms.DateField(label=_("開催日"), widget=DateInput)
    place = forms.CharField(label=_("場所"), max_length=100, required=False)
    agenda = forms.CharField(label=_("議題"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes", "decisions", "attendees", "guests", "is_public", "public_note"]
        widgets = {"attendees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = self.instance.forum.members.filter(left_on__isnull=True)


class IssueForm(forms.Form):
    title = forms.CharField(label=_("課題"), max_length=120)
    description = forms.CharField(
        label=_("内容"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("個人が分かる書き方（氏名・番地・電話番号・生年月日など）は保存できません。"),
    )
    tags = forms.MultipleChoiceField(
        label=_("分類"), choices=IssueTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    source = forms.CharField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(required=False, widget=forms.HiddenInput)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("取組"), max_length=120)
    owner = forms.ModelChoiceField(label=_("担当団体"), queryset=Organisation.objects.none())
    issue = forms.IntegerField(required=False, widget=forms.HiddenInput)
    parent = forms.ModelChoiceField(label=_("上位の取組"), queryset=ActionItem.objects.none(), required=False)
    due_on = forms.DateField(label=_("期限"), required=False, widget=DateInput)
    description = forms.CharField(
        label=_("内容"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, forum, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        ids = forum.members.filter(left_on__isnull=True, organisation__isnull=False).values("organisation_id")
        self.fields["owner"].queryset = Organisation.objects.filter(pk__in=ids).order_by("name")
        self.fields["parent"].queryset = forum.actions.all()


class ActionUpdateForm(forms.Form):
    note = forms.CharField(label=_("経過"), max_length=500)
    status = forms.ChoiceField(label=_("状況"), choices=[("", _("変えない")), *ActionStatus.choices], required=False)
    progress = forms.IntegerField(label=_("進み具合（%）"), min_value=0, max_value=100, required=False)


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("統合先の課題"))


class SplitForm(forms.Form):
    title = forms.CharField(label=_("分ける課題"), max_length=120)


class ForumForm(forms.Form):
    district = forms.ModelChoiceField(label=_("地区"), queryset=None)
    name = forms.CharField(
        label=_("名称"), max_length=100, required=False,
        help_text=_("空欄のときは「（地区名） 話し合いの場」とします。"),
    )
    description = forms.CharField(
        label=_("説明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, districts, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["district"].label_from_instance = lambda d: f"{d.district_type.name}：{d.name}"


class MemberForm(forms.Form):
    """A member is an organisation or one person (by login ID), never both."""

    role = forms.ChoiceField(label=_("立場"), choices=MemberRole.choices)
    organisation = forms.ModelChoiceField(label=_("団体"), queryset=None, required=False)
    username = forms.CharField(
        label=_("個人（ログインID）"), max_length=150, required=False,
        help_text=_("団体で参加するときは空欄にしてください。"),
    )

    def __init__(self, *args, organisations, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self) -> dict:
        data = super().clean()
        organisation, username = data.get("organisation"), (data.get("username") or "").strip()
        if bool(organisation) == bool(username):
            raise forms.ValidationError(_("団体か個人（ログインID）のどちらか一方を入力してください。"))
        data["member_user"] = None
        if username:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                self.add_error("username", _("このログインIDの利用者は見つかりません。"))
            data["member_user"] = user
        return data
