"""Server-rendered HTML of the review page. Every value that comes from data is escaped:
names, titles, companies and messages are typed by candidates and recruiters, and a name like
`<script>…` must show as text. Templates are `string.Template`s whose placeholders are filled
only through `render`, which escapes everything except `Markup` (HTML this module built)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import datetime
from string import Template
from typing import Any
from urllib.parse import urlencode

from orchestration.identity.decisions import record_fingerprint
from orchestration.matching.scoring import without_draft_marker
from orchestration.review.queries import PERSON_FIELDS, SCORE_COMPONENTS, DuplicatePair


class Markup(str):
    """HTML built here from escaped parts: `render` inserts it as is."""


def esc(value: Any) -> Markup:
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    if isinstance(value, float):
        return Markup(f"{value:.2f}")
    if isinstance(value, datetime):
        return Markup(html.escape(f"{value:%Y-%m-%d %H:%M}"))
    if isinstance(value, list | tuple):
        return Markup(html.escape(", ".join(str(v) for v in value)))
    return Markup(html.escape(str(value), quote=True))


def render(template: str, **values: Any) -> Markup:
    return Markup(Template(template).substitute({k: esc(v) for k, v in values.items()}))


def join(parts: Iterable[Markup]) -> Markup:
    return Markup("".join(parts))


def url(path: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{path}?{query}" if query else path


# Fixed texts for the outcome of a POST: the redirect carries a code, never user data.
FLASHES = {
    "approved": "Approved: the message is recorded for the ATS push.",
    "skipped": "Skipped: recorded with your reason.",
    "not_a_fit": "Marked not a fit.",
    "same_person": "Recorded: same person.",
    "different_people": "Recorded: different people.",
    "not_sure": "Recorded: not sure.",
}
ERRORS = {
    "unknown_match": "Not recorded: this match is not in the published read copy any more.",
    "unknown_pair": "Not recorded: this pair is not in the published read copy any more.",
    "no_records": "Not recorded: the read copy does not hold the two records of this pair.",
    "too_large": "Not recorded: the form was too large.",
    "duplicate": "Not recorded: this decision was already recorded.",
}

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.5rem;
  align-items:baseline}
header a{color:#cfe0ff;text-decoration:none}header a.active{color:#fff;font-weight:600;
  border-bottom:2px solid #fff}
header .who{margin-left:auto;font-size:.9rem;color:#c8ccd6}
main{padding:1rem 1.2rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e3e6ec;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f6;font-weight:600;font-size:.9rem}
.flash{background:#e6f4ea;border:1px solid #9bd3ae;padding:.5rem .8rem;margin-bottom:1rem}
.error{background:#fdecea;border:1px solid #f5a9a1;padding:.5rem .8rem;margin-bottom:1rem}
.muted{color:#6b7280;font-size:.85rem}
.components{font-size:.8rem;color:#4b5563;margin:0;padding-left:1rem}
textarea{width:100%;min-width:18rem;height:6.5rem;font:inherit;font-size:.9rem}
form{margin:.2rem 0}
.status{font-size:.85rem;padding:.15rem .4rem;border-radius:3px;background:#eef1f6}
.status.approved,.status.same_person{background:#e6f4ea}
.status.skipped,.status.not_sure{background:#fff4d6}
.status.not_a_fit,.status.different_people{background:#fdecea}
.pair{background:#fff;border:1px solid #e3e6ec;margin-bottom:1rem;padding:.6rem}
.pair table td:first-child{width:11rem;color:#4b5563}
button{cursor:pointer}
"""

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title · Talent CRM review</title><style>$style</style></head>
<body><header><strong>Talent CRM review</strong>
<a href="/" class="$reqs_active">Reqs</a>
<a href="/duplicates" class="$dups_active">Duplicates</a>
<span class="who">Reviewer: $reviewer · read copy published $published</span></header>
<main>$notice$body</main></body></html>"""


def page(
    *,
    title: str,
    body: Markup,
    tab: str,
    reviewer: str,
    published: Any,
    flash: str | None = None,
    error: str | None = None,
) -> str:
    notice = Markup("")
    if flash in FLASHES:
        notice = render('<div class="flash" role="status">$text</div>', text=FLASHES[flash])
    elif error:
        text = ERRORS.get(error) or f"Not recorded: the field {error} is not valid."
        notice = render('<div class="error" role="alert">$text</div>', text=text)
    return render(
        LAYOUT,
        title=title,
        style=Markup(STYLE),
        reqs_active="active" if tab == "reqs" else "",
        dups_active="active" if tab == "duplicates" else "",
        reviewer=reviewer,
        published=published if published is not None else "(unknown)",
        notice=notice,
        body=body,
    )


def status_badge(decision: Mapping[str, Any] | None) -> Markup:
    """The latest decision on a row, and whether it is already in the read copy."""
    if not decision:
        return Markup('<span class="muted">open</span>')
    where = "recorded" if decision.get("_recorded") else "pending: lands with the next run"
    label = str(decision["decision"]).replace("_", " ")
    reason = decision.get("reason")
    return render(
        '<span class="status $kind" data-decision="$kind">$label</span> '
        '<span class="muted">by $reviewer, $at ($where)$reason</span>',
        kind=decision["decision"],
        label=label,
        reviewer=decision.get("reviewer"),
        at=decision.get("decided_at"),
        where=where,
        reason=Markup(f": {esc(reason)}") if reason else "",
    )


# -- reqs -------------------------------------------------------------------------------------


def reqs_body(reqs: list[dict[str, Any]]) -> Markup:
    if not reqs:
        return Markup("<p>No open reqs in the read copy.</p>")
    rows = join(
        render(
            '<tr><td><a href="$href">$title</a><div class="muted">$req_id</div></td>'
            "<td>$department</td><td>$location</td><td>$opened</td>"
            '<td class="matches">$matches</td><td class="decided">$decided</td></tr>',
            href=url("/req", req_id=r["req_id"]),
            title=r["title"] or r["req_id"],
            req_id=r["req_id"],
            department=r.get("department_name"),
            location="remote" if r.get("is_remote") else r.get("location"),
            opened=r.get("opened_at"),
            matches=r["matches"],
            decided=r["decided"],
        )
        for r in reqs
    )
    return render(
        '<h1>Open reqs</h1><table id="reqs"><thead><tr><th>Req</th><th>Department</th>'
        "<th>Location</th><th>Opened</th><th>Matches</th><th>Decided</th></tr></thead>"
        "<tbody>$rows</tbody></table>",
        rows=rows,
    )


def _components(row: Mapping[str, Any]) -> Markup:
    items = join(
        render("<li>$name $value</li>", name=name.replace("_", " "), value=row.get(name))
        for name in SCORE_COMPONENTS
        if row.get(name) is not None
    )
    return render('<ul class="components">$items</ul>', items=items)


def _match_forms(req_id: str, row: Mapping[str, Any], message: str | None) -> Markup:
    hidden = render(
        '<input type="hidden" name="req_id" value="$req_id">'
        '<input type="hidden" name="contact_id" value="$contact_id">',
        req_id=req_id,
        contact_id=row["contact_id"],
    )
    return render(
        '<form method="post" action="/req/decide" class="approve">$hidden'
        '<input type="hidden" name="decision" value="approved">'
        '<textarea name="message" aria-label="message">$message</textarea>'
        '<button type="submit">Approve</button></form>'
        '<form method="post" action="/req/decide" class="skip">$hidden'
        '<input type="hidden" name="decision" value="skipped">'
        '<input name="reason" required placeholder="why skip?" aria-label="skip reason">'
        '<button type="submit">Skip</button></form>'
        '<form method="post" action="/req/decide" class="not-a-fit">$hidden'
        '<input type="hidden" name="decision" value="not_a_fit">'
        '<input name="reason" placeholder="reason (optional)" aria-label="not a fit reason">'
        '<button type="submit">Not a fit</button></form>',
        hidden=hidden,
        message=message or "",
    )


def req_body(
    req: Mapping[str, Any],
    matches: list[dict[str, Any]],
    drafts: Mapping[str, str],
    export_name: str | None,
    decisions: Mapping[str, Mapping[str, Any]],
) -> Markup:
    rows = []
    for row in matches:
        decision = decisions.get(row["contact_id"])
        approved_text = (
            decision.get("message") if decision and decision["decision"] == "approved" else None
        )
        message = approved_text or without_draft_marker(drafts.get(row["contact_id"]))
        rows.append(
            render(
                '<tr id="match-$rank" data-contact-id="$contact_id"><td>$rank</td>'
                '<td><strong>$name</strong><div class="muted">$email</div>'
                '<div class="muted">$segment</div></td>'
                "<td><strong>$score</strong>$components</td>"
                '<td>$reason<div class="muted">skills: $skills</div></td>'
                '<td class="decision">$status</td><td>$forms</td></tr>',
                rank=row["rank"],
                contact_id=row["contact_id"],
                name=row.get("full_name") or row["contact_id"],
                email=row.get("primary_email"),
                segment=row.get("segment"),
                score=row.get("score"),
                components=_components(row),
                reason=row.get("reason"),
                skills=row.get("matched_skills") or [],
                status=status_badge(decision),
                forms=_match_forms(req["req_id"], row, message),
            )
        )
    table = (
        render(
            '<table id="matches"><thead><tr><th>#</th><th>Contact</th><th>Score</th>'
            "<th>Why</th><th>Decision</th><th>Review</th></tr></thead><tbody>$rows</tbody>"
            "</table>",
            rows=join(rows),
        )
        if rows
        else Markup("<p>No matches for this req in the read copy yet.</p>")
    )
    return render(
        '<p><a href="/">← open reqs</a></p><h1>$title</h1>'
        '<p class="muted">$req_id · $family · $seniority · required: $required · '
        "preferred: $preferred · $location</p>"
        '<p class="muted">Drafts from $export</p>$table',
        title=req.get("title") or req["req_id"],
        req_id=req["req_id"],
        family=req.get("role_family"),
        seniority=req.get("seniority"),
        required=req.get("required_skills") or [],
        preferred=req.get("preferred_skills") or [],
        location="remote" if req.get("is_remote") else req.get("location"),
        export=export_name or "(no export yet: write the message yourself)",
        table=table,
    )


# -- duplicates -------------------------------------------------------------------------------

RECORD_ROWS = tuple(name for name in PERSON_FIELDS if name != "record_key")


def pair_fingerprints(pair: DuplicatePair) -> tuple[str, str] | None:
    """The fingerprints of the two records as this page shows them (None without records)."""
    if pair.record_a is None or pair.record_b is None:
        return None
    return record_fingerprint(pair.record_a), record_fingerprint(pair.record_b)


def _pair_section(index: int, pair: DuplicatePair, decision: Mapping[str, Any] | None) -> Markup:
    p = pair.pair
    a, b = pair.record_a or {}, pair.record_b or {}
    rows = join(
        render(
            "<tr><td>$field</td><td>$a</td><td>$b</td></tr>",
            field=name.replace("_", " "),
            a=a.get(name),
            b=b.get(name),
        )
        for name in RECORD_ROWS
    )
    fingerprints = pair_fingerprints(pair)
    if fingerprints is None:
        form = Markup('<p class="muted">The read copy lacks these records: no answer possible.</p>')
    else:
        form = render(
            '<form method="post" action="/duplicates/decide" class="pair-decision">'
            '<input type="hidden" name="record_key_a" value="$key_a">'
            '<input type="hidden" name="record_key_b" value="$key_b">'
            '<input type="hidden" name="fingerprint_a" value="$fp_a">'
            '<input type="hidden" name="fingerprint_b" value="$fp_b">'
            '<button type="submit" name="decision" value="same_person">Same person</button> '
            '<button type="submit" name="decision" value="different_people">Different people'
            "</button> "
            '<button type="submit" name="decision" value="not_sure">Not sure</button></form>',
            key_a=p["record_key_a"],
            key_b=p["record_key_b"],
            fp_a=fingerprints[0],
            fp_b=fingerprints[1],
        )
    return render(
        '<section class="pair" id="pair-$index"><h2>$name_a ↔ $name_b</h2>'
        '<p><strong>Held because:</strong> <span class="held">$held</span></p>'
        '<p class="muted">rule $rule · score $score · evidence: $evidence</p>'
        '<table><thead><tr><th></th><th>$key_a<div class="muted">$contact_a</div></th>'
        '<th>$key_b<div class="muted">$contact_b</div></th></tr></thead><tbody>$rows</tbody>'
        '</table><p class="decision">$status</p>$form</section>',
        index=index,
        name_a=p.get("name_a") or p["record_key_a"],
        name_b=p.get("name_b") or p["record_key_b"],
        held=p.get("held_because"),
        rule=p.get("rule"),
        score=p.get("score"),
        evidence=p.get("evidence"),
        key_a=p["record_key_a"],
        key_b=p["record_key_b"],
        contact_a=p.get("contact_id_a"),
        contact_b=p.get("contact_id_b"),
        rows=rows,
        status=status_badge(decision),
        form=form,
    )


def duplicates_body(
    pairs: list[DuplicatePair], decisions: Mapping[tuple[str, str], Mapping[str, Any]]
) -> Markup:
    if not pairs:
        return Markup("<h1>Duplicates</h1><p>No pairs waiting for review.</p>")
    sections = join(
        _pair_section(
            i,
            pair,
            decisions.get(tuple(sorted((pair.pair["record_key_a"], pair.pair["record_key_b"])))),
        )
        for i, pair in enumerate(pairs, start=1)
    )
    return render(
        '<h1>Duplicates</h1><p class="muted">Pairs identity resolution held instead of '
        "merging: one person or two?</p>$sections",
        sections=sections,
    )
