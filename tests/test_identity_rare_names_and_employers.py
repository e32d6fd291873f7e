"""Employers written two ways, and full names so rare that two records carrying one are the
same person unless something contradicts it."""

from __future__ import annotations

from orchestration.identity.normalise import company_short_forms, normalise_company
from tests.test_identity_matching import _clusters, _rec


def test_brand_short_forms_and_run_together_names_are_one_employer() -> None:
    keys = [
        "kaveri",
        "kaveri infotech",
        "dnipro code",
        "dniprocode",
        "caldera",
        "caldera mobility",
        "caldera foods",
        "abc",
        "abc labs",
    ]
    short = company_short_forms(keys)
    assert short["kaveri infotech"] == "kaveri"
    assert short["dniprocode"] == "dnipro code"
    # "Caldera" begins two employers: it names neither; three letters are too few to tell.
    assert "caldera mobility" not in short and "caldera foods" not in short
    assert "abc labs" not in short


def test_legal_forms_and_ampersands() -> None:
    assert normalise_company("Nile Payments S.A.E.") == "nile payments"
    assert normalise_company("Mekong Digital JSC") == "mekong digital"
    assert normalise_company("Harbor & Pine") == normalise_company("Harbor and Pine")


def _market(*people: dict) -> dict[str, str]:
    """The given records among 200 people whose names repeat (in a market of 40 records no
    name can be rare: two carriers of any name are 5% of it)."""
    firsts = ["Anna", "Jan", "Maria", "Peter"]
    lasts = [f"Name{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(50)]
    others = [
        _rec(
            f"greenhouse:candidates:{100 + i}",
            first_name=firsts[i % 4],
            last_name=lasts[i // 4],
            company=f"Company {i}",
        )
        for i in range(200)
    ]
    return _clusters(others + list(people))


def test_two_records_under_a_rare_name_merge() -> None:
    c = _market(
        _rec("ashby:candidates:1", full_name="Lena Günther", company="Rheinwerk Digital"),
        _rec("ashby:candidates:2", full_name="Lena Günther", title="Frontend Engineer"),
    )
    assert c["ashby:candidates:1"] == c["ashby:candidates:2"]


def test_a_rare_name_does_not_merge_what_contradicts() -> None:
    c = _market(
        # Two known cities.
        _rec("ashby:candidates:1", full_name="Lena Günther", location="Berlin, Germany"),
        _rec("ashby:candidates:2", full_name="Lena Günther", location="Wien, Austria"),
        # Two roles with nothing in common.
        _rec("ashby:candidates:3", full_name="Orla Gallagher", title="QA Engineer"),
        _rec("ashby:candidates:4", full_name="Orla Gallagher", title="Financial Analyst"),
        # Two phone numbers.
        _rec("ashby:candidates:5", full_name="Petr Procházka", phones=["+420 790 120 289"]),
        _rec("ashby:candidates:6", full_name="Petr Prochazka", phones=["+420 601 222 333"]),
    )
    for a, b in ((1, 2), (3, 4), (5, 6)):
        assert c[f"ashby:candidates:{a}"] != c[f"ashby:candidates:{b}"]


def test_a_name_three_components_carry_is_not_rare_evidence() -> None:
    c = _market(
        _rec("ashby:candidates:1", full_name="Lena Günther", company="Rheinwerk Digital"),
        _rec("ashby:candidates:2", full_name="Lena Günther", company="Elbstrom"),
        _rec("ashby:candidates:3", full_name="Lena Günther", company="Nimbrel"),
    )
    assert len({c[f"ashby:candidates:{i}"] for i in (1, 2, 3)}) == 3


def test_a_common_name_is_not_rare_evidence() -> None:
    # Every fourth person of the market is a Jan: a second Jan Kowalski is to be expected.
    c = _market(
        _rec("ashby:candidates:1", full_name="Jan Kowalski", company="Quorvant"),
        _rec("ashby:candidates:2", full_name="Jan Kowalski", title="Data Analyst"),
    )
    assert c["ashby:candidates:1"] != c["ashby:candidates:2"]


def test_a_middle_initial_is_not_part_of_the_family_name() -> None:
    from orchestration.identity.normalise import normalise_name

    assert normalise_name(None, None, "Katherine M. Bennett") == ("katherine", "bennett")
    assert normalise_name(None, None, "Kevin J. Stewart") == normalise_name("Kevin", "Stewart")
    # Particles and double family names stay whole.
    assert normalise_name(None, None, "Lena von Stein") == ("lena", "vonstein")
    assert normalise_name(None, None, "Verónica Pérez Morales") == ("veronica", "perezmorales")


def test_one_line_of_work_is_not_a_contradiction_but_two_are() -> None:
    c = _market(
        _rec("ashby:candidates:1", full_name="Monika Woźniak", title="QA Lead"),
        _rec("ashby:candidates:2", full_name="Monika Woźniak", title="Senior QA Engineer"),
        # "Engineer" alone names no line of work.
        _rec("ashby:candidates:3", full_name="Oğuz Doğan", title="Software Engineer"),
        _rec("ashby:candidates:4", full_name="Oğuz Doğan", title="Mechanical Engineer"),
    )
    assert c["ashby:candidates:1"] == c["ashby:candidates:2"]
    assert c["ashby:candidates:3"] != c["ashby:candidates:4"]
