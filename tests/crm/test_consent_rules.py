"""A withdrawal always wins: whichever door a consent record comes through (the API, the
admin's form, the admin's inline on a contact), it cannot be dated so as to outrank a later
withdrawal, and the sources that only ever mean "withdrawn" cannot be chosen by hand."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from crm.models import Consent
from crm.roles import COORDINATOR
from crm.selectors.consent import consent_states
from crm.services.consent import consent_record
from outreach.audience import ContactsAudience
from outreach.selectors import recipient_list
from outreach.services.consent import unsubscribe
from outreach.tokens import unsubscribe_token
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_coordinator():
    client = Client()
    client.force_login(UserFactory(username="admin-coord", is_staff=True, groups=[COORDINATOR]))
    return client


def admin_add(client, contact, *, when: dt.datetime, source="form", granted=True):
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    return client.post(
        "/admin/crm/consent/add/",
        {
            "contact": contact.pk,
            "purpose": "forum_updates",
            "granted": "on" if granted else "",
            "source": source,
            "text_version": "v1",
            "recorded_at_0": local.date().isoformat(),
            "recorded_at_1": local.time().strftime("%H:%M:%S"),
            "note": "",
        },
    )


def test_the_admin_refuses_a_consent_dated_in_the_future(staff_coordinator):
    contact = ContactFactory(email="a@example.org")
    response = admin_add(staff_coordinator, contact, when=dt.datetime(2099, 1, 1, 10))
    assert response.status_code == 200  # the form again, with the error
    assert "cannot be recorded in the future" in response.content.decode()
    assert not Consent.objects.exists()


def test_the_admin_refuses_a_date_before_the_programmes_era(staff_coordinator):
    contact = ContactFactory(email="a@example.org")
    response = admin_add(staff_coordinator, contact, when=dt.datetime(1970, 1, 1, 10))
    assert "check the year" in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.parametrize("source", ["link", "complaint"])
def test_the_admin_does_not_offer_the_outreachs_own_sources(staff_coordinator, source):
    contact = ContactFactory(email="a@example.org")
    form = staff_coordinator.get("/admin/crm/consent/add/").content.decode()
    assert f'value="{source}"' not in form
    response = admin_add(
        staff_coordinator, contact, when=timezone.now() - dt.timedelta(days=1), source=source
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()


def test_the_admin_still_records_a_valid_consent(staff_coordinator):
    contact = ContactFactory(email="a@example.org")
    response = admin_add(staff_coordinator, contact, when=timezone.now() - dt.timedelta(hours=1))
    assert response.status_code == 302
    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is True


def test_the_contact_inline_applies_the_same_rules(staff_coordinator):
    contact = ContactFactory(email="a@example.org", given_name="Aigerim", family_name="K")
    page = staff_coordinator.get(f"/admin/crm/contact/{contact.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{formset.formset.prefix}-{name}"] = management.initial.get(name, field.initial)
    data["tags"] = ""
    prefix = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if "consent" in f.formset.prefix
    )
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": 1,
            f"{prefix}-0-purpose": "forum_updates",
            f"{prefix}-0-granted": "on",
            f"{prefix}-0-source": "form",
            f"{prefix}-0-recorded_at_0": "2099-01-01",
            f"{prefix}-0-recorded_at_1": "10:00:00",
        }
    )
    response = staff_coordinator.post(f"/admin/crm/contact/{contact.pk}/change/", data)
    assert "cannot be recorded in the future" in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recorded_at": "2099-01-01T10:00:00Z"}, "recorded_at"),
        ({"recorded_at": "1970-01-01T00:00:00Z"}, "recorded_at"),
        ({"source": "link"}, "source"),
        ({"source": "complaint", "granted": False}, "source"),
    ],
)
def test_the_api_refuses_what_could_outrank_a_withdrawal(coordinator_api, change, field):
    contact = ContactFactory(email="a@example.org")
    body = {"contact": contact.pk, "purpose": "forum_updates", "granted": True, "source": "form"}
    response = coordinator_api.post("/api/v1/consents/", {**body, **change})
    assert response.status_code == 400
    assert field in response.json()
    assert not Consent.objects.exists()


def test_a_grant_a_minute_ahead_is_refused_too(coordinator_api):
    """Even a small clock skew would let a grant outrank the unsubscribe that follows it."""
    contact = ContactFactory(email="a@example.org")
    ahead = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    response = coordinator_api.post(
        "/api/v1/consents/",
        {"contact": contact.pk, "purpose": "forum_updates", "granted": True, "source": "form",
         "recorded_at": ahead},
    )  # fmt: skip
    assert response.status_code == 400


def test_an_unsubscribe_wins_over_every_grant_recorded_before_it(coordinator_api):
    contact = ContactFactory(email="a@example.org")
    for days_ago in (400, 1, 0):
        response = coordinator_api.post(
            "/api/v1/consents/",
            {"contact": contact.pk, "purpose": "forum_updates", "granted": True,
             "source": "form",
             "recorded_at": (timezone.now() - dt.timedelta(days=days_ago)).isoformat()},
        )  # fmt: skip
        assert response.status_code == 201, response.json()
    audience = ContactsAudience(contacts=(contact.pk,))
    assert recipient_list(audience=audience, purpose="forum_updates")[0].reason == ""

    token = unsubscribe_token(contact_id=contact.pk, purpose="forum_updates", message_id=None)
    unsubscribe(token=token)

    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is False
    assert recipient_list(audience=audience, purpose="forum_updates")[0].reason == "opted_out"


def test_a_grant_imported_later_with_its_true_older_date_does_not_revive_consent(
    coordinator_api,
):
    contact = ContactFactory(email="a@example.org")
    unsubscribe(
        token=unsubscribe_token(contact_id=contact.pk, purpose="forum_updates", message_id=None)
    )
    response = coordinator_api.post(
        "/api/v1/consents/",
        {"contact": contact.pk, "purpose": "forum_updates", "granted": True, "source": "import",
         "recorded_at": "2019-04-30T10:00:00+06:00"},
    )  # fmt: skip
    assert response.status_code == 201
    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is False


def _migration():
    import importlib

    return importlib.import_module("crm.migrations.0006_consent_dates_not_in_the_future")


def _entered(consent, when):
    """Pretend the record was entered at ``when`` (its history's creation row says so)."""
    consent.history.filter(history_type="+").update(history_date=when)


def test_records_dated_after_their_entry_are_redated_to_when_they_were_entered():
    from django.apps import apps

    contact = ContactFactory(email="a@example.org")
    consent = consent_record(contact=contact, purpose="forum_updates", granted=True, source="form")
    entered = timezone.now() - dt.timedelta(days=1)
    _entered(consent, entered)
    Consent.objects.filter(pk=consent.pk).update(recorded_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))

    _migration().redate_consents_dated_after_their_entry(apps, None)

    consent.refresh_from_db()
    assert consent.recorded_at == entered
    unsubscribe(
        token=unsubscribe_token(contact_id=contact.pk, purpose="forum_updates", message_id=None)
    )
    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is False


def test_a_grant_that_was_ahead_when_entered_no_longer_outranks_an_earlier_withdrawal():
    """Found in review: a grant entered a year ago but dated a month after its entry still
    outranked a withdrawal recorded in that month, long after the date had passed."""
    from django.apps import apps

    contact = ContactFactory(email="a@example.org")
    now = timezone.now()
    grant = consent_record(contact=contact, purpose="forum_updates", granted=True, source="form")
    _entered(grant, now - dt.timedelta(days=365))
    Consent.objects.filter(pk=grant.pk).update(recorded_at=now - dt.timedelta(days=335))
    consent_record(
        contact=contact, purpose="forum_updates", granted=False, source="form",
        recorded_at=now - dt.timedelta(days=350),
    )  # fmt: skip
    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is True  # the old bug

    _migration().redate_consents_dated_after_their_entry(apps, None)

    assert consent_states([contact.pk])[contact.pk]["forum_updates"] is False
