"""Results as data: each run's figures are written as JSON beside the Markdown report, and one
such file, measured before the work on issue 12, is "today": the ×3 and ×4 targets divide the
service's figures by its.

The default baseline is DEFAULT_BASELINE (committed; its Markdown twin says where and how it was
measured); `--baseline FILE` takes another, `--baseline none` reports without one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.common import BENCH_DIR, BenchError
from harness.load import Run, Scenario

DEFAULT_BASELINE = BENCH_DIR / "results-baseline-2026-12-03.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Figures:
    rps: float
    cpu_us: float | None
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True, slots=True)
class Baseline:
    source: str  # the file's name
    note: str  # where and when it was measured
    figures: Mapping[str, Figures]


def dumps(note: str, plan: Sequence[Scenario], runs: Mapping[str, Run]) -> str:
    """The figures of a run as JSON, which `load` reads back as a baseline."""
    cases = {
        scenario.key: {
            "label": scenario.label,
            "server": scenario.server,
            "rps": round(runs[scenario.key].rps, 1),
            "cpu_us": None
            if runs[scenario.key].cpu_us is None
            else round(runs[scenario.key].cpu_us or 0.0, 1),
            "p50_ms": runs[scenario.key].p50_ms,
            "p99_ms": runs[scenario.key].p99_ms,
            "requests": runs[scenario.key].requests,
            "errors": runs[scenario.key].errors,
            "statuses": {str(code): n for code, n in runs[scenario.key].statuses.items()},
        }
        for scenario in plan
        if scenario.key in runs
    }
    return json.dumps({"format": FORMAT, "note": note, "runs": cases}, indent=1) + "\n"


def load(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text())
        figures = {
            key: Figures(
                rps=float(case["rps"]),
                cpu_us=None if case["cpu_us"] is None else float(case["cpu_us"]),
                p50_ms=float(case["p50_ms"]),
                p99_ms=float(case["p99_ms"]),
            )
            for key, case in data["runs"].items()
        }
        return Baseline(path.name, str(data["note"]), figures)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BenchError(f"cannot read the baseline {path}: {error}") from error
