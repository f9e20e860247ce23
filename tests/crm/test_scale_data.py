import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from crm.models import (
    Affiliation,
    Consent,
    Contact,
    Forum,
    Organisation,
    Participation,
    Programme,
)
from crm.services.scale_data import ScaleDataError, forum_sizes


def test_national_forum_sizes_are_heavy_tailed_and_add_up_exactly():
    rng = np.random.default_rng(7)
    sizes = forum_sizes(rng, forums=10_000, participations=1_000_000, contacts=200_000)
    assert sizes.sum() == 1_000_000
    assert (sizes == 1_000).sum() == 100  # a few plenaries
    ordinary = sizes[sizes < 1_000]
    assert ordinary.min() >= 30
    assert ordinary.max() <= 150
    assert 60 <= np.median(ordinary) <= 110


def test_impossible_totals_are_refused():
    rng = np.random.default_rng(1)
    with pytest.raises(ScaleDataError):
        forum_sizes(rng, forums=10, participations=5, contacts=1000)
    with pytest.raises(ScaleDataError):
        forum_sizes(rng, forums=10, participations=10**6, contacts=1000)


@pytest.mark.django_db
def test_generate_network_writes_a_consistent_network(coordinator_api):
    call_command(
        "generate_network",
        "--contacts=800",
        "--forums=40",
        "--participations=3000",
        "--seed=5",
        "--cities=2",
        stdout=io.StringIO(),
    )
    assert Programme.objects.count() == 2
    assert Contact.objects.count() == 800
    assert Forum.objects.count() == 40
    assert Participation.objects.count() == 3000
    assert Affiliation.objects.count() == 800
    assert Organisation.objects.count() == 100
    assert 500 < Consent.objects.count() < 800
    sizes = Forum.objects.annotate(n=Count("participations")).values_list("n", flat=True)
    assert min(sizes) >= 30
    assert max(sizes) <= 150
    # Everyone's stored sector is their organisation's, and names are searchable.
    assert not Contact.objects.exclude(sector=F("affiliations__organisation__sector")).exists()
    assert not Contact.objects.exclude(city=F("affiliations__organisation__city")).exists()
    assert not Participation.objects.exclude(
        organisation=F("contact__affiliations__organisation")
    ).exists()
    some = Contact.objects.order_by("id").first()
    found = coordinator_api.get("/api/v1/contacts/", {"search": some.family_name}).json()
    assert found["count"] >= 1
    forum_numbers = Forum.objects.values_list("programme_id", "number")
    assert len(set(forum_numbers)) == 40


@pytest.mark.django_db
def test_the_same_seed_twice_is_refused_with_a_clear_message():
    args = ["generate_network", "--contacts=100", "--forums=3", "--participations=100", "--seed=9"]
    call_command(*args, stdout=io.StringIO())
    with pytest.raises(CommandError, match="already loaded"):
        call_command(*args, stdout=io.StringIO())
    assert Contact.objects.count() == 100
