"""Creating, editing and deleting records in the pages: programmes (with sector targets),
forums (partners, documents), organisations, contacts (organisation, position, consent given
in person), affiliations, working groups and memberships. Writes go through the services,
so the messages are the API's; a viewer gets 403 and changes nothing; each page runs the
same number of queries whatever the amount of data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import (
    Affiliation,
    Consent,
    Contact,
    Forum,
    ForumDocument,
    Organisation,
    Programme,
    WorkingGroup,
    WorkingGroupMembership,
)
from crm.services.affiliations import affiliation_create
from crm.services.contacts import contact_create
from crm.services.forums import forum_create, forum_document_create, programme_create
from crm.services.organisations import organisation_create
from crm.services.participation import participation_create
from crm.services.working_groups import membership_create, working_group_create
from tests.documents import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def records(size: int, tag: str = "") -> dict:
    """A programme, ``size`` organisations, a forum with ``size`` partners and documents,
    a working group with ``size`` members, a contact with ``size`` affiliations."""
    programme = programme_create(name=f"WeAlmaty{tag}", start_year=2017, end_year=2020)
    organisations = [
        organisation_create(name=f"Org {i}{tag}", sector=("business", "media")[i % 2])
        for i in range(size)
    ]
    forum = forum_create(
        programme=programme, number=1, title=f"Forum{tag}", date=dt.date(2019, 3, 1),
        partners=[{"organisation": o, "role": "partner"} for o in organisations],
    )  # fmt: skip
    for i in range(size):
        forum_document_create(forum=forum, kind="protocol", url=f"https://example.org/{i}{tag}")
    group = working_group_create(title=f"Tourism{tag}", programme=programme, origin_forum=forum)
    people = [
        contact_create(given_name=f"Айгерим{i}", family_name=f"Касымова{tag}") for i in range(size)
    ]
    for person in people:
        membership_create(working_group=group, contact=person)
    for i, organisation in enumerate(organisations):
        affiliation_create(
            contact=people[0], organisation=organisation, is_primary=i == 0,
            start_date=dt.date(2015 + i, 1, 1),
        )  # fmt: skip
    return {
        "programme": programme, "organisations": organisations, "forum": forum,
        "group": group, "people": people,
    }  # fmt: skip


@pytest.fixture
def small(db):
    return records(2)


def text(response) -> str:
    return response.content.decode()


# --- Programmes ---------------------------------------------------------------------------


def test_a_programme_is_created_with_its_sector_targets(coordinator_client):
    page = coordinator_client.get(reverse("web:programme_new"))
    assert 'name="sector_targets_government"' in text(page)
    response = coordinator_client.post(
        reverse("web:programme_new"),
        {"name": "Almaty Dialogue", "start_year": "2021", "end_year": "2024", "city": "Almaty",
         "sector_targets_government": "20", "sector_targets_business": "15.5"},
    )  # fmt: skip
    programme = Programme.objects.get(name="Almaty Dialogue")
    assert response.status_code == 302
    assert response.url == f"{reverse('web:forums')}#programme-{programme.pk}"
    assert programme.sector_targets == {"government": 0.2, "business": 0.155}
    assert programme.start_year == 2021


def test_programme_errors_are_the_apis_and_nothing_is_saved(coordinator_client, small):
    response = coordinator_client.post(
        reverse("web:programme_new"),
        {"name": "Too much", "sector_targets_government": "60", "sector_targets_media": "50"},
    )
    assert response.status_code == 200
    assert "The minimum shares add up to more than 100%." in text(response)
    response = coordinator_client.post(
        reverse("web:programme_new"),
        {"name": "Backwards", "start_year": "2020", "end_year": "2019"},
    )
    assert "The end year cannot be before the start year." in text(response)
    response = coordinator_client.post(
        reverse("web:programme_new"), {"name": "x", "sector_targets_government": "101"}
    )
    assert "less than or equal to 100" in text(response)
    assert not Programme.objects.exclude(pk=small["programme"].pk).exists()


def test_editing_a_programme_changes_its_targets_and_keeps_the_rest(coordinator_client, small):
    programme = small["programme"]
    url = reverse("web:programme_edit", args=[programme.pk])
    page = text(coordinator_client.get(url))
    assert 'value="WeAlmaty"' in page
    response = coordinator_client.post(
        url, {"name": "WeAlmaty", "start_year": "2017", "end_year": "2020",
              "sector_targets_academia": "10"},
    )  # fmt: skip
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.sector_targets == {"academia": 0.1}
    # Shown again in per cent.
    assert 'name="sector_targets_academia" value="10.0"' in text(coordinator_client.get(url))


# --- Deleting ----------------------------------------------------------------------------


def test_deleting_what_is_in_use_is_refused_with_the_reason(coordinator_client, small):
    participation_create(contact=small["people"][0], forum=small["forum"], status="attended")
    cases = [
        ("web:programme_delete", small["programme"], Programme, "forums"),
        ("web:forum_delete", small["forum"], Forum, "participations"),
        ("web:organisation_delete", small["organisations"][0], Organisation, "affiliations"),
        ("web:working_group_delete", small["group"], WorkingGroup, "memberships"),
    ]
    for name, record, model, blocker in cases:
        url = reverse(name, args=[record.pk])
        confirm = coordinator_client.get(url)
        assert confirm.status_code == 200
        assert 'id="confirm-delete"' in text(confirm)
        response = coordinator_client.post(url)
        assert response.status_code == 409, name
        assert "This record is still in use by" in text(response)
        assert blocker in text(response), (name, text(response))
        assert model.objects.filter(pk=record.pk).exists(), name


def test_deleting_what_is_unused_works_after_confirmation(coordinator_client):
    programme = programme_create(name="Empty")
    organisation = organisation_create(name="Nobody's", sector="media")
    forum = forum_create(title="Cancelled", date=dt.date(2026, 1, 1))
    forum_document_create(forum=forum, kind="programme", url="https://example.org/p")
    group = working_group_create(title="Never met")
    for name, record in [
        ("web:programme_delete", programme), ("web:organisation_delete", organisation),
        ("web:forum_delete", forum), ("web:working_group_delete", group),
    ]:  # fmt: skip
        response = coordinator_client.post(reverse(name, args=[record.pk]))
        assert response.status_code == 302, name
        assert not type(record).objects.filter(pk=record.pk).exists(), name
    assert not ForumDocument.objects.exists()


# --- Forums -----------------------------------------------------------------------------


def _forum_data(**extra) -> dict:
    data = {
        "title": "Accessible city", "kind": "forum", "date": "2026-05-20",
        "start_time": "10:00", "end_time": "13:00", "city": "Almaty", "venue": "KBTU",
        "capacity": "80", "objective": "Ramps", "partners-TOTAL_FORMS": "3",
        "partners-INITIAL_FORMS": "0", "document-kind": "programme",
    }  # fmt: skip
    data.update(extra)
    return data


def test_a_forum_is_created_with_partners_and_a_document(
    coordinator_client, small, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    host, funder = small["organisations"]
    response = coordinator_client.post(
        reverse("web:forum_new"),
        _forum_data(**{
            "programme": small["programme"].pk, "number": "2",
            "partners-0-organisation": host.pk, "partners-0-role": "host",
            "partners-1-organisation": funder.pk, "partners-1-role": "funder",
            "partners-2-role": "partner",  # an empty row is ignored
            "document-title": "Agenda", "document-file": upload("agenda.pdf", pdf_bytes()),
        }),
    )  # fmt: skip
    forum = Forum.objects.get(title="Accessible city")
    assert response.status_code == 302
    assert response.url == reverse("web:forum", args=[forum.pk])
    assert (forum.number, forum.capacity, forum.programme) == (2, 80, small["programme"])
    assert forum.start_time == dt.time(10, 0)
    assert sorted(forum.partner_links.values_list("organisation__name", "role")) == [
        ("Org 0", "host"), ("Org 1", "funder"),
    ]  # fmt: skip
    document = forum.documents.get()
    assert (document.title, document.kind) == ("Agenda", "programme")
    assert document.file.name.endswith(".pdf")


def test_forum_errors_are_the_apis_and_leave_nothing_half_made(coordinator_client, small):
    org = small["organisations"][0]
    cases = [
        ({"end_time": "09:00"}, "The end time must be after the start time."),
        ({"programme": small["programme"].pk, "number": "1"},
         "This programme already has a forum with this number."),
        ({"partners-0-organisation": org.pk, "partners-0-role": "host",
          "partners-1-organisation": org.pk, "partners-1-role": "host"}, "is listed twice as"),
        # A document with a file and a URL at once: the forum is not saved either.
        ({"document-url": "https://example.org/a",
          "document-file": upload("a.pdf", pdf_bytes())}, "Give either a file or a URL"),
        ({"document-title": "Disguised", "document-file": upload("a.pdf", b"<html>x</html>")},
         "not a PDF"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"date": "99999-01-01"}, "Enter a valid date"),
        ({"title": ""}, "This field is required"),
    ]  # fmt: skip
    for extra, message in cases:
        response = coordinator_client.post(reverse("web:forum_new"), _forum_data(**extra))
        assert response.status_code == 200, extra
        assert message in text(response), (extra, message)
        assert not Forum.objects.filter(title="Accessible city").exists(), extra


def test_editing_a_forum_replaces_partners_and_removes_a_document(coordinator_client, small):
    forum = small["forum"]
    first, second = small["organisations"]
    url = reverse("web:forum_edit", args=[forum.pk])
    page = text(coordinator_client.get(url))
    assert 'name="partners-INITIAL_FORMS" value="2"' in page
    response = coordinator_client.post(
        url,
        _forum_data(**{
            "title": "Forum renamed", "programme": small["programme"].pk, "number": "1",
            "partners-TOTAL_FORMS": "3", "partners-INITIAL_FORMS": "2",
            "partners-0-organisation": first.pk, "partners-0-role": "partner",
            "partners-1-organisation": second.pk, "partners-1-role": "partner",
            "partners-1-DELETE": "on",
            "partners-2-organisation": second.pk, "partners-2-role": "venue",
            "document-url": "https://example.org/press", "document-kind": "press_release",
        }),
    )  # fmt: skip
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.title == "Forum renamed"
    assert sorted(forum.partner_links.values_list("organisation_id", "role")) == sorted(
        [(first.pk, "partner"), (second.pk, "venue")]
    )
    assert forum.documents.count() == 3
    document = forum.documents.first()
    response = coordinator_client.post(
        reverse("web:forum_document_delete", args=[forum.pk, document.pk])
    )
    assert response.status_code == 302
    assert forum.documents.count() == 2
    # A document of another forum cannot be removed through this one.
    other = forum_create(title="Other", date=dt.date(2020, 1, 1))
    theirs = forum_document_create(forum=other, kind="other", url="https://example.org/o")
    response = coordinator_client.post(
        reverse("web:forum_document_delete", args=[forum.pk, theirs.pk])
    )
    assert response.status_code == 404
    assert other.documents.exists()


def test_a_new_forum_can_start_in_a_programme_from_the_forums_page(coordinator_client, small):
    programme = small["programme"]
    forums = text(coordinator_client.get(reverse("web:forums")))
    assert reverse("web:forum_new") in forums
    assert reverse("web:programme_edit", args=[programme.pk]) in forums
    page = text(coordinator_client.get(reverse("web:forum_new"), {"programme": programme.pk}))
    assert f'<option value="{programme.pk}" selected>' in page


# --- Organisations -----------------------------------------------------------------------


def test_an_organisation_is_created_and_edited(coordinator_client, small):
    response = coordinator_client.post(
        reverse("web:organisation_new"),
        {"name": "«Almaty Urban Lab»", "sector": "civil_society", "city": "Almaty",
         "website": "urbanlab.kz"},
    )  # fmt: skip
    organisation = Organisation.objects.get(name="«Almaty Urban Lab»")
    assert response.url == reverse("web:organisation", args=[organisation.pk])
    assert organisation.website == "https://urbanlab.kz"
    twin = coordinator_client.post(
        reverse("web:organisation_new"), {"name": "almaty urban lab", "sector": "business"}
    )
    assert "An organisation with this name already exists: «Almaty Urban Lab»." in text(twin)
    response = coordinator_client.post(
        reverse("web:organisation_edit", args=[organisation.pk]),
        {"name": "Almaty Urban Lab", "sector": "academia", "city": "Astana"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.sector, organisation.city) == ("academia", "Astana")
    bad = coordinator_client.post(
        reverse("web:organisation_edit", args=[organisation.pk]), {"name": "", "sector": "mars"}
    )
    assert "This field is required" in text(bad)
    assert "Select a valid choice" in text(bad)


# --- Contacts: organisation, position, consent in person --------------------------------


def test_a_contact_is_created_with_organisation_position_and_consent_in_person(
    coordinator_client, coordinator, small
):
    organisation = small["organisations"][1]
    response = coordinator_client.post(
        reverse("web:contact_new"),
        {"given_name": "Дана", "family_name": "Омарова", "email": "dana@example.org",
         "language": "kk", "organisation": organisation.pk, "position": "Director",
         "purpose": ["forum_updates", "working_group"], "text_version": "2024-03"},
    )  # fmt: skip
    contact = Contact.objects.get(email="dana@example.org")
    assert response.url == reverse("web:contact", args=[contact.pk])
    affiliation = contact.affiliations.get()
    assert (affiliation.organisation, affiliation.position, affiliation.is_primary) == (
        organisation, "Director", True,
    )  # fmt: skip
    assert contact.sector == organisation.sector  # follows the new primary affiliation
    consents = contact.consents.order_by("purpose")
    assert [(c.purpose, c.granted, c.source, c.text_version, c.recorded_by) for c in consents] == [
        ("forum_updates", True, "in_person", "2024-03", coordinator),
        ("working_group", True, "in_person", "2024-03", coordinator),
    ]


def test_consent_without_its_text_version_or_a_position_without_organisation_saves_nothing(
    coordinator_client,
):
    response = coordinator_client.post(
        reverse("web:contact_new"),
        {"given_name": "Дана", "language": "kk", "position": "Director",
         "purpose": ["forum_updates"]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Say which version of the consent text" in text(response)
    assert "Choose the organisation this position is at." in text(response)
    assert not Contact.objects.exists()
    assert not Consent.objects.exists()


def test_affiliations_are_added_and_ended_from_the_contact_page(coordinator_client, small):
    person = small["people"][1]
    page = text(coordinator_client.get(reverse("web:contact", args=[person.pk])))
    assert reverse("web:affiliation_new", args=[person.pk]) in page
    url = reverse("web:affiliation_new", args=[person.pk])
    response = coordinator_client.post(
        url, {"organisation": small["organisations"][1].pk, "position": "Editor",
              "start_date": "2020-02-01", "is_primary": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    affiliation = person.affiliations.get()
    person.refresh_from_db()
    assert person.sector == "media"
    backwards = coordinator_client.post(
        url, {"organisation": small["organisations"][0].pk, "start_date": "2020-02-01",
              "end_date": "2019-01-01"},
    )  # fmt: skip
    assert backwards.status_code == 200
    assert person.affiliations.count() == 1
    page = text(coordinator_client.get(reverse("web:contact", args=[person.pk])))
    assert f'id="end-affiliation-{affiliation.pk}"' in page
    response = coordinator_client.post(reverse("web:affiliation_end", args=[affiliation.pk]))
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.end_date == dt.date.today()
    again = coordinator_client.post(reverse("web:affiliation_end", args=[affiliation.pk]))
    assert again.status_code == 302
    messages = text(coordinator_client.get(again.url))
    assert "This affiliation has already ended." in messages


def test_consent_given_or_withdrawn_in_person_is_recorded(coordinator_client, coordinator, small):
    person = small["people"][1]
    url = reverse("web:consent_new", args=[person.pk])
    coordinator_client.post(
        url, {"purpose": "forum_updates", "granted": "true", "text_version": "v2"}
    )
    coordinator_client.post(url, {"purpose": "forum_updates", "granted": "false"})
    assert [(c.granted, c.source, c.recorded_by) for c in person.consents.order_by("id")] == [
        (True, "in_person", coordinator), (False, "in_person", coordinator),
    ]  # fmt: skip
    bad = coordinator_client.post(url, {"purpose": "nonsense", "granted": "true"})
    assert bad.status_code == 200
    assert person.consents.count() == 2


# --- Working groups and memberships ------------------------------------------------------


def test_a_working_group_is_created_edited_and_given_a_member(coordinator_client, small):
    response = coordinator_client.post(
        reverse("web:working_group_new"),
        {"title": "Accessible transport", "theme": "mobility", "status": "forming",
         "origin_forum": small["forum"].pk},
    )  # fmt: skip
    group = WorkingGroup.objects.get(title="Accessible transport")
    assert response.url == reverse("web:working_group", args=[group.pk])
    assert group.programme == small["programme"]  # from the forum it was born at
    duplicate = coordinator_client.post(
        reverse("web:working_group_new"), {"title": "Accessible transport", "status": "forming"}
    )
    assert "already exists" in text(duplicate)
    coordinator_client.post(
        reverse("web:working_group_edit", args=[group.pk]),
        {"title": "Accessible transport", "status": "active", "programme": small["programme"].pk},
    )
    group.refresh_from_db()
    assert group.status == "active"
    url = reverse("web:membership_new", args=[group.pk])
    # The search finds a Cyrillic name typed in Latin letters.
    page = text(coordinator_client.get(url, {"q": "aigerim1"}))
    person = small["people"][1]
    assert f'name="contact" value="{person.pk}"' in page
    assert f'value="{small["people"][0].pk}"' not in page
    nobody = coordinator_client.post(url, {"role": "member"})
    assert "Choose a contact." in text(nobody)
    response = coordinator_client.post(
        url, {"contact": person.pk, "role": "chair", "joined_on": "2026-01-15"}
    )
    assert response.status_code == 302
    membership = WorkingGroupMembership.objects.get(working_group=group)
    assert (membership.contact, membership.role, membership.joined_on) == (
        person, "chair", dt.date(2026, 1, 15),
    )  # fmt: skip
    again = coordinator_client.post(url, {"contact": person.pk, "role": "member"})
    assert "This contact is already a member of this group." in text(again)
    page = text(coordinator_client.get(reverse("web:working_group", args=[group.pk])))
    assert f'id="end-membership-{membership.pk}"' in page
    coordinator_client.post(
        reverse("web:membership_end", args=[membership.pk]), {"left_on": "2026-02-01"}
    )
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2026, 2, 1)
    early = coordinator_client.post(url, {"contact": person.pk, "joined_on": "2026-03-01",
                                           "role": "member"})  # fmt: skip
    assert early.status_code == 302  # left, so they can join again


# --- Who may ----------------------------------------------------------------------------


def test_a_viewer_sees_no_edit_buttons_gets_403_and_changes_nothing(viewer_client, small):
    person, forum, group = small["people"][0], small["forum"], small["group"]
    for url in [reverse("web:forums"), reverse("web:forum", args=[forum.pk]),
                reverse("web:organisations"),
                reverse("web:organisation", args=[small["organisations"][0].pk]),
                reverse("web:working_groups"), reverse("web:working_group", args=[group.pk]),
                reverse("web:contact", args=[person.pk])]:  # fmt: skip
        page = text(viewer_client.get(url))
        for snippet in (">New forum<", ">New programme<", ">New organisation<", ">Edit<",
                        ">New working group<", ">Add a member<", ">End membership<",
                        ">End today<", ">Add an affiliation<", "Record consent"):  # fmt: skip
            assert snippet not in page, (url, snippet)
    affiliation = person.affiliations.first()
    membership = group.memberships.first()
    posts = [
        (reverse("web:programme_new"), {"name": "Intruder"}),
        (reverse("web:programme_delete", args=[small["programme"].pk]), {}),
        (reverse("web:forum_new"), _forum_data()),
        (reverse("web:forum_edit", args=[forum.pk]), _forum_data()),
        (reverse("web:forum_delete", args=[forum.pk]), {}),
        (reverse("web:forum_document_delete", args=[forum.pk, forum.documents.first().pk]), {}),
        (reverse("web:organisation_new"), {"name": "Intruder", "sector": "media"}),
        (reverse("web:organisation_delete", args=[small["organisations"][1].pk]), {}),
        (reverse("web:working_group_new"), {"title": "Intruder", "status": "forming"}),
        (reverse("web:working_group_delete", args=[group.pk]), {}),
        (reverse("web:membership_new", args=[group.pk]), {"contact": person.pk}),
        (reverse("web:membership_end", args=[membership.pk]), {}),
        (reverse("web:affiliation_new", args=[person.pk]),
         {"organisation": small["organisations"][1].pk}),
        (reverse("web:affiliation_end", args=[affiliation.pk]), {}),
        (reverse("web:consent_new", args=[person.pk]),
         {"purpose": "forum_updates", "granted": "true"}),
    ]  # fmt: skip

    def state():
        return (
            Programme.objects.count(), Forum.objects.count(), ForumDocument.objects.count(),
            Organisation.objects.count(), WorkingGroup.objects.count(),
            list(WorkingGroupMembership.objects.values_list("left_on", flat=True)),
            list(Affiliation.objects.values_list("end_date", flat=True)), Consent.objects.count(),
        )  # fmt: skip

    before = state()
    for url, data in posts:
        assert viewer_client.post(url, data).status_code == 403, url
        assert viewer_client.get(url).status_code in (403, 405), url
    assert state() == before


def test_a_coordinator_sees_the_links_to_these_pages(coordinator_client, small):
    forum, group, person = small["forum"], small["group"], small["people"][0]
    expected = {
        reverse("web:forums"): [reverse("web:forum_new"), reverse("web:programme_new")],
        reverse("web:forum", args=[forum.pk]): [reverse("web:forum_edit", args=[forum.pk])],
        reverse("web:organisations"): [reverse("web:organisation_new")],
        reverse("web:working_groups"): [reverse("web:working_group_new")],
        reverse("web:working_group", args=[group.pk]): [
            reverse("web:working_group_edit", args=[group.pk]),
            reverse("web:membership_new", args=[group.pk]),
        ],
        reverse("web:contact", args=[person.pk]): [
            reverse("web:affiliation_new", args=[person.pk]),
            reverse("web:consent_new", args=[person.pk]),
        ],
    }
    for url, links in expected.items():
        page = text(coordinator_client.get(url))
        for link in links:
            assert f'href="{link}"' in page, (url, link)


def test_bad_ids_are_a_clear_answer_never_a_500(coordinator_client, small):
    huge = "9" * 25
    response = coordinator_client.post(
        reverse("web:forum_new"), _forum_data(programme=huge, **{"partners-0-organisation": huge})
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    response = coordinator_client.post(
        reverse("web:membership_new", args=[small["group"].pk]), {"contact": huge}
    )
    assert response.status_code == 200
    response = coordinator_client.post(
        reverse("web:programme_new"), {"name": "Far", "start_year": "99999999999999999999"}
    )
    assert response.status_code == 200
    assert not Programme.objects.filter(name="Far").exists()


# --- Queries ------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def _urls(world) -> dict[str, str]:
    forum, group, person = world["forum"], world["group"], world["people"][0]
    return {
        "programme_new": reverse("web:programme_new"),
        "programme_edit": reverse("web:programme_edit", args=[world["programme"].pk]),
        "forum_new": reverse("web:forum_new"),
        "forum_edit": reverse("web:forum_edit", args=[forum.pk]),
        "forum_delete": reverse("web:forum_delete", args=[forum.pk]),
        "organisation_new": reverse("web:organisation_new"),
        "organisation_edit": reverse("web:organisation_edit", args=[world["organisations"][0].pk]),
        "working_group_new": reverse("web:working_group_new"),
        "working_group_edit": reverse("web:working_group_edit", args=[group.pk]),
        "membership_new": reverse("web:membership_new", args=[group.pk]) + "?q=aigerim",
        "contact_new": reverse("web:contact_new"),
        "affiliation_new": reverse("web:affiliation_new", args=[person.pk]),
        "consent_new": reverse("web:consent_new", args=[person.pk]),
    }


def test_record_pages_run_the_same_number_of_queries_whatever_the_data(coordinator_client):
    first = {
        name: count_queries(coordinator_client, url) for name, url in _urls(records(2)).items()
    }
    # Three times the partners, documents, members, affiliations and organisations.
    bigger = records(6, tag="-more")
    again = {name: count_queries(coordinator_client, url) for name, url in _urls(bigger).items()}
    assert again == first


def test_an_affiliation_is_corrected_in_place_and_a_bad_date_changes_nothing(
    coordinator_client, viewer_client, small
):
    from crm.models import Affiliation

    affiliation = Affiliation.objects.filter(contact=small["people"][0]).order_by("pk").first()
    url = reverse("web:affiliation_edit", args=[affiliation.pk])
    assert viewer_client.get(url).status_code == 403
    page = text(coordinator_client.get(url))
    assert "Affiliation of" in page
    data = {
        "organisation": affiliation.organisation_id,
        "position": "Deputy head",
        "start_date": "2015-01-01",
        "end_date": "",
        "is_primary": "on",
    }
    assert coordinator_client.post(url, data).status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.position == "Deputy head"
    response = coordinator_client.post(
        url, {**data, "position": "Adviser", "end_date": "2014-01-01"}
    )
    assert response.status_code == 200  # the form again, with the model's own message
    affiliation.refresh_from_db()
    assert (affiliation.position, affiliation.end_date) == ("Deputy head", None)
