"""Normalisers: turn raw identifiers and names into comparable keys.

Scalar functions (`normalise_email`, `normalise_phone`, `profile_slug`, `normalise_name`, ...)
are the reference behaviour and what the unit tests pin down. `normalise_records` applies the
same rules to a whole `person_records` frame with vectorised polars expressions, calling Python
only once per *distinct* raw value (phones, names), because at a million records a per-row
Python call (phonenumbers costs ~50 us a parse) would eat the whole time budget.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import phonenumbers
import polars as pl
from anyascii import anyascii

from checks.email_address import EMAIL_PATTERN, is_role_mailbox, is_well_formed_email

from .schema import IdentityConfig

NICKNAMES_CSV = Path(__file__).with_name("nicknames.csv")
# Exonyms and other spellings of cities (Cracow/Kraków, Cologne/Köln, Corcaigh/Cork): one person
# writes the English name in one system and the local one in another (from GeoNames'
# alternate names; extend it for the markets you recruit in).
CITY_NAMES_CSV = Path(__file__).with_name("city_names.csv")

# Mail providers that ignore dots in the local part (gmail) and those that deliver
# "local+tag@" to "local@" (sub-addressing); folding makes every spelling one key.
DOT_INSENSITIVE_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
PLUS_TAG_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "live.com",
        "icloud.com",
        "me.com",
        "protonmail.com",
        "proton.me",
        "fastmail.com",
        "posteo.de",
    }
)
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
# Free-mail providers: an address there belongs to one person; a corporate address can be
# re-issued to a namesake colleague, so it is weaker evidence (see edges.py). The maintained
# list (free_mail_domains.txt: 14,000 providers in every country, outlook.it, ukr.net, naver.com)
# plus the providers below, which it lacks or which matter most.
FREE_MAIL_DOMAINS_TXT = Path(__file__).with_name("free_mail_domains.txt")


def _free_mail_list() -> frozenset[str]:
    with open(FREE_MAIL_DOMAINS_TXT, encoding="utf-8") as fh:
        return frozenset(
            line.strip().lower() for line in fh if line.strip() and not line.startswith("#")
        )


FREEMAIL_DOMAINS = _free_mail_list() | frozenset(
    {
        "gmail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.co.in",
        "yahoo.fr",
        "yahoo.de",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "gmx.de",
        "gmx.net",
        "web.de",
        "posteo.de",
        "t-online.de",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "ziggo.nl",
        "kpnmail.nl",
        "rediffmail.com",
        "fastmail.com",
        "zoho.com",
        "mail.com",
        # Providers outside the English-speaking markets hold personal mailboxes just the same
        # (a Czech candidate's seznam.cz, a Chinese candidate's 163.com).
        "ymail.com",
        "rocketmail.com",
        "yahoo.es",
        "yahoo.it",
        "yahoo.com.br",
        "yahoo.co.jp",
        "outlook.de",
        "outlook.fr",
        "outlook.es",
        "hotmail.de",
        "hotmail.es",
        "hotmail.it",
        "live.co.uk",
        "live.fr",
        "live.nl",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "gmx.at",
        "gmx.ch",
        "bluewin.ch",
        "freenet.de",
        "arcor.de",
        "libero.it",
        "virgilio.it",
        "tiscali.it",
        "alice.it",
        "wanadoo.fr",
        "telenet.be",
        "skynet.be",
        "xs4all.nl",
        "planet.nl",
        "home.nl",
        "sapo.pt",
        "terra.com.br",
        "uol.com.br",
        "bol.com.br",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "seznam.cz",
        "email.cz",
        "centrum.cz",
        "atlas.cz",
        "abv.bg",
        "freemail.hu",
        "yandex.ru",
        "yandex.com",
        "mail.ru",
        "bk.ru",
        "list.ru",
        "inbox.ru",
        "rambler.ru",
        "ukr.net",
        "163.com",
        "126.com",
        "qq.com",
        "sina.com",
        "sohu.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "tutanota.com",
        "tuta.io",
        "gmx.com",
        "yandex.com.tr",
    }
)
LEGAL_SUFFIXES = frozenset(
    {
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "se",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "pvt",
        "private",
        "pty",
        "ab",
        "oy",
        "as",
        "spa",
        "srl",
        # Joint-stock and free-zone forms of Eastern Europe, Vietnam, Egypt and the Gulf.
        "jsc",
        "pjsc",
        "sae",
        "fze",
        "fzco",
        "pte",
    }
)
# Legal forms written with dots fold to runs of single letters ("s.r.o." -> "s r o"); joined,
# they are looked up here (as bare words some of them are ordinary words: "ad", "sl").
DOTTED_LEGAL_FORMS = LEGAL_SUFFIXES | frozenset(
    {"sro", "spzoo", "doo", "ad", "ooo", "kk", "sl", "asa", "aps", "kft", "zrt", "ltda", "bhd"}
)
TITLE_ABBREVIATIONS = {
    "sr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "eng": "engineer",
    "engr": "engineer",
    "dir": "director",
    "vp": "vice president",
    "swe": "software engineer",
}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SYLLABIC = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_LINKEDIN = re.compile(r"linkedin\.com/(?:in|pub)/([^/?#\s]+)", re.IGNORECASE)
_GITHUB = re.compile(r"github\.com/([^/?#\s]+)", re.IGNORECASE)
_GITHUB_RESERVED = frozenset(
    {"orgs", "about", "features", "pricing", "login", "topics", "sponsors"}
)


# ---------------------------------------------------------------- email
def normalise_email(raw: str | None) -> str | None:
    """Trimmed, lower-cased mailbox key with gmail dots and +tags folded; None if not an email
    (the shape is `checks.email_address`, the one the feed contracts check)."""
    if raw is None:
        return None
    text = raw.strip().lower()
    if not is_well_formed_email(text):
        return None
    local, _, domain = text.partition("@")
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOT_INSENSITIVE_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}" if local else None


def _email_key_expr(col: pl.Expr) -> pl.Expr:
    """Vectorised `normalise_email` (kept in step with the scalar version by a unit test)."""
    text = col.str.strip_chars().str.to_lowercase()
    valid = text.str.contains(EMAIL_PATTERN)
    local = text.str.extract(r"^([^@]+)@", 1)
    domain = text.str.extract(r"@([^@]+)$", 1).replace(DOMAIN_ALIASES)
    local = (
        pl.when(domain.is_in(list(PLUS_TAG_DOMAINS)))
        .then(local.str.replace(r"\+.*$", ""))
        .otherwise(local)
    )
    local = (
        pl.when(domain.is_in(list(DOT_INSENSITIVE_DOMAINS)))
        .then(local.str.replace_all(".", "", literal=True))
        .otherwise(local)
    )
    return pl.when(valid & (local.str.len_chars() > 0)).then(
        pl.concat_str([local, pl.lit("@"), domain])
    )


# ---------------------------------------------------------------- phone
def phone_precleaned(raw: str) -> str:
    """Digits with a leading '+' (00 -> +), the '(0)' trunk insert of '+44 (0)20 ...' removed."""
    text = raw.strip().replace("(0)", "")
    plus = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if not plus and digits.startswith("00"):
        plus, digits = True, digits[2:]
    return f"+{digits}" if plus else digits


@lru_cache(maxsize=1_000_000)
def _e164(cleaned: str, region: str) -> str | None:
    if len(cleaned.lstrip("+")) < 6:
        return None
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        return None
    # Valid (not merely possible) numbers only: a national spelling read with the wrong
    # default region must not become someone else's number.
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(
    raw: str | None, region: str | None = None, default_region: str = "US"
) -> str | None:
    """E.164 (`+4930123456`) using `region` for national spellings; None if not a phone number."""
    if not raw:
        return None
    return _e164(phone_precleaned(raw), (region or default_region).upper())


# ---------------------------------------------------------------- profile URLs
def profile_slug(raw: str | None) -> str | None:
    """`linkedin:<slug>` / `github:<handle>` from any URL form; None for other URLs."""
    if not raw:
        return None
    text = raw.strip()
    m = _LINKEDIN.search(text)
    if m:
        slug = _clean_slug(m.group(1))
        return f"linkedin:{slug}" if slug else None
    m = _GITHUB.search(text)
    if m:
        handle = _clean_slug(m.group(1))
        return f"github:{handle}" if handle and handle not in _GITHUB_RESERVED else None
    return None


def _clean_slug(slug: str) -> str:
    from urllib.parse import unquote

    return unquote(slug).strip().lower()


# ---------------------------------------------------------------- names
def fold_text(text: str) -> str:
    """José -> jose, Łukasz -> lukasz, Иван -> ivan, O'Brien -> obrien: Latin, lower-case, words.

    Every script is transliterated to ASCII (anyascii) before folding, so a name keeps its
    letters whatever alphabet a source stored it in: Đorđević and Dordevic are one key, and a
    Cyrillic, Greek, Arabic or CJK name is compared as itself instead of folding to nothing
    (which made every such name look alike). Symbols and emoji are not letters of a name:
    they become word breaks, not transliterated words (anyascii spells 😀 as ":grinning:").
    """
    kept = "".join(
        " " if unicodedata.category(ch).startswith("S") else ch
        for ch in unicodedata.normalize("NFKC", text)
    )
    # Han characters and Hangul syllables are one syllable each, written without spaces:
    # 何敏 is the two words He Min (family name first), as its romanised spelling is.
    kept = _SYLLABIC.sub(r" \g<0> ", kept)
    ascii_only = anyascii(kept).lower()
    return " ".join(_NON_ALNUM.sub(" ", ascii_only.replace("'", "")).split())


@lru_cache(maxsize=1)
def load_nicknames(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """nickname -> formal names it can stand for (Alex -> alexander, alexandra, alejandro)."""
    table: dict[str, set[str]] = {}
    with open(path or NICKNAMES_CSV, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            nick, formal = fold_text(row["nickname"]), fold_text(row["formal"])
            if nick and formal:
                table.setdefault(nick, set()).add(formal)
    return {k: tuple(sorted(v)) for k, v in table.items()}


def first_name_forms(first: str) -> tuple[str, ...]:
    """The folded given name plus every formal name it may be a nickname of (sorted)."""
    key = fold_text(first).replace(" ", "")
    if not key:
        return ()
    return tuple(sorted({key, *load_nicknames().get(key, ())}))


@lru_cache(maxsize=1)
def _name_classes() -> dict[str, str]:
    """Every name in nicknames.csv -> smallest name of its class (nicknames link formals)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for nick, formals in load_nicknames().items():
        for formal in formals:
            a, b = find(nick), find(formal)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {name: find(name) for name in parent}


