"""Unit tests for the identity normalisers (orchestration/identity/normalise.py)."""

from __future__ import annotations

import polars as pl
import pytest

from checks.dbt_seeds import read_seed
from checks.email_address import EMAIL_PATTERN, is_well_formed_email
from checks.lever import OPPORTUNITIES as LEVER_OPPORTUNITIES
from orchestration.identity.normalise import (
    _email_key_expr,
    canonical_first_name,
    first_name_forms,
    fold_text,
    is_role_mailbox,
    normalise_company,
    normalise_email,
    normalise_name,
    normalise_phone,
    profile_slug,
)


@pytest.mark.parametrize(
    "raw",
    [
        "jane.doe@gmail.com",
        "janedoe@gmail.com",
        "jan.edoe@gmail.com",
        "Jane.Doe+jobs@gmail.com",
        "jane.doe@googlemail.com",
        " JANE.DOE@GMAIL.COM\t",
        "Jane.Doe@Gmail.com",
    ],
)
def test_gmail_spellings_fold_to_one_key(raw: str) -> None:
    assert normalise_email(raw) == "janedoe@gmail.com"


def test_non_gmail_keeps_dots_and_rejects_garbage() -> None:
    assert normalise_email("Jane.Doe@Acme.com ") == "jane.doe@acme.com"
    assert normalise_email("jane.doe+x@outlook.com") == "jane.doe@outlook.com"
    assert normalise_email("not an email") is None
    assert normalise_email("") is None
    assert normalise_email(None) is None


# Shapes the feed contracts quarantine: identity must not turn them into keys either.
MALFORMED = ["a@b", "a@b.", "a@.b", "a@b@c.io", "jane doe@acme.com", "@acme.com", "jane@"]


def test_vectorised_email_matches_scalar() -> None:
    raws = ["Jane.Doe+cv@gmail.com", " a.b@acme.io", "x@googlemail.com", "bad", "A.B@Web.de"]
    raws += MALFORMED
    got = pl.DataFrame({"r": raws}).select(_email_key_expr(pl.col("r")))["r"].to_list()
    assert got == [normalise_email(r) for r in raws]


@pytest.mark.parametrize("raw", MALFORMED)
def test_identity_and_the_contracts_share_one_email_shape(raw: str) -> None:
    assert not is_well_formed_email(raw)
    assert not pl.Series([raw]).str.contains(EMAIL_PATTERN)[0]  # the pandera pattern
    assert normalise_email(raw) is None
    assert LEVER_OPPORTUNITIES.extract([{"id": "o1", "emails": [raw]}])["emails"][0] is False


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(415) 555-0134", "US", "+14155550134"),
        ("(415) 852-4095", "US", "+14158524095"),
        ("415.852.4095", "US", "+14158524095"),
        ("+1 415 852 4095", None, "+14158524095"),
        ("1-415-852-4095", "US", "+14158524095"),
        ("030 3225 6589", "DE", "+493032256589"),
        ("0049 30 3225658", "US", "+49303225658"),
        ("+44 (0)20 7946 0321", None, "+442079460321"),
        ("020 7946 0321", "GB", "+442079460321"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 (0)6 12 34 56 78", None, "+33612345678"),
    ],
)
def test_phone_spellings_to_e164(raw: str, region: str | None, e164: str | None) -> None:
    assert normalise_phone(raw, region) == e164


def test_phone_default_region_is_configurable() -> None:
    assert normalise_phone("030 3225658", None, default_region="DE") == "+49303225658"
    assert normalise_phone("not a phone") is None


@pytest.mark.parametrize(
    "raw",
    [
        "linkedin.com/in/jane-doe-1a2b3c",
        "https://www.linkedin.com/in/jane-doe-1a2b3c/",
        "http://uk.linkedin.com/in/jane-doe-1a2b3c?trk=public_profile_browsemap",
        "LinkedIn.com/in/Jane-Doe-1A2B3C",
        "www.linkedin.com/in/jane-doe-1a2b3c",
        "https://www.linkedin.com/in/jane-doe-1a2b3c/?locale=en_US",
        " https://linkedin.com/in/jane-doe-1a2b3c?originalSubdomain=uk ",
    ],
)
def test_linkedin_url_forms_to_one_slug(raw: str) -> None:
    assert profile_slug(raw) == "linkedin:jane-doe-1a2b3c"


def test_github_and_other_urls() -> None:
    assert profile_slug("https://www.github.com/JDoe/") == "github:jdoe"
    assert profile_slug("github.com/jdoe") == "github:jdoe"
    assert profile_slug("https://janedoe.dev") is None


