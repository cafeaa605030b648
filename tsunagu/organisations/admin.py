# Organisations and agreements are configuration, not personal data of residents, so the admin may show them.
# Residents, consents and the audit log are deliberately NOT registered: they are reached only through pages
# that apply tsunagu.access.policy and write audit entries.
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import Agreement, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    filter_horizontal = ["districts"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "is_active"]
    list_filter = ["kind", "municipality", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["service_districts"]
    inlines = [MembershipInline]


class AgreementAdminForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = "__all__"  # noqa: DJ007 - the admin edits every field of the agreement

    def clean(self) -> dict:
        data = super().clean()
        organisation, districts = data.get("organisation"), data.get("districts")
        if organisation is not None and districts is not None:
            try:
                Agreement(organisation=organisation).clean_districts(districts)
            except ValidationError as error:
                self.add_error("districts", error)
        return data


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    form = AgreementAdminForm
    list_display = ["organisation", "document_reference", "valid_from", "valid_to", "revoked_at", "consent_requirement"]
    list_filter = ["consent_requirement"]
    search_fields = ["organisation__name", "document_reference"]
    filter_horizontal = ["districts"]