def canonical_first_name(first: str) -> str:
    """A blocking key shared by a name and its nicknames (Bob, Rob, Robert -> one key).

    Names linked through a shared nickname fall in one class (Kate links Katherine and
    Catherine), so the key is coarse on purpose; `first_name_forms` decides compatibility.
    """
    key = fold_text(first).replace(" ", "")
    return _name_classes().get(key, key)


# Scripts whose names cannot be checked against a Latin spelling once transliterated: Han
# characters read differently in Chinese and Japanese (加藤 is Katō, anyascii says "jia teng"),
# and Kana/Hangul romanise by several systems (Bak/Park, Jo/Cho).
_SYLLABIC_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def name_script(*parts: str | None) -> str:
    """ "latin" when every letter of the name is a Latin letter (accented or not),
    "syllabic" when any is Han, Kana or Hangul, else "alphabetic" (Cyrillic, Greek, Arabic,
    Hebrew...: transliterated letter by letter, so its consonants can be compared with a Latin
    spelling, `similarity.carrier_names_compatible`)."""
    script = "latin"
    for part in parts:
        for ch in part or "":
            if not ch.isalpha():
                continue
            name = unicodedata.name(ch, "")
            if name.startswith(_SYLLABIC_SCRIPTS):
                return "syllabic"
            if "LATIN" not in name:
                script = "alphabetic"
    return script