def test_nicknames_and_accents() -> None:
    assert (
        canonical_first_name("Bob") == canonical_first_name("Robert") == canonical_first_name("Rob")
    )
    assert canonical_first_name("Bill") == canonical_first_name("William")
    assert canonical_first_name("Kate") == canonical_first_name("Katherine")
    assert "alexander" in first_name_forms("Alex") and "alexandra" in first_name_forms("Alex")
    assert fold_text("José") == "jose"
    assert fold_text("Weiß") == "weiss"
    assert normalise_name(" Hélène ", "O'Brien") == ("helene", "obrien")
    assert normalise_name(None, None, "Lena von Stein") == ("lena", "vonstein")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Berliner Bytes GmbH", "berliner bytes"),
        ("ACME, Inc.", "acme"),
        ("Thames Digital Ltd", "thames digital"),
        ("deccan software pvt", "deccan software"),
        ("Nederlandse Netwerken B.V.", "nederlandse netwerken"),
        ("Vltava Data s.r.o.", "vltava data"),
        ("Aegean Fintech S.A.", "aegean fintech"),
        ("Kodeks Analytics sp. z o.o.", "kodeks analytics"),
        ("Dunav a.d.", "dunav"),
        # Short legal forms are removed only when written with dots: as words they are words.
        ("Digital Ad", "digital ad"),
        ("Société Lumière SA", "societe lumiere"),
        ("Acme LLC", "acme"),
    ],
)
def test_company_legal_suffixes(raw: str, key: str) -> None:
    assert normalise_company(raw) == key


@pytest.mark.parametrize(
    "email",
    [
        "jobs@acme.com",
        "info@acme.com",
        "recruiting@acme.com",
        "careers@acme.io",
        "hr@acme.de",
        "talent@x.com",
        "hello@x.com",
        "contact@x.com",
        "cv@agency.com",
    ],
)
def test_role_mailboxes(email: str) -> None:
    assert is_role_mailbox(email)


def test_personal_mailbox_is_not_role() -> None:
    assert not is_role_mailbox("jane.doe@acme.com")


def test_role_mailboxes_are_the_seed_list() -> None:
    """One list (the dbt seed) for identity and the enrichment picker: every row is a role
    mailbox, with a digit suffix or a +tag too."""
    local_parts = [row["local_part"] for row in read_seed("role_mailbox_local_parts")]
    assert len(local_parts) == len(set(local_parts)) > 30
    for local in local_parts:
        assert is_role_mailbox(f"{local}@acme.com")
        assert is_role_mailbox(f"{local}2@acme.com")
        assert is_role_mailbox(f"{local}+emea@acme.com")


@pytest.mark.parametrize(
    ("domain", "employer"),
    [
        ("vltavadata.cz", "vltava data"),
        ("liffey-analytics.ie", "liffey analytics"),
        ("mail.thamesdigital.co.uk", "thames digital"),
        # A domain no record names as an employer (a university) says nothing.
        ("cam.ac.uk", None),
        ("unknown-corp.com", None),
    ],
)
def test_employer_from_mail_domain(domain: str, employer: str | None) -> None:
    from orchestration.identity.normalise import employer_from_mail_domain

    known = ["vltava data", "liffey analytics", "thames digital"]
    companies = {k.replace(" ", ""): k for k in known}
    assert employer_from_mail_domain(domain, companies) == employer


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Cracow", "Kraków, Poland"),
        ("Cologne, Germany", "Köln"),
        ("Munich, Bavaria", "München"),
        ("Corcaigh", "Cork, Ireland"),
        ("Bangalore", "Bengaluru, Karnataka, India"),
    ],
)
def test_a_city_written_in_another_language_is_one_city(a: str, b: str) -> None:
    from orchestration.identity.normalise import normalise_city

    assert normalise_city(a) == normalise_city(b)
    assert normalise_city("Vienna") != normalise_city("Venice")


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Acme / Globex", None),  # employers pasted into the title field
        ("Data Engineer at Acme", "data engineer"),
        ("Analyst | Globex GmbH", "analyst"),
        ("Sr. Data Engineer", "senior data engineer"),
        ("Research at Scale", "research at scale"),  # "at" a company nobody works for
    ],
)
def test_a_title_listing_employers_is_not_a_role(title: str, role: str | None) -> None:
    from orchestration.identity.normalise import role_without_employers

    assert role_without_employers(title, frozenset({"acme", "globex"})) == role
