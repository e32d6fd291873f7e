"""What the ATS write-back clients share: the person pushed, the outcome of one push, the
refusal a push row records, and the one sequence every vendor follows.

Each vendor's client (`greenhouse_writeback`, `lever_writeback`, `ashby_writeback`) only
knows its endpoints; `push_person` is the order that makes a push safe to repeat:

1. find the person in the ATS (ids we already know, then by e-mail) — reuse, never duplicate;
2. create the candidate only when none was found, and report its id at once (`on_candidate`)
   so a crash before step 4 leaves a trace;
3. find an application of that candidate on the job — reuse it;
4. create the application only when none was found.

A create whose outcome is unknown (5xx, cut connection) raises `WriteOutcomeUnknown`; calling
`push_person` again is then safe, because steps 1 and 3 find whatever the lost call created.

Privacy: a refusal's `reason` is built from the vendor's error field and code only, bounded,
with anything shaped like an e-mail address masked — it is stored in the push ledger.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ingest.http_client import SourceError

_EMAIL_LIKE = re.compile(r"[^\s@'\"<>(),;:]+@[^\s@'\"<>(),;:]+")
MAX_REASON_CHARS = 200


@dataclass(frozen=True)
class Person:
    """The contact as pushed: only what the recruiter needs to reach them in the ATS.

    `email` is the address the ATS dedupes on and the next sync links back by."""

    first_name: str | None
    last_name: str | None
    email: str
    other_emails: tuple[str, ...] = ()
    linkedin_url: str | None = None
    company: str | None = None
    title: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p).strip()

    @property
    def all_emails(self) -> tuple[str, ...]:
        return (self.email, *(e for e in self.other_emails if e != self.email))


@dataclass(frozen=True)
class PushOutcome:
    candidate_id: str
    application_id: str
    candidate_reused: bool
    application_reused: bool


class PushRefused(SourceError):
    """The ATS refused this person's push (a 4xx, or Ashby's `success: false`): a per-row
    failure. `reason` is safe to store: field and code only, no values."""

    def __init__(self, system: str, reason: str) -> None:
        super().__init__(f"{system}: push refused: {reason}")
        self.reason = reason


def safe_reason(text: Any) -> str:
    """A vendor message made safe to store: e-mail-like tokens masked, one line, bounded."""
    flat = " ".join(str(text).split())
    return _EMAIL_LIKE.sub("<email>", flat)[:MAX_REASON_CHARS]


class AtsWriteback(Protocol):
    """One vendor's push calls. Ids are strings whatever the vendor's type."""

    system: str

    def find_candidate(self, person: Person, known_ids: Sequence[str]) -> str | None: ...

    def create_candidate(self, person: Person, job_id: str) -> tuple[str, str | None]:
        """(candidate id, application id when the vendor creates both in one call — Lever's
        opportunity on a posting — else None)."""
        ...

    def find_application(self, candidate_id: str, job_id: str) -> str | None: ...

    def create_application(self, candidate_id: str, job_id: str, person: Person) -> str: ...


def push_person(
    client: AtsWriteback,
    person: Person,
    job_id: str,
    known_ids: Sequence[str] = (),
    on_candidate: Callable[[str], None] | None = None,
) -> PushOutcome:
    """Find-or-create the candidate, then find-or-create their application on `job_id`."""
    candidate_id = client.find_candidate(person, known_ids)
    candidate_reused = candidate_id is not None
    created_application: str | None = None
    if candidate_id is None:
        candidate_id, created_application = client.create_candidate(person, job_id)
    if on_candidate is not None:
        on_candidate(candidate_id)
    if created_application is not None:
        return PushOutcome(candidate_id, created_application, False, False)
    application_id = client.find_application(candidate_id, job_id)
    application_reused = application_id is not None
    if application_id is None:
        application_id = client.create_application(candidate_id, job_id, person)
    return PushOutcome(candidate_id, application_id, candidate_reused, application_reused)