def name_words(first: str | None, last: str | None, full: str | None = None) -> tuple[str, ...]:
    """Every word of the name as written (folded), given names first when the parts are known:
    what `similarity.name_words_compatible` compares when the two-key split misleads (middle
    names, double surnames, family-name-first order)."""
    words = (fold_text(first or "") + " " + fold_text(last or "")).split()
    if len(words) < 2 and full:
        words = fold_text(full).split()
    return tuple(words)


def normalise_name(first: str | None, last: str | None, full: str | None = None) -> tuple[str, str]:
    """(given-name key, family-name key), folded; `full` is split when parts are missing.

    The first word is the given name and the rest the family name ("Lena von Stein" ->
    lena / vonstein): given names rarely contain spaces, family names often carry particles.
    """
    f = fold_text(first or "")
    la = fold_text(last or "")
    if not (f and la) and full:
        # Split on the spaces as written, so a hyphenated given name stays one word
        # (Jean-Baptiste Mercier is jeanbaptiste / mercier, as the split fields give it).
        words = _without_initials(_full_name_words(full))
        if len(words) >= 2:
            f, la = f or words[0], la or " ".join(words[1:])
        elif words and not f:
            f = words[0]
    return f.replace(" ", ""), la.replace(" ", "")


def _full_name_words(full: str) -> list[str]:
    """The folded words of a full name, a hyphenated part kept as one word."""
    words: list[str] = []
    for token in full.split():
        folded = fold_text(token).split()
        if "-" in token and len(folded) > 1:
            folded = ["".join(folded)]
        words.extend(folded)
    return words


