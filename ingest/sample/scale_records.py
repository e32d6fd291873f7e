"""Scale a generated `person_records` frame up k-fold for the identity benchmarks.

Measurement only. Generating 10M records through `generate_market` takes far longer than
resolving them, so the large benchmark inputs are k copies of one generated market:

- every identifier is made distinct per copy (record keys, source ids and person keys, email
  addresses, phone numbers, LinkedIn/GitHub slugs), so no identifier links two copies and each
  copy keeps exactly the within-copy structure the generator made (the same person's spellings
  still normalise to one key, two people sharing a mailbox still share it);
- names, companies, titles and locations are kept as they are. A real 10M market repeats the
  same names far more often than a 1M one, so the name and company blocks the fuzzy matcher
  builds grow with k instead of staying at the 1M size. That is the harsher and more realistic
  load; copies with distinct names would only measure k independent 1M runs.

Copy 0 is the input unchanged.
"""

from __future__ import annotations

import re

import polars as pl

from orchestration.identity.normalise import DOMAIN_ALIASES, FREEMAIL_DOMAINS

# The slug/handle part of a profile URL (as `normalise.profile_slug` reads it): the copy tag is
# appended to it, so every URL form of one profile (percent-encoded, title-cased, with tracking
# parameters) still folds to one slug within a copy.
_PROFILE_SLUG = r"(?i)((?:linkedin\.com/(?:in|pub)|github\.com)/[^/?#\s]+)"
_DIGIT = re.compile(r"\d")


def shift_phone(raw: str, copy: int) -> str:
    """The same spelling with its last four digits shifted by a per-copy offset.

    Every spelling of a number (national, international, with separators) ends in the same
    subscriber digits, so the shift maps them all to one new number, and the number stays valid
    for its plan (validity depends on the country code, area and length, not on the last four
    digits). Different copies of the same person get different numbers.
    """
    positions = [m.start() for m in _DIGIT.finditer(raw)][-4:]
    if len(positions) < 4:
        return raw
    tail = int("".join(raw[p] for p in positions))
    # 7919 is prime, so copy 1..k offsets are distinct modulo 10,000 for any k < 10,000.
    shifted = f"{(tail + copy * 7919) % 10_000:04d}"
    chars = list(raw)
    for p, digit in zip(positions, shifted, strict=True):
        chars[p] = digit
    return "".join(chars)


def _tag_email(copy: int) -> pl.Expr:
    # Free-mail addresses get the tag in the local part (before any +tag, so plus-tag folding
    # keeps it; on gmail the dot folds away and the tag stays). Corporate addresses get it as a
    # subdomain: the address stays corporate and a role mailbox (jobs@, info@) stays a role
    # mailbox.
    text = pl.element().str.strip_chars()
    domain = text.str.extract(r"@([^@]+)$", 1).str.to_lowercase().replace(DOMAIN_ALIASES)
    return (
        pl.when(domain.is_in(list(FREEMAIL_DOMAINS)))
        .then(pl.lit(f"c{copy}.") + text)
        .otherwise(text.str.replace("@", f"@c{copy}.", literal=True))
    )


def copy_of(records: pl.DataFrame, copy: int) -> pl.DataFrame:
    """Copy number `copy` (>= 1) of `records`, every identifier made distinct to that copy."""
    suffix = f"~c{copy}"
    raw_phones = records["phones"].explode().drop_nulls().unique()
    shifted = pl.Series([shift_phone(p, copy) for p in raw_phones.to_list()], dtype=pl.String)
    return records.with_columns(
        pl.col("record_key") + suffix,
        pl.col("source_record_id") + suffix,
        pl.col("source_person_key") + suffix,
        pl.col("emails").list.eval(_tag_email(copy)),
        pl.col("phones").list.eval(pl.element().replace_strict(raw_phones, shifted)),
        pl.col("profile_urls").list.eval(
            pl.element().str.replace(_PROFILE_SLUG, f"${{1}}-c{copy}")
        ),
    )


def scaled_records(records: pl.DataFrame, copies: int) -> pl.DataFrame:
    """`records` followed by `copies - 1` tagged copies (module docstring)."""
    if copies < 1:
        raise ValueError("copies must be at least 1")
    return pl.concat([records, *(copy_of(records, c) for c in range(1, copies))], rechunk=True)
