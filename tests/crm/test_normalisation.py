import pytest

from crm.normalisation import organisation_name_key


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