def _without_initials(words: list[str]) -> list[str]:
    """A full name without its middle initials ("Katherine M. Bennett" -> katherine bennett):
    one system keeps the initial, another drops it or spells the middle name out, and an
    initial must not become part of the family name."""
    if len(words) <= 2:
        return words
    kept = [words[0], *(w for w in words[1:-1] if len(w) > 1), words[-1]]
    return kept


# ---------------------------------------------------------------- company / title / place
def normalise_company(raw: str | None) -> str | None:
    """'Berliner Bytes GmbH' -> 'berliner bytes', 'ACME, Inc.' -> 'acme'."""
    if not raw:
        return None
    # "Harbor & Pine" and "Harbor and Pine" are one name ("&" folds to a word break).
    words = [w for w in fold_text(raw).split() if w not in ("and", "und")] or fold_text(raw).split()
    while len(words) > 1:
        if words[-1] in LEGAL_SUFFIXES:
            words.pop()
            continue
        # A legal form written with dots folds to single letters: 'Vltava Data s.r.o.' ->
        # 'vltava data s r o', 'Aegean Fintech S.A.' -> '... s a', 'sp. z o.o.' -> 'sp z o o'.
        run = len(words)
        while run > 1 and len(words[run - 1]) == 1:
            run -= 1
        if run < len(words) and run > 1 and words[run - 1] == "sp":
            run -= 1
        if run >= 1 and run < len(words) and "".join(words[run:]) in DOTTED_LEGAL_FORMS:
            del words[run:]
            continue
        break
    return " ".join(words) or None


def company_short_forms(keys: list[str]) -> dict[str, str]:
    """Company key -> the form the market writes it in, for names written two ways.

    People shorten their employer to its brand ("Kaveri" for Kaveri Infotech, "Ostrander" for
    Ostrander Bank) and run its words together ("DniproCode"): a key written with its words
    run together is the spaced key, and a key whose first words are another key (of four
    letters or more) is that short form, when the short form begins no other key of the
    market ("Caldera" beside Caldera Mobility and Caldera Foods names neither).
    """
    present = set(keys)
    out: dict[str, str] = {}
    runs: dict[str, list[str]] = {}
    for key in present:
        runs.setdefault(key.replace(" ", ""), []).append(key)
    for group in runs.values():
        if len(group) > 1:
            spaced = max(group, key=lambda k: (k.count(" "), k))
            out.update({k: spaced for k in group if k != spaced})
    longer: dict[str, list[str]] = {}
    for key in present:
        words = key.split()
        for i in range(1, len(words)):
            longer.setdefault(" ".join(words[:i]), []).append(key)
    for short, longs in longer.items():
        if short in present and len(short) >= 4 and len(longs) == 1:
            out[longs[0]] = short
    # One step at most: a spaced key that is itself someone's long form goes to the short one.
    return {k: out.get(v, v) for k, v in out.items()}


def employer_from_mail_domain(domain: str, companies: dict[str, str]) -> str | None:
    """The company a corporate address names, when some record in the market names it.

    'lucie.novakova2@vltavadata.cz' says she works at Vltava Data even when her record leaves
    the company field empty. `companies` maps each company key with spaces and hyphens
    removed to the key itself; the domain's own name (the label before the public suffix,
    'vltavadata' of vltavadata.cz, 'acme' of mail.acme.co.uk) is looked up there, so a domain
    no record names an employer (a university, a school) gives nothing.
    """
    labels = domain.lower().split(".")
    if len(labels) < 2:
        return None
    # Two-part public suffixes (co.uk, com.au, co.jp...): the name is the label before them.
    second_level = len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net", "ac", "gov"}
    name = labels[-3] if second_level else labels[-2]
    return companies.get(name.replace("-", ""))


