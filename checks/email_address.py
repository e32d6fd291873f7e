"""What a well-formed e-mail address is and what a shared (role) mailbox is: one definition for
the feed contracts, the identity normalisers and the enrichment picker.

The shape is deliberately loose: one "@", something on both sides, a dot in the domain, no
whitespace. Tighter rules would quarantine real addresses; identity resolution folds spellings
further. It only keeps obvious garbage ("n/a", "john at acme", "a@b") out of the warehouse.

Role mailboxes (jobs@, recruiting@, info@ ...) reach whoever reads them: many people write from
them and none owns them, so they never identify a person and are never worth enriching. The
list is the dbt seed `role_mailbox_local_parts`, so analysts see it in `reference` and a change
is one CSV row.
"""

from __future__ import annotations

import re

from checks.dbt_seeds import read_seed

# Also used as a pandera `str_matches` pattern (polars' regex engine): keep it to syntax both
# Python's `re` and Rust's `regex` read the same way.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_EMAIL_SHAPE = re.compile(EMAIL_PATTERN)

ROLE_MAILBOX_LOCAL_PARTS = frozenset(
    row["local_part"].strip().lower() for row in read_seed("role_mailbox_local_parts")
)


def is_well_formed_email(text: str) -> bool:
    """True when `text` (already trimmed) has the shape of an address."""
    return _EMAIL_SHAPE.fullmatch(text) is not None


def is_role_mailbox(address: str) -> bool:
    """jobs@, info@, recruiting2@, jobs+acme@ ...: a shared mailbox, never a person's. Accepts
    a raw address or a normalised key."""
    local = address.strip().lower().partition("@")[0].split("+", 1)[0]
    return local in ROLE_MAILBOX_LOCAL_PARTS or (
        local.rstrip("0123456789") in ROLE_MAILBOX_LOCAL_PARTS
    )
