"""Sequencing-tool event logs (sent/delivered/opened/…/bounced/unsubscribed) → raw.outreach_events.

Rows are grouped by message, not sorted by time. Event names and bounce types are lower-cased
and mapped from common vendor spellings ("Email Opened", "open", "hard_bounce" …) to one small
vocabulary; an unknown event type is quarantined rather than guessed, because bounces and
unsubscribes drive suppression.
"""

from __future__ import annotations

from checks.csv_feeds import OUTREACH_EVENTS, OUTREACH_FIELDS
from ingest.csv_drop import CsvFeedSpec

FEED = "outreach"

ALIASES: dict[str, tuple[str, ...]] = {
    "message_id": (
        "Message ID", "MessageId", "Msg ID", "Email ID", "Mail ID", "Mailing ID",
        "Activity ID", "Nachrichten-ID",
    ),
    "email": (
        "contact_email", "Contact Email", "Email", "E-mail", "Email Address", "E-mail Address",
        "email_address", "Recipient", "Recipient Email", "Prospect Email", "To", "To Address",
        "E-Mail", "E-Mail-Adresse", "Empfänger",
    ),
    "campaign": (
        "Campaign", "Campaign Name", "Sequence", "Sequence Name", "Cadence", "Kampagne",
    ),
    "step": ("Step", "Step Number", "Sequence Step", "Stage Number", "Schritt"),
    "event": ("Event", "Event Type", "Activity", "Activity Type", "Action", "Ereignis"),
    "bounce_type": ("Bounce Type", "Bounce", "Bounce Category", "Bounce Kind"),
    "occurred_at": (
        "Occurred At", "Timestamp", "Event Time", "Event Timestamp", "Time", "Date",
        "Created At", "Event Date", "Zeitpunkt",
    ),
}  # fmt: skip

EVENT_SYNONYMS = {
    "send": "sent", "email sent": "sent",
    "deliver": "delivered", "email delivered": "delivered",
    "open": "opened", "email opened": "opened",
    "click": "clicked", "email clicked": "clicked", "link clicked": "clicked",
    "reply": "replied", "email replied": "replied",
    "bounce": "bounced", "email bounced": "bounced",
    "unsubscribe": "unsubscribed", "opt-out": "unsubscribed", "opted out": "unsubscribed",
    "opt_out": "unsubscribed",
    "spam": "complained", "spam report": "complained", "spam_report": "complained",
    "complaint": "complained",
}  # fmt: skip
BOUNCE_SYNONYMS = {
    "permanent": "hard", "hard_bounce": "hard", "hard bounce": "hard", "hardbounce": "hard",
    "transient": "soft", "soft_bounce": "soft", "soft bounce": "soft", "softbounce": "soft",
}  # fmt: skip

SPEC = CsvFeedSpec(
    feed=FEED,
    contract=OUTREACH_EVENTS,
    fields=OUTREACH_FIELDS,
    aliases=ALIASES,
    required=(("message_id",), ("email",), ("event",), ("occurred_at",)),
    timestamp_fields=("occurred_at",),
    integer_fields=("step",),
    value_maps={"event": EVENT_SYNONYMS, "bounce_type": BOUNCE_SYNONYMS},
    description=(
        "Outreach/sequencing-tool event logs, one row per message event. Event types: sent, "
        "delivered, opened, clicked, replied, bounced, unsubscribed, complained."
    ),
)