def normalise_title(raw: str | None) -> str | None:
    if not raw:
        return None
    words = [TITLE_ABBREVIATIONS.get(w, w) for w in fold_text(raw).split()]
    return " ".join(words) or None


def normalise_city(raw: str | None) -> str | None:
    """The first comma part, in its local name ('Munich, Bavaria, Germany' -> 'munchen')."""
    if not raw:
        return None
    city = fold_text(raw.split(",", 1)[0])
    return load_city_names().get(city, city) or None


@lru_cache(maxsize=1)
def load_city_names(path: str | None = None) -> dict[str, str]:
    """Other name of a city -> the name it is keyed by (city_names.csv, folded)."""
    with open(path or CITY_NAMES_CSV, encoding="utf-8", newline="") as fh:
        return {fold_text(r["name"]): fold_text(r["city"]) for r in csv.DictReader(fh)}


# Short forms and names a location field uses that the library's country names below do not
# hold (it says "Czech Republic", people write "Czechia"); these win over the library's.
_COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "america": "US",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "the netherlands": "NL",
    "holland": "NL",
    "czechia": "CZ",
    "turkiye": "TR",
    "uae": "AE",
    "korea": "KR",
    "republic of korea": "KR",
    "russian federation": "RU",
    "viet nam": "VN",
}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Folded country name -> ISO-2, in every language the phone-number library names
    countries in (its geocoder data: "Germany", "Deutschland", "Allemagne", "Германия"), plus
    `_COUNTRY_ALIASES`. A name two regions share is left out."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    found: dict[str, set[str]] = {}
    for region, by_language in LOCALE_DATA.items():
        for name in by_language.values():
            # "*xx" points at the name of another language (the data's way to save space).
            if name.startswith("*"):
                name = by_language.get(name[1:], "")
            key = fold_text(name)
            if key:
                found.setdefault(key, set()).add(region)
    names = {k: next(iter(v)) for k, v in found.items() if len(v) == 1}
    names.update(_COUNTRY_ALIASES)
    return names


def country_from_location(raw: str | None) -> str | None:
    """ISO-2 from the last comma part of a free-text location, when it names a country."""
    if not raw:
        return None
    return country_names().get(fold_text(raw.rsplit(",", 1)[-1]))


# Country-code domains sold worldwide as generic names (acme.io, acme.ai): not a country.
_GENERIC_CCTLDS = frozenset(
    {"io", "ai", "co", "me", "tv", "ly", "fm", "gg", "so", "to", "sh", "ws", "cc"}
)


def country_from_mail_domain(domain: str | None) -> str | None:
    """ISO-2 of a mailbox's country-code domain (seznam.cz -> CZ, yahoo.co.uk -> GB)."""
    if not domain or "." not in domain:
        return None
    tld = domain.rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or tld in _GENERIC_CCTLDS:
        return None
    return "GB" if tld == "uk" else tld.upper()


# ---------------------------------------------------------------- frame level
def _map_unique(series: pl.Series, fn, dtype: pl.DataType) -> pl.Series:
    """Apply a Python function once per distinct value (names and phones repeat a lot)."""
    uniq = series.unique().drop_nulls()
    mapping = pl.DataFrame(
        {"k": uniq, "v": pl.Series([fn(x) for x in uniq.to_list()], dtype=dtype)}
    )
    return series.to_frame("k").join(mapping, on="k", how="left", maintain_order="left")["v"]


