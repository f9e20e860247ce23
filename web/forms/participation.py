"""Forms of a forum's people and its check-in. They only shape input: the services in
crm/services/participation.py validate and write, so their messages are the API's. Field
names are the API's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Contact, ParticipationRole, ParticipationStatus
from crm.selectors.lists import contact_lists_recent
from web.forms import ModelChoiceField, ModelMultipleChoiceField


class ParticipationAddForm(forms.Form):
    """Several contacts found by the search, recorded with one role and status."""

    contacts = ModelMultipleChoiceField(queryset=Contact.objects.all())
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ParticipationStatus.choices,
        initial=ParticipationStatus.REGISTERED,
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=ParticipationRole.choices, initial=ParticipationRole.PARTICIPANT
    )


class ParticipationEditForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ParticipationStatus.choices)
    role = forms.ChoiceField(label=_("Role"), choices=ParticipationRole.choices)


class ContactListInviteForm(forms.Form):
    contact_list = ModelChoiceField(label=_("Saved list"), queryset=contact_lists_recent())


class WalkInForm(forms.Form):
    """An existing contact who came without being on the list."""

    contact = ModelChoiceField(queryset=Contact.objects.all())


class WalkInContactForm(forms.ModelForm):
    """The least a new person at the door is asked for; the rest can wait."""

    class Meta:
        model = Contact
        fields = ["given_name", "family_name", "email", "phone", "language"]

    def clean_email(self):
        return self.cleaned_data["email"] or None
