"""Keyed hashes (HMAC-SHA256 with TALENT_CRM_PEPPER) of normalised identifiers.

The suppression list must remember WHO may not be contacted or re-created without holding
their personal data: it stores only `HMAC(pepper, "<kind>:<normalised identifier>")`. The same
normalisers as identity resolution are used, so a Gmail address with dots and a `+tag` and
the same address without them, or any spelling of one LinkedIn profile URL, hash alike. Without the
pepper a hash cannot be brute-forced from a list of known addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from orchestration.identity.normalise import normalise_email, profile_slug
from orchestration.settings import PEPPER_ENV

KIND_EMAIL = "email"
KIND_PROFILE = "profile"
# A source record's own key (`greenhouse:candidates:123`): after an erasure or purge the same
# vendor record re-delivered by a full resync is recognised without keeping the key itself.
KIND_RECORD = "record"


class MissingPepperError(RuntimeError):
    """The keyed hash is needed but its key is not configured."""


def pepper() -> bytes:
    value = os.environ.get(PEPPER_ENV)
    if not value:
        raise MissingPepperError(
            f"{PEPPER_ENV} is not set: suppression hashes are keyed with it. Set it to a long "
            "random secret (and keep it: changing it orphans every existing suppression entry)."
        )
    return value.encode("utf-8")


def has_pepper() -> bool:
    return bool(os.environ.get(PEPPER_ENV))


def keyed_hash(kind: str, normalised: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 hex of `<kind>:<normalised>`."""
    message = f"{kind}:{normalised}".encode()
    return hmac.new(key if key is not None else pepper(), message, hashlib.sha256).hexdigest()


def email_hash(raw: str, key: bytes | None = None) -> str | None:
    """Hash of the identity-normalised e-mail (gmail dots/+tags folded); None if not an e-mail."""
    normalised = normalise_email(raw)
    return keyed_hash(KIND_EMAIL, normalised, key) if normalised else None


def profile_hash(raw: str, key: bytes | None = None) -> str | None:
    """Hash of the profile slug (`linkedin:<slug>`) of any URL spelling; None if not a profile."""
    slug = profile_slug(raw)
    return keyed_hash(KIND_PROFILE, slug, key) if slug else None


def identifier_kind(record_identifier_kind: str) -> str | None:
    """identity.record_identifiers kinds → suppression kinds (phones are not suppression keys)."""
    if record_identifier_kind == "email":
        return KIND_EMAIL
    if record_identifier_kind in ("linkedin", "github"):
        return KIND_PROFILE
    return None
