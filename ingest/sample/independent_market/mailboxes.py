"""Who owns which mailbox, phone number and profile handle, and when: real ones are unique.

A mail provider never hands one address to two people at once, so every address claimed here
has one owner; the only addresses with two owners are the deliberate ones a real market has:
a family mailbox two partners share, an agency's submissions mailbox, and a work address a
company gave to a new hire years after its first holder left. Phones are unique the same way
(twins may share their parents' landline, the one shared phone).

Ownership is keyed the way the provider delivers mail, not the way it is typed: for Gmail the
dots and a +tag do not matter, so `first.last@` and `firstlast+cv@` at gmail.com are one box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

_DOT_BLIND = frozenset({"gmail.com", "googlemail.com"})
# Providers that deliver `local+anything@` to `local@` (documented subaddressing).
_PLUS_TAGS = frozenset({"gmail.com", "googlemail.com", "outlook.com", "proton.me", "icloud.com"})


def delivery_key(address: str) -> str:
    """The mailbox an address is delivered to (lower case, Gmail dots and +tags folded)."""
    local, _, domain = address.strip().lower().partition("@")
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in _DOT_BLIND:
        local = local.replace(".", "")
    return f"{local}@{domain}"


@dataclass(slots=True)
class _Holding:
    owner: str
    start: date
    end: date | None


@dataclass(slots=True)
class Registry:
    """Mailboxes and phone numbers handed out so far (delivery key -> holdings)."""

    mail: dict[str, list[_Holding]] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    handles: dict[str, str] = field(default_factory=dict)  # LinkedIn slugs, GitHub handles
    shared: dict[str, str] = field(default_factory=dict)  # delivery key -> why it is shared

    def is_free(self, address: str) -> bool:
        return delivery_key(address) not in self.mail

    def claim(self, address: str, owner: str, start: date, end: date | None = None) -> bool:
        key = delivery_key(address)
        if key in self.mail:
            return False
        self.mail[key] = [_Holding(owner, start, end)]
        return True

    def share(self, address: str, owner: str, why: str, start: date) -> None:
        """A second owner of a deliberately shared box (family, agency)."""
        key = delivery_key(address)
        self.mail.setdefault(key, []).append(_Holding(owner, start, None))
        self.shared[key] = why

    def recycle(self, address: str, owner: str, start: date, min_gap_days: int) -> bool:
        """Give a work address to a new hire, only if its holder left `min_gap_days` before."""
        key = delivery_key(address)
        holdings = self.mail.get(key)
        if not holdings or holdings[-1].end is None:
            return False
        if (start - holdings[-1].end).days < min_gap_days:
            return False
        holdings.append(_Holding(owner, start, None))
        self.shared[key] = "recycled_work_address"
        return True

    def owners(self, address: str) -> list[str]:
        return [h.owner for h in self.mail.get(delivery_key(address), [])]

    def claim_handle(self, handle: str, owner: str) -> bool:
        """A profile handle: unique per site, compared without case (as the sites do)."""
        key = handle.lower()
        if key in self.handles:
            return False
        self.handles[key] = owner
        return True

    def claim_phone(self, e164: str, owner: str) -> bool:
        if e164 in self.phones:
            return False
        self.phones[e164] = owner
        return True
