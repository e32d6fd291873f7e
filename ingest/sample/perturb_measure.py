"""Identity quality under each perturbation, with Splink beside the engine, from the command line.

    .venv/bin/python -m ingest.sample.perturb_measure --contacts 3000 --seed 5 [--independent]

Generates the market (ours, or with `--independent` the independently written generator's),
resolves it and every perturbed copy (perturb.py) with the engine, and prints per
perturbation precision, recall over all pairs and recall on linkable pairs with the change
from the unperturbed market. Splink (splink_baseline.py) runs on the unperturbed market at
each of its reported thresholds; `--splink-all` also runs it on every perturbation. Ground
truth is read here only, never by either matcher.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.sample.identity_records import build_person_records, read_ground_truth
from ingest.sample.market import generate_market
from ingest.sample.perturb import PERTURBATIONS, perturb_market
from ingest.sample.splink_baseline import DEFAULT_THRESHOLDS, run_splink
from orchestration.identity.engine import resolve_identities
from orchestration.identity.normalise import normalise_records
from orchestration.identity.quality import QualityReport, pairwise_quality


@dataclass(slots=True)
class Measured:
    """One matcher on one market: the quality report and the seconds the matcher took."""

    label: str
    report: QualityReport
    seconds: float
    records: int

    @property
    def f1(self) -> float:
        p, r = self.report.precision, self.report.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def generate(market: Path, contacts: int, seed: int, independent: bool) -> None:
    """Write a market of `contacts` people to `market` with the chosen generator."""
    if not independent:
        generate_market(market, contacts=contacts, seed=seed)
        return
    try:
        from ingest.sample.independent_market import generate_independent_market
    except ImportError as err:  # the second generator is a separate package
        raise SystemExit(
            "--independent needs ingest.sample.independent_market (not installed here)"
        ) from err
    generate_independent_market(market, people=contacts, seed=seed)


def measure_engine(market: Path, label: str = "engine") -> Measured:
    """The engine on a market, scored with the full report (linkable recall included)."""
    records = build_person_records(market)
    started = time.perf_counter()
    result = resolve_identities(records)
    seconds = time.perf_counter() - started
    report = pairwise_quality(
        result.clusters, read_ground_truth(market), result.edges, result.people, result.identifiers
    )
    return Measured(label, report, seconds, records.height)


def measure_splink(
    market: Path, thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS, label: str = "splink"
) -> list[Measured]:
    """Splink on a market at each threshold, scored exactly as the engine is.

    The causes of errors and linkable pairs come from the same normalised records; only
    "false merges by rule" is left empty (Splink's edges carry no engine rule).
    """
    records = build_person_records(market)
    normalised = normalise_records(records)
    run = run_splink(records, thresholds, normalised=normalised)
    truth = read_ground_truth(market)
    people, identifiers = normalised
    return [
        Measured(
            f"{label}@{threshold:g}",
            pairwise_quality(clusters, truth, None, people, identifiers),
            run.seconds,
            records.height,
        )
        for threshold, clusters in run.clusters.items()
    ]


def best_f1(measured: list[Measured]) -> Measured:
    """Splink's threshold with the best pairwise F1 (chosen with ground truth: generous)."""
    return max(measured, key=lambda m: (m.f1, m.report.precision))


def _line(m: Measured, base: Measured | None = None) -> str:
    r = m.report
    text = (
        f"{m.label:<28} precision {r.precision:.4f}  recall {r.recall:.4f}  "
        f"linkable recall {r.linkable_recall:.4f}"
    )
    if base is not None:
        b = base.report
        text += (
            f"  (delta precision {r.precision - b.precision:+.4f}, recall "
            f"{r.recall - b.recall:+.4f}, linkable recall "
            f"{r.linkable_recall - b.linkable_recall:+.4f})"
        )
    return text + f"  {m.seconds:.1f} s"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=3000, help="people in the market")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--independent", action="store_true", help="use the second generator")
    parser.add_argument("--market", type=Path, help="market directory to reuse or create")
    parser.add_argument(
        "--only", nargs="*", choices=sorted(PERTURBATIONS), help="perturbations to run"
    )
    parser.add_argument("--splink-all", action="store_true", help="Splink on every perturbation")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        market = args.market or Path(tmp) / "market"
        if not (market / "ground_truth.csv").exists():
            generate(market, args.contacts, args.seed, args.independent)
        base = measure_engine(market, "engine (unperturbed)")
        print(f"{base.records:,} person records")
        print(_line(base))
        splink = measure_splink(market, label="splink (unperturbed)")
        for m in splink:
            print(_line(m))
        print(f"splink best F1: {best_f1(splink).label}")
        for name in args.only or list(PERTURBATIONS):
            perturbed = perturb_market(name, market, Path(tmp) / f"perturbed-{name}")
            m = measure_engine(perturbed.market, f"engine {name}")
            print(_line(m, base) + f"  [{perturbed.total_changed} records changed]")
            if args.splink_all:
                for s in measure_splink(perturbed.market, label=f"splink {name}"):
                    print("    " + _line(s))


if __name__ == "__main__":
    main()
