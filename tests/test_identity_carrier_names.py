"""Names of records that share an address, phone or profile: the same person's name written
differently must stay one group; two people's names at one address must not."""

from __future__ import annotations

import pytest

from orchestration.identity.normalise import (
    name_script,
    name_words,
    normalise_name,
    profile_slug,
)
from orchestration.identity.similarity import carrier_names_compatible, name_words_compatible
from tests.test_identity_matching import _clusters, _rec


def _side(first: str | None, last: str | None, full: str | None = None):
    f, la = normalise_name(first, last, full)
    return (
        f or None,
        la or None,
        name_words(first, last, full),
        name_script(first, last, full),
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Andrew Joseph", "Rogers"), ("Andrew", "Rogers")),  # middle name in the given field
        (("Laura", "Ruiz"), ("Laura", "Ruiz Alonso")),  # one of two surnames
        (("Min", "He"), ("He", "Min")),  # family name first
        ((None, None, "Anne-Sophie Durand"), ("Anne-Sophie", "Durand")),
        (("Seo-yeon", "Pak"), ("서연", "박")),  # syllables together or apart
        (("Ji-hoon", "Cho"), (None, None, "Jo Jihoon")),
    ],
)
def test_one_name_split_or_ordered_differently(a, b) -> None:
    assert carrier_names_compatible(_side(*a), _side(*b), personal=False)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Anna", "Kowalska"), ("Maria", "Kowalska")),  # twins on one landline
        (("Alex", "Moreau"), ("Marie", "Moreau")),  # a family mailbox
        (("Priya", "Shah"), ("Daniel", "Okafor")),  # an agency's submission box
    ],
)
def test_two_people_at_one_address_stay_apart(a, b) -> None:
    assert not carrier_names_compatible(_side(*a), _side(*b), personal=True)
    assert not name_words_compatible(_side(*a)[2], _side(*b)[2])


def test_another_script_cannot_contradict_a_latin_spelling() -> None:
    assert carrier_names_compatible(_side("Mustafa", "Elsherif"), _side("مصطفى", "الشريف"), False)
    # Two names in Latin letters still have to agree.
    assert not carrier_names_compatible(
        _side("Mustafa", "Elsherif"), _side("Omar", "Haddad"), False
    )


def test_a_married_surname_keeps_a_personal_mailbox_not_a_shared_line() -> None:
    before, after = _side("Iwona", "Kowalska"), _side("Iwona", "Piotrowska")
    assert carrier_names_compatible(before, after, personal=True)
    assert not carrier_names_compatible(before, after, personal=False)


def test_percent_encoded_and_unicode_linkedin_slugs_are_one_profile() -> None:
    assert profile_slug("https://www.linkedin.com/in/l%C3%A9a-fournier-3/") == profile_slug(
        "https://fr.linkedin.com/in/léa-fournier-3"
    )


def test_a_shared_personal_mailbox_outweighs_an_edited_linkedin_url() -> None:
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Ragnhild",
                last_name="Larsen",
                emails=["ragnhildlarsen@gmail.com"],
                profile_urls=["https://no.linkedin.com/in/ragnhild-larsen-19"],
            ),
            _rec(
                "lever:opportunities:2",
                full_name="Ragnhild Larsen",
                emails=["ragnhildlarsen@gmail.com"],
                profile_urls=["https://www.linkedin.com/in/ragnhild-larsen-44/"],
            ),
        ]
    )
    assert len(set(c.values())) == 1


def test_a_recycled_work_address_with_another_profile_stays_apart() -> None:
    # A namesake hired years later got the address; the two LinkedIn profiles tell them apart.
    c = _clusters(
        [
            _rec(
                "greenhouse:candidates:1",
                first_name="Laura",
                last_name="Garcia",
                emails=["laura.garcia@acme.example"],
                profile_urls=["https://www.linkedin.com/in/laura-garcia-1"],
            ),
            _rec(
                "lever:opportunities:2",
                full_name="Laura Garcia",
                emails=["laura.garcia@acme.example"],
                profile_urls=["https://www.linkedin.com/in/laura-garcia-madrid"],
            ),
        ]
    )
    assert len(set(c.values())) == 2


def test_a_given_name_cut_short_under_the_same_family_name() -> None:
    assert carrier_names_compatible(_side("Aish", "Singh"), _side("Aishwarya", "Singh"), False)
    # Not under another family name, and not from two letters.
    assert not carrier_names_compatible(_side("Aish", "Singh"), _side("Aishwarya", "Rao"), False)
    assert not carrier_names_compatible(_side("Al", "Singh"), _side("Alka", "Singh"), False)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Mati", "Król"), ("Mateusz", "Krol")),  # first syllable + a pet ending
        (("Matze", "Böhm"), ("Matthias", "Böhm")),
        (("JB", "Mercier"), ("Jean-Baptiste", "Mercier")),  # initials of a compound name
    ],
)
def test_pet_forms_and_initials_at_one_address_are_one_person(a, b) -> None:
    assert carrier_names_compatible(_side(*a), _side(*b), personal=True)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Marta", "Król"), ("Mateusz", "Król")),  # siblings: two letters in common only
        (("Matthias", "Böhm"), ("Matylda", "Nowak")),  # another family
        (("AB", "Mercier"), ("Jean-Baptiste", "Mercier")),
    ],
)
def test_pet_form_rules_do_not_join_relatives(a, b) -> None:
    assert not carrier_names_compatible(_side(*a), _side(*b), personal=True)


def test_relatives_on_a_household_phone_across_scripts_stay_apart() -> None:
    # Sisters: the family name agrees, the given names' consonants do not.
    dina, yasmin = _side("Dina", "Mostafa"), _side(None, None, "ياسمين مصطفى")
    assert not carrier_names_compatible(dina, yasmin, personal=False)
    assert carrier_names_compatible(_side("Yasmin", "Mostafa"), yasmin, personal=False)
    assert carrier_names_compatible(
        _side("Viktoriia", "Kravchenko"), _side("Вікторія", "Кравченко"), False
    )
    assert carrier_names_compatible(_side("Alexey", "Kozlov"), _side("Алексей", "Козлов"), False)
    # A personal mailbox has one owner: the transliteration is not checked.
    assert carrier_names_compatible(dina, yasmin, personal=True)


def test_pet_forms_need_a_personal_identifier() -> None:
    # Phuc and Phuong Tran share the household's phone; Mati (Mateusz) his own mailbox.
    assert not carrier_names_compatible(_side("Phuc", "Tran"), _side("Phương", "Trần"), False)
    assert carrier_names_compatible(_side("Mati", "Król"), _side("Mateusz", "Krol"), True)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Dima", "Lysenko"), ("Dmytro", "Lysenko")),  # a diminutive no list holds
        (("Resi", "Zimmermann"), ("Theresa", "Zimmermann")),
        (("Andrey", "Koval"), ("Andrii", "Koval")),  # two transliterations
        (("Fernando Luis", "Vázquez"), (None, None, "Fernando Vázquez Hernández")),
        ((None, None, "Jean-Baptiste Mercier"), ("JB", "Mercier")),  # a hyphenated given name
    ],
)
def test_one_owner_under_given_names_written_differently(a, b) -> None:
    assert carrier_names_compatible(_side(*a), _side(*b), personal=True)
    # Sisters on a family mailbox (the.mostafas@) keep given names that are not related.
    assert not carrier_names_compatible(
        _side("Dina", "Mostafa"), _side("Yasmin", "Mostafa"), personal=True
    )
