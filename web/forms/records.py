"""Forms of the pages that create and edit records: programmes, forums (with partners and
documents), organisations, working groups and memberships, affiliations and consents, and
the new-contact form.

Their fields are the model's (labels, choices, lengths) and carry the API's field names.
They only shape input: the services validate and write, so the messages are the API's.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from crm.models import (
    Affiliation,
    ConsentPurpose,
    Contact,
    DocumentKind,
    Forum,
    Organisation,
    PartnerRole,
    Programme,
    Sector,
    WorkingGroup,
    WorkingGroupMembership,
)
from crm.services.affiliations import AFFILIATION_FIELDS
from crm.services.forums import FORUM_FIELDS, PROGRAMME_FIELDS
from crm.services.organisations import ORGANISATION_FIELDS
from crm.services.working_groups import MEMBERSHIP_FIELDS, WORKING_GROUP_FIELDS
from web.forms import ContactForm, ModelChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


def service_errors_show(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: under the field it names when the form
    has that field, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _formfield(field: models.Field, **kwargs):
    # Ids no database column can hold are refused by the form (web.forms.SafeIds), not
    # turned into an overflow deep in a query.
    if field.many_to_one:
        kwargs["form_class"] = ModelChoiceField
    if isinstance(field, models.DateField):
        kwargs["widget"] = DATE
    elif isinstance(field, models.TimeField):
        kwargs["widget"] = TIME
    elif isinstance(field, models.TextField):
        kwargs["widget"] = TEXT
    elif isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class RecordForm(forms.Form):
    """A form with the named fields of a model, prefilled from ``instance`` when editing.

    ``cleaned_data`` holds exactly the fields the service takes, under the same names."""

    model: type[models.Model]
    field_names: tuple[str, ...]
    labels: dict = {}

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                **model_to_dict(instance, fields=self.field_names),
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        declared = dict(self.fields)
        generated = fields_for_model(
            self.model,
            fields=[name for name in self.field_names if name not in declared],
            labels=self.labels,
            formfield_callback=_formfield,
        )
        self.fields = {
            name: declared.get(name) or generated[name]
            for name in self.field_names
            if name in declared or name in generated
        } | {name: field for name, field in declared.items() if name not in self.field_names}


class ProgrammeForm(RecordForm):
    """A programme and its sector targets: the minimum share of each sector (in per cent)
    the coordinators aim for at each forum."""

    model = Programme
    field_names = tuple(name for name in PROGRAMME_FIELDS if name != "sector_targets")
    labels = {"funder": _("Funder")}

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["funder"].queryset = Organisation.objects.order_by("name")
        targets = (instance.sector_targets or {}) if instance is not None else {}
        for value, label in Sector.choices:
            name = self.target_field(value)
            self.fields[name] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1", "class": "short-number"}),
            )
            if value in targets:
                self.initial.setdefault(name, round(targets[value] * 100, 1))

    @staticmethod
    def target_field(sector: str) -> str:
        return f"sector_targets_{sector}"

    def target_fields(self):
        return [self[self.target_field(value)] for value in Sector.values]

    def detail_fields(self):
        return [self[name] for name in self.field_names]

    def values(self) -> dict:
        """What the programme services take: the details and ``sector_targets`` as shares."""
        data = {name: self.cleaned_data[name] for name in self.field_names}
        data["sector_targets"] = {
            value: float(self.cleaned_data[self.target_field(value)]) / 100
            for value in Sector.values
            if self.cleaned_data.get(self.target_field(value))
        }
        return data


class ForumForm(RecordForm):
    model = Forum
    field_names = FORUM_FIELDS
    labels = {"programme": _("Programme")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("-start_year", "name")


class PartnerForm(forms.Form):
    """One partner of a forum. The organisations are choices read once for the whole list
    (a model choice field per row would read them again for every row)."""

    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "—"), *organisations]


PartnerFormSet = forms.formset_factory(PartnerForm, extra=3, can_delete=True, max_num=100)


def partner_formset(data=None, *, forum: Forum | None = None):
    """The forum's partner rows (prefix ``partners``, the API's name for the list)."""
    organisations = list(Organisation.objects.order_by("name").values_list("pk", "name"))
    initial = (
        [{"organisation": p.organisation_id, "role": p.role} for p in forum.partner_links.all()]
        if forum is not None
        else []
    )
    return PartnerFormSet(
        data,
        prefix="partners",
        initial=initial,
        form_kwargs={"organisations": organisations},
    )


def partners_chosen(formset) -> list[dict]:
    """The rows filled in and not marked for removal, as the forum services take them."""
    rows = [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data.get("organisation") and not form.cleaned_data.get("DELETE")
    ]
    organisations = Organisation.objects.in_bulk([row["organisation"] for row in rows])
    return [
        {"organisation": organisations[row["organisation"]], "role": row["role"]}
        for row in rows
        if row["organisation"] in organisations
    ]


class ForumDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), required=False, max_length=255)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("URL"), required=False, max_length=500, assume_scheme="https")


class OrganisationForm(RecordForm):
    model = Organisation
    field_names = ORGANISATION_FIELDS


class WorkingGroupForm(RecordForm):
    model = WorkingGroup
    field_names = WORKING_GROUP_FIELDS
    labels = {"programme": _("Programme"), "origin_forum": _("Born at forum")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("-start_year", "name")
        self.fields["origin_forum"].queryset = Forum.objects.order_by("-date", "-pk")


class MembershipForm(RecordForm):
    """A new member: the contact comes from a name search on the page (radio buttons), so
    the page never lists every contact."""

    model = WorkingGroupMembership
    field_names = ("contact", *MEMBERSHIP_FIELDS[:2])
    labels = {"contact": _("Contact")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.all()
        self.fields["contact"].widget = forms.HiddenInput()
        self.fields["contact"].error_messages["required"] = _("Choose a contact.")
        self.fields["joined_on"].required = False


class MembershipEndForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), required=False, widget=DATE)


class AffiliationForm(RecordForm):
    model = Affiliation
    field_names = AFFILIATION_FIELDS
    labels = {"organisation": _("Organisation"), "is_primary": _("Primary")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"is_primary": True})
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")


class AffiliationEndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)


GIVEN = [("true", _("Given")), ("false", _("Withdrawn"))]


class ConsentForm(forms.Form):
    """Consent stated to a coordinator in person (or its withdrawal)."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Consent"), choices=GIVEN, coerce=lambda value: value == "true"
    )
    text_version = forms.CharField(label=_("Text version"), required=False, max_length=50)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ContactIntakeForm(ContactForm):
    """The new-contact form: details, where they work, and consent given in person."""

    organisation = ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.order_by("name")
    )
    position = forms.CharField(label=_("Position"), required=False, max_length=200)
    purpose = forms.MultipleChoiceField(
        label=_("Consent given in person"),
        required=False,
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    text_version = forms.CharField(
        label=_("Consent text version"),
        required=False,
        max_length=50,
        help_text=_("The version of the consent text the person agreed to, e.g. 2024-03."),
    )

    EXTRA = ("organisation", "position", "purpose", "text_version")

    def intake(self, *, recorded_by) -> dict:
        """The keyword arguments of crm.services.intake.contact_intake."""
        data = self.cleaned_data
        return {
            "details": {k: v for k, v in data.items() if k not in self.EXTRA},
            "organisation": data.get("organisation"),
            "position": data.get("position", ""),
            "consent_purposes": data.get("purpose") or [],
            "text_version": data.get("text_version", ""),
            "recorded_by": recorded_by,
        }