def normalise_records(
    records: pl.DataFrame, config: IdentityConfig | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(`people`, `identifiers`) for a `person_records` frame.

    people: one row per record with `idx` (row number, the engine's integer id), `record_key`,
    `source`, name keys (`first_key`, `first_canon`, `last_key`), `company_key`, `city_key`,
    `title_key`, `is_buyer_profile_copy`.
    identifiers: long frame `idx, kind, value` with kind in email|phone|linkedin|github|spk,
    plus `corporate` (email on a non-free-mail domain) and `role` (shared mailbox).
    """
    cfg = config or IdentityConfig()
    df = records.with_row_index("idx")
    names = df.select(
        "idx",
        pl.struct(["first_name", "last_name", "full_name"]).alias("n"),
    )
    uniq_names = names["n"].unique()
    raw_names = uniq_names.to_list()
    keyed = [normalise_name(d["first_name"], d["last_name"], d["full_name"]) for d in raw_names]
    name_map = pl.DataFrame(
        {
            "n": uniq_names,
            "first_key": [k[0] or None for k in keyed],
            "last_key": [k[1] or None for k in keyed],
            "name_words": [
                list(name_words(d["first_name"], d["last_name"], d["full_name"])) for d in raw_names
            ],
            "name_script": [
                name_script(d["first_name"], d["last_name"], d["full_name"]) for d in raw_names
            ],
        },
        schema_overrides={"name_words": pl.List(pl.String)},
    )
    names = names.join(name_map, on="n", how="left", maintain_order="left")
    placeholders = list(cfg.placeholder_names)
    full_folded = pl.concat_str(["first_key", "last_key"], separator=" ", ignore_nulls=True)
    people = df.select(
        "idx",
        "record_key",
        "source",
        "is_buyer_profile_copy",
        "record_updated_at",
        names["first_key"],
        names["last_key"],
        names["name_words"],
        names["name_script"],
        _map_unique(df["company"], normalise_company, pl.String).alias("company_key"),
        _map_unique(df["location"], normalise_city, pl.String).alias("city_key"),
        _map_unique(df["title"], normalise_title, pl.String).alias("title_key"),
    ).with_columns(
        pl.when(full_folded.is_in(placeholders) | pl.col("is_buyer_profile_copy"))
        .then(None)
        .otherwise(pl.col(c))
        .alias(c)
        for c in ("first_key", "last_key", "name_words")
    )
    people = people.with_columns(
        _map_unique(people["first_key"], canonical_first_name, pl.String).alias("first_canon")
    )

    # Buyer-profile copies describe the ticket buyer, not the attendee: no identity evidence.
    evidence = df.filter(~pl.col("is_buyer_profile_copy").fill_null(False))
    emails = (
        evidence.select("idx", pl.col("emails").alias("raw"))
        .explode("raw")
        .with_columns(_email_key_expr(pl.col("raw")).alias("value"))
        .drop_nulls("value")
        .select(
            "idx",
            pl.lit("email").alias("kind"),
            "value",
            (~pl.col("value").str.extract(r"@(.+)$", 1).is_in(list(FREEMAIL_DOMAINS))).alias(
                "corporate"
            ),
        )
    )
    emails = emails.with_columns(
        _map_unique(emails["value"], is_role_mailbox, pl.Boolean).alias("role")
    )
    phones = _phone_identifiers(evidence, cfg)
    # One slug function for every URL (distinct URLs only): LinkedIn writes non-ASCII slugs
    # both percent-encoded and as Unicode (l%C3%A9a-… and léa-…), and they are one profile.
    urls = evidence.select("idx", pl.col("profile_urls").alias("raw")).explode("raw")
    profiles = (
        urls.with_columns(_map_unique(urls["raw"], profile_slug, pl.String).alias("value"))
        .drop_nulls("value")
        .select(
            "idx",
            pl.col("value").str.extract(r"^(\w+):", 1).alias("kind"),
            "value",
            pl.lit(False).alias("corporate"),
            pl.lit(False).alias("role"),
        )
    )
    spk = df.filter(pl.col("source_person_key").is_not_null()).select(
        "idx",
        pl.lit("spk").alias("kind"),
        pl.concat_str(["source", "source_person_key"], separator=":").alias("value"),
        pl.lit(False).alias("corporate"),
        pl.lit(False).alias("role"),
    )
    identifiers = pl.concat([emails, phones, profiles, spk], how="vertical_relaxed").unique(
        ["idx", "kind", "value"], maintain_order=True
    )
    people = _with_employer_from_mail(people, emails)
    short = company_short_forms(people["company_key"].drop_nulls().unique().to_list())
    people = people.with_columns(pl.col("company_key").replace(short))
    return _titles_without_employers(people, df["title"]), identifiers


# Where a title field lists employers instead of (or beside) a role: "Acme / Globex",
# "Data Engineer at Acme", "Analyst | Globex".
_TITLE_PARTS = re.compile(r"\s*(?:/|\||·|•|,|;|@|–|—|\s-\s|\bat\b)\s*", re.IGNORECASE)


def role_without_employers(raw: str | None, companies: frozenset[str]) -> str | None:
    """The role a title names once the employers it lists are taken out (None when nothing
    else is left).

    Systems disagree on what the title field holds: Greenhouse documents the current job
    title, yet people paste their employers there as they would into a Lever headline, and
    "Acme / Globex" is not a role any other record shares. `companies` are the company keys
    the market's records name.
    """
    if not raw:
        return None
    parts = [p for p in _TITLE_PARTS.split(raw) if p and p.strip()]
    roles = [p for p in parts if normalise_company(p) not in companies]
    if len(roles) == len(parts):
        return normalise_title(raw)
    return normalise_title(" ".join(roles)) if roles else None


def _titles_without_employers(people: pl.DataFrame, titles: pl.Series) -> pl.DataFrame:
    companies = frozenset(people["company_key"].drop_nulls().unique().to_list())
    role = _map_unique(titles, lambda t: role_without_employers(t, companies), pl.String)
    return people.with_columns(role.alias("title_key"))


def _with_employer_from_mail(people: pl.DataFrame, emails: pl.DataFrame) -> pl.DataFrame:
    """Fill an empty company from the record's own work address (`employer_from_mail_domain`).

    Lever and Ashby often leave the employer out while the address the person applied from
    names it; a role mailbox names the company as well, but not this person's employment.
    """
    known = people["company_key"].drop_nulls().unique().to_list()
    companies = {k.replace(" ", "").replace("-", ""): k for k in known}
    work = emails.filter(pl.col("corporate") & ~pl.col("role")).select(
        "idx", pl.col("value").str.extract(r"@(.+)$", 1).alias("domain")
    )
    work = work.with_columns(
        _map_unique(
            work["domain"], lambda d: employer_from_mail_domain(d, companies), pl.String
        ).alias("employer")
    )
    # One employer per record: the first address that names one.
    employer = work.drop_nulls("employer").group_by("idx", maintain_order=True).first()
    return (
        people.join(employer.select("idx", "employer"), on="idx", how="left", maintain_order="left")
        .with_columns(pl.coalesce("company_key", "employer").alias("company_key"))
        .drop("employer")
    )


def _phone_identifiers(evidence: pl.DataFrame, cfg: IdentityConfig) -> pl.DataFrame:
    """Phones as E.164, each national spelling read in the record's country (`_record_regions`).

    A national spelling whose record names no country is read in `cfg.default_region`. When
    the record's country (or the default) gives no valid number, the spelling is matched by
    its national significant number against the international numbers the market holds
    (`_national_matches`): a Pole living in The Hague keeps writing his Polish mobile as
    "696 152 750".
    """
    raw = evidence.select(
        "idx", pl.col("phones").alias("raw"), _record_regions(evidence).alias("region")
    ).explode("raw")
    raw = raw.drop_nulls("raw")
    text = pl.col("raw").str.strip_chars().str.replace_all("(0)", "", literal=True)
    plus = text.str.starts_with("+")
    digits = text.str.replace_all(r"\D", "")
    cleaned = (
        pl.when(plus)
        .then(pl.lit("+") + digits)
        .when(digits.str.starts_with("00"))
        .then(pl.lit("+") + digits.str.slice(2))
        .otherwise(digits)
    )
    raw = raw.with_columns(cleaned.alias("cleaned"))
    # International spellings do not depend on the region: one key per number, fewer parses.
    raw = raw.with_columns(
        pl.when(pl.col("cleaned").str.starts_with("+"))
        .then(pl.lit("ZZ"))
        .otherwise(pl.col("region"))
        .alias("region")
    )
    pairs = raw.select("cleaned", "region").unique()
    pairs = pairs.with_columns(
        pl.Series(
            "value",
            [
                _e164(c, r if r not in ("ZZ", None) else cfg.default_region)
                for c, r in zip(pairs["cleaned"].to_list(), pairs["region"].to_list(), strict=True)
            ],
            dtype=pl.String,
        )
    )
    national = pl.col("region") != "ZZ"
    unplaced = pairs.filter(national.fill_null(True) & pl.col("value").is_null())["cleaned"]
    matched = _national_matches(unplaced, pairs["value"].drop_nulls().unique())
    pairs = (
        pairs.join(matched, on="cleaned", how="left", nulls_equal=False)
        .with_columns(
            pl.when(national.fill_null(True))
            .then(pl.coalesce("value", "matched"))
            .otherwise("value")
            .alias("value")
        )
        .drop("matched")
    )
    return (
        raw.join(pairs, on=["cleaned", "region"], how="left", nulls_equal=True)
        .drop_nulls("value")
        .select(
            "idx",
            pl.lit("phone").alias("kind"),
            "value",
            pl.lit(False).alias("corporate"),
            pl.lit(False).alias("role"),
        )
    )


def _record_regions(evidence: pl.DataFrame) -> pl.Series:
    """Per record, the country its national phone spellings are dialled in (or null).

    In order: the source's own country field; the country the location names; the country
    other records of the market name for the same city ("Pune" alone, beside "Pune, India"
    elsewhere), when they all agree; the country-code domain of the record's addresses
    (seznam.cz, yahoo.co.uk), when they agree.
    """
    loc = evidence["location"]
    named = _map_unique(loc, country_from_location, pl.String)
    city = _map_unique(loc, normalise_city, pl.String)
    seen = (
        pl.DataFrame({"city": city, "country": named})
        .drop_nulls()
        .group_by("city")
        .agg(pl.col("country").unique())
        .filter(pl.col("country").list.len() == 1)
        .select("city", pl.col("country").list.first().alias("city_country"))
    )
    by_city = pl.DataFrame({"city": city}).join(seen, on="city", how="left", maintain_order="left")[
        "city_country"
    ]
    domains = (
        evidence.select(pl.int_range(pl.len()).alias("row"), pl.col("emails").alias("e"))
        .explode("e")
        .with_columns(pl.col("e").str.extract(r"@([^@\s]+)\s*$", 1).str.to_lowercase().alias("d"))
    )
    domains = domains.with_columns(
        _map_unique(domains["d"], country_from_mail_domain, pl.String).alias("c")
    )
    by_mail = (
        domains.drop_nulls("c")
        .group_by("row")
        .agg(pl.col("c").unique())
        .filter(pl.col("c").list.len() == 1)
        .select("row", pl.col("c").list.first())
    )
    by_mail = pl.DataFrame({"row": pl.int_range(evidence.height, eager=True)}).join(
        by_mail, on="row", how="left", maintain_order="left"
    )["c"]
    hint = evidence["country_hint"].str.to_uppercase()
    return pl.select(pl.coalesce(hint, named, by_city, by_mail)).to_series().alias("region")


def _national_matches(unplaced: pl.Series, known: pl.Series) -> pl.DataFrame:
    """`cleaned, matched`: a national spelling with no known country -> the one E.164 number of
    the market whose national significant number it spells (with or without the trunk 0).

    "0607791306" on a record without a location is "+31607791306" when the person's other
    record holds that number in international form; with no such number, or two of them in
    different countries, it stays unplaced (never guessed into the default region).
    """
    schema = {"cleaned": pl.String, "matched": pl.String}
    if unplaced.is_empty() or known.is_empty():
        return pl.DataFrame(schema=schema)
    nsn = pl.DataFrame(
        {"matched": known, "nsn": [_national_number(v) for v in known.to_list()]},
        schema={"matched": pl.String, "nsn": pl.String},
    ).drop_nulls()
    spellings = (
        pl.DataFrame({"cleaned": unplaced.unique()})
        .with_columns(
            pl.concat_list(
                pl.col("cleaned"),
                pl.when(pl.col("cleaned").str.starts_with("0")).then(
                    pl.col("cleaned").str.slice(1)
                ),
            ).alias("nsn")
        )
        .explode("nsn")
    )
    found = (
        spellings.drop_nulls("nsn")
        .filter(pl.col("nsn").str.len_chars() >= 7)
        .join(nsn, on="nsn")
        .group_by("cleaned")
        .agg(pl.col("matched").unique())
        .filter(pl.col("matched").list.len() == 1)
        .select("cleaned", pl.col("matched").list.first())
    )
    # The spelling must dial that very number inside its country (trunk rules differ).
    ok = [
        _e164(c, phonenumbers.region_code_for_number(phonenumbers.parse(m))) == m
        for c, m in found.iter_rows()
    ]
    return found.filter(pl.Series(ok, dtype=pl.Boolean))


@lru_cache(maxsize=1_000_000)
def _national_number(e164: str) -> str | None:
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return None
