"""Forms of the pages. They only shape input: the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.ids import MAX_ID
from crm.models import (
    ConsentPurpose,
    Contact,
    ContactList,
    Forum,
    Language,
    Organisation,
    Participation,
    ParticipationStatus,
    Sector,
    WorkingGroup,
)
from crm.models.contacts import CONTACT_DETAILS
from engagement.choices import LAPSED_MISSED_MAX
from engagement.models import EngagementLevel
from outreach.audience import (
    Audience,
    ContactListAudience,
    ForumAudience,
    LapsedAudience,
    WorkingGroupAudience,
)
from outreach.models import MessageTemplate
from outreach.selectors import follow_up_templates, invitation_templates


class SafeIds:
    """Refuse ids no database column can hold before they reach a query (SQLite raises
    OverflowError on them, PostgreSQL a DataError: either would be a 500)."""

    def _checked(self, value):
        for item in value if isinstance(value, list | tuple) else [value]:
            if item in self.empty_values:
                continue
            try:
                number = int(str(item))
            except ValueError:
                continue  # the field's own check says what is wrong
            if not 0 < number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return value


class ModelChoiceField(SafeIds, forms.ModelChoiceField):
    def to_python(self, value):
        return super().to_python(self._checked(value))


class TemplateChoiceField(ModelChoiceField):
    """Message templates named with their purpose, so the right one is easy to pick."""

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.get_purpose_display()}"


class ModelMultipleChoiceField(SafeIds, forms.ModelMultipleChoiceField):
    def clean(self, value):
        return super().clean(self._checked(value))


class ContactFilterForm(forms.Form):
    search = forms.CharField(label=_("Search"), required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any sector")), *Sector.choices]
    )
    organisation = ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Any organisation"),
    )
    city = forms.CharField(label=_("City"), required=False)
    tag = forms.CharField(label=_("Topic"), required=False)
    forum = ModelChoiceField(
        label=_("Attended forum"),
        required=False,
        queryset=Forum.objects.order_by("-date"),
        empty_label=_("Any forum"),
    )
    level = forms.ChoiceField(
        label=_("Engagement level"),
        required=False,
        choices=[("", _("Any level")), *EngagementLevel.choices],
    )


class ContactForm(forms.ModelForm):
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("From the current organisation")), *Sector.choices],
    )
    tags = forms.CharField(label=_("Topics"), required=False, help_text=_("Separated by commas."))

    class Meta:
        model = Contact
        fields = [*CONTACT_DETAILS, "sector", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_tags(self):
        tags = [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]
        # The same limits as the API: a topic is a short label.
        if any(len(tag) > 100 for tag in tags):
            raise forms.ValidationError(_("A topic can be at most 100 characters long."))
        if len(tags) > 50:
            raise forms.ValidationError(_("At most 50 topics."))
        return tags

    def clean_email(self):
        return self.cleaned_data["email"] or None


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=ParticipationStatus.choices)


class BulkAttendanceForm(forms.Form):
    participations = ModelMultipleChoiceField(queryset=Participation.objects.none())

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this forum's participations: an id from another forum is refused.
        self.fields["participations"].queryset = Participation.objects.filter(forum=forum)


class InviteForm(forms.Form):
    contacts = ModelMultipleChoiceField(queryset=Contact.objects.all())
    template = ModelChoiceField(
        label=_("Invitation template"),
        queryset=invitation_templates(),
    )


AUDIENCE_KINDS = [
    ("forum", _("Attendees of a forum")),
    ("working_group", _("Members of a working group")),
    ("contact_list", _("A saved contact list")),
    ("lapsed", _("Lapsed regulars")),
]


# The fields each audience kind reads; the page shows only the chosen kind's (app.js).
AUDIENCE_FIELDS = {
    "forum": ("forum", "statuses"),
    "working_group": ("working_group",),
    "contact_list": ("contact_list",),
    "lapsed": ("missed",),
}


class MailingForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=200)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    template = TemplateChoiceField(
        label=_("Template"), queryset=MessageTemplate.objects.order_by("purpose", "name")
    )
    audience_kind = forms.ChoiceField(label=_("Audience"), choices=AUDIENCE_KINDS)
    forum = ModelChoiceField(
        label=_("Forum"), required=False, queryset=Forum.objects.order_by("-date")
    )
    statuses = forms.MultipleChoiceField(
        label=_("Participation status"),
        required=False,
        choices=ParticipationStatus.choices,
        initial=[ParticipationStatus.ATTENDED],
        widget=forms.CheckboxSelectMultiple,
    )
    working_group = ModelChoiceField(
        label=_("Working group"), required=False, queryset=WorkingGroup.objects.order_by("title")
    )
    contact_list = ModelChoiceField(
        label=_("Contact list"), required=False, queryset=ContactList.objects.order_by("-created")
    )
    # Empty: the latest engagement snapshot's own rule, so the mailing reaches exactly the
    # people the engagement page lists as lapsed.
    missed = forms.IntegerField(
        label=_("Missed the last N forums"),
        required=False,
        min_value=1,
        max_value=LAPSED_MISSED_MAX,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience_kind"].widget.attrs["data-audience-kinds"] = ""
        for kind, names in AUDIENCE_FIELDS.items():
            for name in names:
                self.fields[name].audience_kind = kind

    def clean(self):
        data = super().clean()
        template, purpose = data.get("template"), data.get("purpose")
        if template and purpose and template.purpose != purpose:
            self.add_error(
                "template",
                _("This template is for “%(purpose)s”: choose one for this mailing's purpose.")
                % {"purpose": template.get_purpose_display()},
            )
        return data

    def audience(self) -> Audience:
        data = self.cleaned_data
        kind = data["audience_kind"]
        if kind == "forum":
            if not data.get("forum"):
                raise forms.ValidationError({"forum": _("Choose a forum.")})
            statuses = data.get("statuses") or [ParticipationStatus.ATTENDED]
            return ForumAudience(forum=data["forum"].pk, statuses=tuple(statuses))
        if kind == "working_group":
            if not data.get("working_group"):
                raise forms.ValidationError({"working_group": _("Choose a working group.")})
            return WorkingGroupAudience(working_group=data["working_group"].pk)
        if kind == "contact_list":
            if not data.get("contact_list"):
                raise forms.ValidationError({"contact_list": _("Choose a contact list.")})
            return ContactListAudience(contact_list=data["contact_list"].pk)
        return LapsedAudience(missed=data.get("missed"))


LANGUAGES = Language.choices


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    days_after_forum = forms.IntegerField(
        label=_("Or days after the forum"), required=False, min_value=0, max_value=365
    )


class FollowUpForm(forms.Form):
    """A forum's follow-up mailing: which forum-updates template, how many days after."""

    template = ModelChoiceField(label=_("Template"), queryset=MessageTemplate.objects.none())
    days_after = forms.IntegerField(
        label=_("Days after the forum"), min_value=0, max_value=365, initial=3
    )
    enabled = forms.BooleanField(label=_("Send it"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = follow_up_templates()
