"""Identity quality beside a well-known matcher (Splink) and under perturbed markets.

Our generator and our engine were written together, so passing on the generator proves
little alone. Two checks against that: Splink, set up as its docs advise and trained without
labels on the same person records, must not match the engine's recall at the engine's
precision; and the engine's recall on linkable pairs must hold within 0.02 when the market
is perturbed in one way real feeds vary (perturb.py), with every perturbation checked to
change only what it says it changes.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from ingest.sample.identity_records import build_person_records
from ingest.sample.market import generate_market
from ingest.sample.perturb import (
    ASHBY,
    GREENHOUSE,
    LEVER,
    PERTURBATIONS,
    csv_drops,
    person_of,
    perturb_market,
    read_jsonl,
)
from ingest.sample.perturb_measure import Measured, best_f1, measure_engine, measure_splink
from ingest.sample.splink_baseline import run_splink, splink_input
from orchestration.identity.schema import PERSON_RECORD_SCHEMA

LINKABLE_RECALL_TOLERANCE = 0.02
HAS_INDEPENDENT_MARKET = importlib.util.find_spec("ingest.sample.independent_market") is not None


def _our_market(out: Path) -> None:
    generate_market(out, contacts=600, seed=5)


def _independent_market(out: Path) -> None:
    from ingest.sample.independent_market import generate_independent_market

    generate_independent_market(out, people=600, seed=5)


MARKETS = [
    pytest.param(_our_market, id="generate_market"),
    # The second, independently written generator joins as soon as its package is present.
    pytest.param(
        _independent_market,
        id="independent_market",
        marks=pytest.mark.skipif(
            not HAS_INDEPENDENT_MARKET, reason="ingest.sample.independent_market not present"
        ),
    ),
]


def _table(engine: Measured, splink: list[Measured]) -> str:
    rows = [engine, *splink]
    lines = [f"{'matcher':<16} precision  recall  linkable recall  F1      seconds"]
    for m in rows:
        r = m.report
        lines.append(
            f"{m.label:<16} {r.precision:.4f}     {r.recall:.4f}  {r.linkable_recall:.4f}"
            f"           {m.f1:.4f}  {m.seconds:.1f}"
        )
    lines.append(f"Splink's best F1 at {best_f1(splink).label}")
    return "\n".join(lines)


@pytest.mark.parametrize("make_market", MARKETS)
def test_engine_beats_splink_on_recall_at_equal_or_better_precision(
    make_market, tmp_path: Path
) -> None:
    market = tmp_path / "market"
    make_market(market)
    engine = measure_engine(market)
    splink = measure_splink(market)
    print("\n" + _table(engine, splink))
    e = engine.report
    as_precise = [s for s in splink if s.report.precision >= e.precision]
    if as_precise:
        # Every Splink threshold at least as precise as the engine finds fewer pairs.
        for s in as_precise:
            assert s.report.recall < e.recall, (s.label, s.report.recall, e.recall)
    else:
        # Splink never reaches the engine's precision: its most precise threshold must not
        # buy that shortfall back with more recall.
        top = max(splink, key=lambda s: s.report.precision)
        assert top.report.recall <= e.recall, (top.label, top.report.recall, e.recall)
    # Whatever the threshold, Splink does not dominate the engine on both counts.
    for s in splink:
        assert not (s.report.precision >= e.precision and s.report.recall >= e.recall), s.label


def test_splink_baseline_is_deterministic(tmp_path: Path) -> None:
    market = tmp_path / "market"
    generate_market(market, contacts=300, seed=11)
    records = build_person_records(market)
    first = run_splink(records, (0.3, 0.9))
    second = run_splink(records.sample(fraction=1.0, shuffle=True, seed=3), (0.3, 0.9))
    for threshold in (0.3, 0.9):
        a = first.clusters[threshold].sort("record_key")
        b = second.clusters[threshold].sort("record_key")
        assert a.equals(b), threshold
        # Not trivially equal: Splink merged something at this threshold.
        assert a["cluster_key"].n_unique() < a.height


def _record(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {k: None for k in PERSON_RECORD_SCHEMA}
    base.update(emails=[], phones=[], profile_urls=[], is_buyer_profile_copy=False)
    base.update(kw)
    return base


def test_splink_input_is_the_engines_cleaned_records() -> None:
    records = pl.DataFrame(
        [
            _record(
                record_key="greenhouse:candidates:1",
                source="greenhouse",
                first_name="José",
                last_name="Müller",
                company="Berliner Bytes GmbH",
                location="Berlin, Germany",
                emails=["Jose.Muller+jobs@Gmail.com", "recruiting@acme.example"],
                phones=["030 1234567"],
                profile_urls=["https://www.linkedin.com/in/jose-muller/"],
                source_person_key="1",
                country_hint="DE",
            ),
            _record(
                record_key="eventbrite:attendees:2",
                source="eventbrite",
                first_name="Ana",
                last_name="Buyer",
                emails=["ana.buyer@example.org"],
                is_buyer_profile_copy=True,
            ),
        ],
        schema=PERSON_RECORD_SCHEMA,
    )
    frame = splink_input(records).sort("unique_id").to_dicts()
    buyer, person = frame
    assert person["first_name"] == "jose" and person["surname"] == "muller"
    assert person["full_name"] == "jose muller"
    assert person["company"] == "berliner bytes" and person["city"] == "berlin"
    # gmail dots and +tag folded; the role mailbox is not a person's identifier.
    assert person["emails"] == ["josemuller@gmail.com"]
    assert person["email"] == "josemuller@gmail.com"
    assert person["phones"] == ["+49301234567"]
    assert person["profiles"] == ["linkedin:jose-muller"]
    assert person["source_key"] == "greenhouse:1"
    # A buyer-profile copy describes the buyer: no name, no identifier (NULL, not []).
    assert buyer["first_name"] is None and buyer["surname"] is None
    assert buyer["emails"] is None and buyer["phones"] is None and buyer["email"] is None


# ---------------------------------------------------------------- perturbations
@pytest.fixture(scope="module")
def base_market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Measured]:
    market = tmp_path_factory.mktemp("perturb") / "base"
    generate_market(market, contacts=1000, seed=5)
    return market, measure_engine(market)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{prefix}{k}."))
        return out or {prefix.rstrip("."): {}}
    return {prefix.rstrip("."): value}


def _rows(market: Path, rel: str) -> list[dict[str, Any]]:
    if rel.endswith(".jsonl"):
        return list(read_jsonl(market / rel))
    drop = next(d for d in csv_drops(market) if d.path == market / rel)
    text = drop.path.read_bytes().decode(drop.encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=drop.delimiter))


def _id(rel: str, row: dict[str, Any]) -> Any:
    if rel == "pdl/enrichment.jsonl":
        return ((row.get("response") or {}).get("data") or {}).get("id")
    return row.get("id", row.get("message_id", row.get("Employee ID")))


def _changed_paths(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    a, b = _leaves(before), _leaves(after)
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def _allowed(path: str, fields: frozenset[str]) -> bool:
    # A list field (email_addresses) is one field: its items may change with it.
    return any(path == f or path.startswith(f + ".") for f in fields)


def _check_semantics(name: str, base: Path, out: Path) -> None:
    """What each perturbation says it does, checked on the files it wrote."""
    if name == "drop_greenhouse_company":
        assert all(r.get("company") is None for r in read_jsonl(out / GREENHOUSE))
    elif name == "drop_lever_location":
        assert all(r.get("location") is None for r in read_jsonl(out / LEVER))
    elif name == "drop_ashby_phones":
        assert all(
            r["phoneNumbers"] == [] and r["primaryPhoneNumber"] is None
            for r in read_jsonl(out / ASHBY)
        )
    elif name == "upper_case_names":
        for r in read_jsonl(out / GREENHOUSE):
            assert r["first_name"] == r["first_name"].upper()
        for r in read_jsonl(out / LEVER):
            assert r["name"] == r["name"].upper()
    elif name == "strip_accents":
        for r in read_jsonl(out / GREENHOUSE):
            for v in (r.get("first_name"), r.get("last_name"), r.get("company")):
                if v:
                    assert not any(
                        unicodedata.combining(c) for c in unicodedata.normalize("NFKD", v)
                    )
    elif name == "swap_title_headline":
        titles = {r.get("title") for r in read_jsonl(base / GREENHOUSE)}
        titles |= {r.get("position") for r in read_jsonl(base / ASHBY)}
        titles |= {
            (r.get("profile") or {}).get("job_title")
            for r in read_jsonl(base / "eventbrite/attendees.jsonl")
        }
        headlines = [r["headline"] for r in read_jsonl(out / LEVER) if r["headline"]]
        assert headlines
        known = {t.strip() for t in titles if t} | {
            ((line.get("response") or {}).get("data") or {}).get("job_title")
            for line in read_jsonl(base / "pdl/enrichment.jsonl")
        }
        assert all(h in known for h in headlines)
        assert any(" / " in (r.get("title") or "") for r in read_jsonl(out / GREENHOUSE))
    elif name == "change_jobs":
        before = {r["id"]: r for r in read_jsonl(base / GREENHOUSE)}
        moved = [r for r in read_jsonl(out / GREENHOUSE) if r != before[r["id"]]]
        assert moved
        for r in moved:
            old = before[r["id"]]
            assert r["company"] != old["company"]
            new = [e for e in r["email_addresses"] if e not in old["email_addresses"]]
            assert [e["type"] for e in new] in ([], ["work"])
    elif name == "move_mailbox":
        who = person_of(base)
        before = {r["id"]: r for r in read_jsonl(base / GREENHOUSE)}
        lever = {}
        for r in read_jsonl(out / LEVER):
            lever.setdefault(who[("lever", "opportunities", r["id"])], set()).update(r["emails"])
        moved = 0
        for r in read_jsonl(out / GREENHOUSE):
            gone = {e["value"] for e in before[r["id"]]["email_addresses"]} - {
                e["value"] for e in r["email_addresses"]
            }
            for address in gone:
                moved += 1
                assert address in lever[who[("greenhouse", "candidates", str(r["id"]))]]
        assert moved


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_perturbation_changes_only_what_it_says(name: str, base_market, tmp_path: Path) -> None:
    base, _ = base_market
    perturbed = perturb_market(name, base, tmp_path / name)
    before, after = _files(base), _files(perturbed.market)
    assert before.keys() == after.keys()
    assert after["ground_truth.csv"] == before["ground_truth.csv"]
    assert perturbed.total_changed > 0
    differing = {rel for rel in before if before[rel] != after[rel]}
    assert differing == set(perturbed.changed_records)
    for rel in differing:
        old, new = _rows(base, rel), _rows(perturbed.market, rel)
        assert [_id(rel, r) for r in old] == [_id(rel, r) for r in new]
        changed = 0
        for a, b in zip(old, new, strict=True):
            paths = _changed_paths(a, b)
            assert all(_allowed(p, perturbed.fields[rel]) for p in paths), (rel, paths)
            changed += bool(paths)
        assert changed == perturbed.changed_records[rel], rel
    _check_semantics(name, base, perturbed.market)
    # The engine still reads every record of the perturbed market, under the same keys.
    keys = build_person_records(perturbed.market)["record_key"].sort()
    assert keys.equals(build_person_records(base)["record_key"].sort())


# Perturbations under which the engine's linkable recall falls by more than the tolerance
# (measured on the 1,000-person market below); strict, so a fix shows up as XPASS.
KNOWN_DROPS: dict[str, str] = {
    # None left. "swap_title_headline" fell by 0.0208 while a title listing employers
    # ("Acme / Globex") was read as a role; normalise.role_without_employers fixed it.
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DROPS[n]))
        if n in KNOWN_DROPS
        else n
        for n in sorted(PERTURBATIONS)
    ],
)
def test_engine_linkable_recall_holds_under_perturbation(
    name: str, base_market, tmp_path: Path
) -> None:
    base, unperturbed = base_market
    perturbed = perturb_market(name, base, tmp_path / name)
    m = measure_engine(perturbed.market, f"engine {name}")
    b, r = unperturbed.report, m.report
    print(
        f"\n{name}: linkable recall {b.linkable_recall:.4f} -> {r.linkable_recall:.4f} "
        f"(precision {b.precision:.4f} -> {r.precision:.4f}, recall {b.recall:.4f} -> "
        f"{r.recall:.4f}; {perturbed.total_changed} records changed)"
    )
    assert r.linkable_recall >= b.linkable_recall - LINKABLE_RECALL_TOLERANCE


def test_perturbed_market_keeps_json_and_csv_shapes(base_market, tmp_path: Path) -> None:
    """Rewritten files stay in the layout's formats: compact JSONL, the manifest's CSV
    encodings and delimiters (a cp1252 file stays cp1252)."""
    base, _ = base_market
    perturbed = perturb_market("strip_accents", base, tmp_path / "accents")
    for rel in perturbed.changed_records:
        path = perturbed.market / rel
        if rel.endswith(".jsonl"):
            for line in path.read_bytes().splitlines():
                assert json.loads(line) is not None
        else:
            drop = next(d for d in csv_drops(perturbed.market) if d.path == path)
            header = path.read_bytes().decode(drop.encoding).splitlines()[0]
            assert drop.delimiter in header
