"""The review web app: Starlette routes over the published read copy, decisions to the spool.

Routes: `GET /` open reqs · `GET /req?req_id=…` a req's ranked matches with approve / skip /
not-a-fit forms · `POST /req/decide` · `GET /duplicates` the duplicate-review pairs side by
side · `POST /duplicates/decide` · `GET /healthz`. Every POST writes one decision file and
redirects back (303) with a fixed flash code, so a reload never repeats a decision.

Safety on loopback: no login (the reviewer is named at start), no CSRF token, but requests
whose Host header is not the loopback name (or the `--host` it was started with) are refused,
which stops a web page in the recruiter's browser from posting here via DNS rebinding.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from ingest import review_decisions as rd
from orchestration.matching.openings import req_partition_key
from orchestration.review import pages, queries
from orchestration.review.recording import record_match_decision, record_pair_decision

MAX_FORM_BYTES = 256 * 1024  # a 10,000-character message, URL-encoded, fits with room
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class ReviewConfig:
    read_db: Path
    spool_root: Path
    exports_root: Path
    reviewer: str
    allowed_hosts: tuple[str, ...] = field(default=LOOPBACK_HOSTS)

    @property
    def spool(self) -> rd.DecisionSpool:
        return rd.DecisionSpool(self.spool_root)


def allowed_hosts_for(bind_host: str) -> tuple[str, ...]:
    """Loopback names always; the bound host too when it is not loopback (the operator chose
    to serve on it)."""
    hosts = list(LOOPBACK_HOSTS)
    if bind_host not in hosts and bind_host not in ("0.0.0.0", "::"):
        hosts.append(bind_host)
    return tuple(hosts)


def _spool_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def merged_match_decisions(
    recorded: dict[str, dict[str, Any]], spooled: dict[tuple[str, ...], dict[str, Any]], req_id: str
) -> dict[str, dict[str, Any]]:
    """contact_id → the latest decision, from the read copy or the spool (a decision made
    since the last publish is only in the spool); `_recorded` marks what the copy holds."""
    merged = {cid: {**d, "_recorded": True} for cid, d in recorded.items()}
    recorded_ids = {d.get("decision_id") for d in recorded.values()}
    for (kind, rid, contact_id), record in spooled.items():
        if kind != rd.KIND_MATCH or rid != req_id:
            continue
        at = _spool_time(record["decided_at"])
        current = merged.get(contact_id)
        if current is None or at > current["decided_at"]:
            merged[contact_id] = {
                **record,
                "decided_at": at,
                "_recorded": record["decision_id"] in recorded_ids,
            }
    return merged


def pair_decisions(spooled: dict[tuple[str, ...], dict[str, Any]]) -> dict[tuple[str, str], dict]:
    """(record_key_a, record_key_b) → the latest answer; every answer ever given stays in the
    spool (incoming or landed), so the spool alone is complete."""
    return {
        (a, b): {**record, "decided_at": _spool_time(record["decided_at"]), "_recorded": False}
        for (kind, a, b), record in spooled.items()
        if kind == rd.KIND_PAIR
    }


class _FormTooLarge(Exception):
    pass


async def _form(request: Any) -> dict[str, str]:
    """The urlencoded form (python-multipart is not a dependency; browsers send urlencoded
    forms unless told otherwise)."""
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise _FormTooLarge
        chunks.append(chunk)
    body = b"".join(chunks).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def build_app(config: ReviewConfig) -> Any:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse
    from starlette.routing import Route

    def html_page(tab: str, title: str, body: pages.Markup, request: Any, published: Any) -> Any:
        return HTMLResponse(
            pages.page(
                title=title,
                body=body,
                tab=tab,
                reviewer=config.reviewer,
                published=published,
                flash=request.query_params.get("flash"),
                error=request.query_params.get("error"),
            ),
            headers={"Cache-Control": "no-store"},
        )

    def missing(exc: queries.ReadCopyMissing) -> Any:
        return PlainTextResponse(str(exc), status_code=503)

    def home(request: Any) -> Any:
        try:
            with queries.read_copy(config.read_db) as con:
                reqs = queries.open_reqs(con)
                published = queries.published_at(con)
        except queries.ReadCopyMissing as exc:
            return missing(exc)
        return html_page("reqs", "Open reqs", pages.reqs_body(reqs), request, published)

    def req(request: Any) -> Any:
        req_id = request.query_params.get("req_id") or ""
        try:
            with queries.read_copy(config.read_db) as con:
                profile = queries.req_profile(con, req_id)
                if profile is None:
                    return PlainTextResponse("no such req in the read copy", status_code=404)
                matches = queries.req_matches(con, req_id)
                recorded = queries.recorded_match_decisions(con, req_id)
                published = queries.published_at(con)
        except queries.ReadCopyMissing as exc:
            return missing(exc)
        drafts = queries.latest_export_drafts(config.exports_root, req_partition_key(req_id))
        decisions = merged_match_decisions(recorded, rd.latest_by_subject(config.spool), req_id)
        body = pages.req_body(profile, matches, drafts.drafts, drafts.file_name, decisions)
        return html_page("reqs", profile.get("title") or req_id, body, request, published)

    async def decide_match(request: Any) -> Any:
        try:
            form = await _form(request)
        except _FormTooLarge:
            return RedirectResponse(pages.url("/", error="too_large"), status_code=303)
        return await run_in_threadpool(decide_match_form, form)

    def decide_match_form(form: dict[str, str]) -> Any:
        req_id, contact_id = form.get("req_id", ""), form.get("contact_id", "")
        back = "/req"
        try:
            with queries.read_copy(config.read_db) as con:
                match = queries.match_row(con, req_id, contact_id)
        except queries.ReadCopyMissing as exc:
            return missing(exc)
        if match is None:
            return RedirectResponse(
                pages.url(back, req_id=req_id, error="unknown_match"), status_code=303
            )
        drafts = queries.latest_export_drafts(config.exports_root, match["partition_key"])
        try:
            record_match_decision(
                config.spool,
                req_id=req_id,
                contact_id=contact_id,
                decision=form.get("decision", ""),
                reviewer=config.reviewer,
                # What the page showed: the read copy's score, the export the draft came from.
                score=float(match["score"]),
                export=drafts.file_name,
                reason=form.get("reason"),
                message=form.get("message"),
            )
        except rd.DecisionError as exc:
            return RedirectResponse(
                pages.url(back, req_id=req_id, error=exc.field), status_code=303
            )
        except FileExistsError:
            return RedirectResponse(
                pages.url(back, req_id=req_id, error="duplicate"), status_code=303
            )
        target = pages.url(back, req_id=req_id, flash=form.get("decision"))
        return RedirectResponse(target, status_code=303)

    def duplicates(request: Any) -> Any:
        try:
            with queries.read_copy(config.read_db) as con:
                pairs = queries.duplicate_pairs(con)
                published = queries.published_at(con)
        except queries.ReadCopyMissing as exc:
            return missing(exc)
        decisions = pair_decisions(rd.latest_by_subject(config.spool))
        body = pages.duplicates_body(pairs, decisions)
        return html_page("duplicates", "Duplicates", body, request, published)

    async def decide_pair(request: Any) -> Any:
        try:
            form = await _form(request)
        except _FormTooLarge:
            return RedirectResponse(pages.url("/duplicates", error="too_large"), status_code=303)
        return await run_in_threadpool(decide_pair_form, form)

    def decide_pair_form(form: dict[str, str]) -> Any:
        key_a, key_b = form.get("record_key_a", ""), form.get("record_key_b", "")
        try:
            with queries.read_copy(config.read_db) as con:
                pair = queries.duplicate_pair(con, key_a, key_b)
        except queries.ReadCopyMissing as exc:
            return missing(exc)
        if pair is None:
            return RedirectResponse(pages.url("/duplicates", error="unknown_pair"), status_code=303)
        if pages.pair_fingerprints(pair) is None:
            return RedirectResponse(pages.url("/duplicates", error="no_records"), status_code=303)
        try:
            # The fingerprints come from the form: they describe the records as the reviewer
            # saw them, even when a newer copy was published since the page was rendered.
            record_pair_decision(
                config.spool,
                record_key_a=key_a,
                record_key_b=key_b,
                decision=form.get("decision", ""),
                reviewer=config.reviewer,
                fingerprint_a=form.get("fingerprint_a", ""),
                fingerprint_b=form.get("fingerprint_b", ""),
            )
        except rd.DecisionError as exc:
            return RedirectResponse(pages.url("/duplicates", error=exc.field), status_code=303)
        except FileExistsError:
            return RedirectResponse(pages.url("/duplicates", error="duplicate"), status_code=303)
        return RedirectResponse(
            pages.url("/duplicates", flash=form.get("decision")), status_code=303
        )

    def healthz(request: Any) -> Any:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/", home),
            Route("/req", req),
            Route("/req/decide", decide_match, methods=["POST"]),
            Route("/duplicates", duplicates),
            Route("/duplicates/decide", decide_pair, methods=["POST"]),
            Route("/healthz", healthz),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))],
    )


class ReviewServer:
    """uvicorn around the app on an already bound socket (port 0 = any free port):
    `serve_forever()` blocks; `shutdown()` from another thread stops it."""

    def __init__(self, address: tuple[str, int], config: ReviewConfig) -> None:
        import uvicorn

        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(address)
        self.socket.listen(128)
        self.server_address = self.socket.getsockname()
        self._uvicorn = uvicorn.Server(
            uvicorn.Config(
                build_app(config),
                lifespan="off",
                # URLs carry req ids and codes only, but a log of who looked at which req is
                # not needed here.
                access_log=False,
                log_level="warning",
            )
        )
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        try:
            asyncio.run(self._uvicorn.serve(sockets=[self.socket]))
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        self._uvicorn.should_exit = True
        self._stopped.wait(30)

    def server_close(self) -> None:
        self.socket.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
