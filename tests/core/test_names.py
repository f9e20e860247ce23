"""The one name search: folding across scripts, and the query every name search runs."""

import pytest
from django.db.models import Q

from core.names import name_search, search_key, search_terms
from crm.models import Contact, Organisation, Participation
from tests.factories import ContactFactory, ForumFactory, OrganisationFactory, ParticipationFactory


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Айгерим Касымова", "Aigerim Kassymova"),
        ("Айгерим Касымова", "Aygerim Kasymova"),
        ("Жанар Жумабаева", "Zhanar Zhumabayeva"),
        ("Жанар", "Janar"),
        ("Юлия", "Yulia"),
        ("Юлия", "Iuliia"),
        ("Дмитрий", "Dmitry"),
        ("Қуаныш", "Kuanysh"),
        ("Ерлан", "Yerlan"),
        ("Цой", "Tsoy"),
        ("Нурпеисов", "Nurpeissov"),
        ("Алексей", "Aleksey"),
    ],
)
def test_search_key_folds_cyrillic_and_latin_spellings_together(cyrillic, latin):
    assert search_key(cyrillic) == search_key(latin)


def test_search_key_keeps_different_names_apart():
    assert search_key("Айгерим") != search_key("Асель")


def test_search_terms_split_the_query_into_folded_words():
    assert search_terms("  Касымова,  Aigerim ") == ["kasimova", "aigerim"]
    assert search_terms("   ") == []


@pytest.mark.django_db
def test_name_search_finds_a_cyrillic_name_typed_in_latin_and_every_word_must_match():
    aigerim = ContactFactory(given_name="Айгерим", family_name="Касымова")
    ContactFactory(given_name="Айгерим", family_name="Сейтова")
    found = name_search(Contact.objects.all(), "Kassymova Aigerim")
    assert list(found) == [aigerim]


@pytest.mark.django_db
def test_name_search_with_no_words_filters_nothing_unless_an_alternative_is_given():
    ContactFactory.create_batch(2)
    assert name_search(Contact.objects.all(), " ,, ").count() == 2
    assert name_search(Contact.objects.all(), " ", also=Q(pk__in=[])).count() == 0


@pytest.mark.django_db
def test_name_search_reaches_across_a_relation():
    forum = ForumFactory()
    wanted = ParticipationFactory(forum=forum, contact=ContactFactory(family_name="Жумабаева"))
    ParticipationFactory(forum=forum, contact=ContactFactory(family_name="Цой"))
    found = name_search(Participation.objects.all(), "Zhumabayeva", key="contact__search_key")
    assert list(found) == [wanted]


@pytest.mark.django_db
def test_name_search_keeps_rows_that_match_the_alternative():
    green = OrganisationFactory(name="Green Almaty", website="https://green.example")
    OrganisationFactory(name="Blue Astana")
    found = name_search(
        Organisation.objects.all(), "green.example", also=Q(website__icontains="green.example")
    )
    assert list(found) == [green]
