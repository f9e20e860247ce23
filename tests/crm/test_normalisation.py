import pytest

from crm.normalisation import organisation_name_key, search_key, search_terms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Urban Forum Almaty", "urban forum almaty"),
        ("«Қала балалары» қоры", "Қала балалары қоры"),
        ('ТОО "Креативный двор"', "тоо «креативный  двор»"),
        ("  Green   Almaty  ", "Green Almaty"),
        ("“Green Corridor” Lab", '"Green Corridor" Lab'),
        ("Café Almaty", "Cafe\u0301 Almaty"),
        ("Green\u200bAlmaty", "GreenAlmaty"),
        ("Green-Almaty", "Green – Almaty"),
        ("Green Almaty.", "Green Almaty"),
        ("ＫＢＴＵ", "KBTU"),
    ],
)
def test_organisation_names_differing_in_case_quotes_and_spaces_share_a_key(a, b):
    assert organisation_name_key(a) == organisation_name_key(b)


def test_different_organisation_names_keep_different_keys():
    assert organisation_name_key("Green Almaty") != organisation_name_key("Green Astana")


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
