"""The report's part for issue 12: the references' own runs (the floor, the sync Flask peer),
the reads that need only a token, and each target as a ratio, met or missed.

The targets, each a ratio of req/s measured in one run: "today" is today's code served beside
the service (today.py), each of its cases right after the service's; or, with `--today none`,
the figures of a baseline file (baseline.py). The CPU time a request is compared beside it, and
judged by the same bound (the other's CPU/req over the service's), since a busy machine
disturbs it far less:

- uncached single song, album, artist: at least 30% of the floor's; the song at least 4× the
  sync Flask peer's;
- the playlist page of 100: at least 50% of the floor's;
- the uncached first page of 20: at least 4× today's;
- the token-only reads (`GET /me`, `GET /playlists/{id}`): at least 30% of the bare endpoint's;
- add-song / remove-song / reorder: at least 3× today's, and 16 writers on one playlist with
  no 503.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.baseline import Baseline, Figures
from harness.formatting import cpu, ms, times, verdict
from harness.load import Run, Scenario
from harness.today import SUFFIX

__all__ = ["Baseline", "references", "targets"]

FLOOR_SHARE = 0.30  # single uncached reads against the floor
PEER_TIMES = 4.0  # the uncached song against the sync peer
PAGE_FLOOR_SHARE = 0.50  # the playlist page of 100 against the floor
LIST_TIMES = 4.0  # the uncached first page against today
TOKEN_SHARE = 0.30  # token-only reads against the bare endpoint
CHANGE_TIMES = 3.0  # playlist changes against today
REFERENCE_SERVERS = ("floor", "flask")
TOKEN_ORDER = ("t1", "t2", "t3")


@dataclass(frozen=True, slots=True)
class Target:
    what: str
    key: str  # the service's case
    against: str  # the reference case, or the baseline's case of the same key
    bound: float | None  # the least ratio of req/s that meets it; None: shown for interest
    today: bool = False  # against today's code: its twin in this run (key + "T"), or a baseline


TARGETS = (
    Target(f"uncached song ≥ {FLOOR_SHARE:.0%} of the floor", "c", "cF", FLOOR_SHARE),
    Target(f"uncached album ≥ {FLOOR_SHARE:.0%} of the floor", "j1", "j1F", FLOOR_SHARE),
    Target(f"uncached artist ≥ {FLOOR_SHARE:.0%} of the floor", "j2", "j2F", FLOOR_SHARE),
    Target(f"uncached song ≥ {PEER_TIMES:g}× the sync Flask peer", "c", "cP", PEER_TIMES),
    Target(
        f"playlist page of 100 ≥ {PAGE_FLOOR_SHARE:.0%} of the floor", "i1", "i1F", PAGE_FLOOR_SHARE
    ),
    Target(f"uncached first page of 20 ≥ {LIST_TIMES:g}× today", "d1", "d1", LIST_TIMES, True),
    Target("uncached song against today (no target)", "c", "c", None, True),
    Target(f"`GET /me` ≥ {TOKEN_SHARE:.0%} of the bare endpoint", "t1", "f1", TOKEN_SHARE),
    *(
        Target(
            f"`GET /playlists/{{id}}` ({key}) ≥ {TOKEN_SHARE:.0%} of the bare endpoint",
            key,
            "f1",
            TOKEN_SHARE,
        )
        for key in ("t2", "t3")
    ),
    *(
        Target(f"change ({key}) ≥ {CHANGE_TIMES:g}× today", key, key, CHANGE_TIMES, True)
        for key in ("g1", "g2", "h1", "h2", "r1", "r2", "w")
    ),
)


def _row(scenario: Scenario, run: Run, connections: int) -> str:
    errors = f"{run.errors:,}" + (f" ({run.failed_statuses})" if run.failed_statuses else "")
    return (
        f"| {scenario.key} | {scenario.label} | {run.rps:,.0f} | {ms(run.p50_ms)} "
        f"| {ms(run.p99_ms)} | {cpu(run)} | {scenario.connections or connections} | {errors} |"
    )


def _today_table(plan: Sequence[Scenario], runs: Mapping[str, Run], today: str | None) -> list[str]:
    """Today's runs, each beside the service's run it mirrors."""
    shown = [s for s in plan if s.server == "today" and s.key in runs and s.twin in runs]
    if not shown:
        return []
    lines = [
        f"#### Today's code beside the service: {today}",
        "",
        "| | Request | req/s | p50 | p99 | CPU/req | Errors | the service's req/s | its "
        "CPU/req | req/s ratio | CPU/req ratio |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for scenario in shown:
        run, service = runs[scenario.key], runs[scenario.twin or ""]
        errors = f"{run.errors:,}" + (f" ({run.failed_statuses})" if run.failed_statuses else "")
        lines.append(
            f"| {scenario.key} | {scenario.label} | {run.rps:,.0f} | {ms(run.p50_ms)} "
            f"| {ms(run.p99_ms)} | {cpu(run)} | {errors} | {service.rps:,.0f} | {cpu(service)} "
            f"| {times(service.rps / run.rps)} | {_cpu_ratio(service, run)} |"
        )
    lines += [
        "",
        "Today's code: `spotify-api serve` of that commit, checked out as a worktree and run "
        "from the same virtualenv on the same database, Redis and key, each case right after "
        "the service's (its bodies and changes compared with the service's before the runs). "
        "*Ratios*: the service's over today's (for CPU/req less is better).",
        "",
    ]
    return lines


def references(
    connections: int, plan: Sequence[Scenario], runs: Mapping[str, Run], today: str | None = None
) -> list[str]:
    """Today's runs, the floor's and the peer's, and the token-only reads, as tables."""
    header = [
        "| | Request | req/s | p50 | p99 | CPU/req | Connections | Errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    lines: list[str] = _today_table(plan, runs, today)
    shown = [s for s in plan if s.server in REFERENCE_SERVERS and s.key in runs]
    if shown:
        lines += [
            "#### References: the floor and the sync Flask peer",
            "",
            *header,
            *(_row(scenario, runs[scenario.key], connections) for scenario in shown),
            "",
            "The floor (`bench/floor/`): a bare ASGI app on asyncpg and orjson, one "
            "prepared query a read, a lock and one statement a change, no authentication; the "
            "Flask peer (`bench/flask_peer.py`): Flask-SQLAlchemy with lazy relationships under "
            "one sync gunicorn worker. Both serve the service's bodies from the same rows "
            "(compared, parsed, before the runs). (i1G): the floor's page with its items' JSON "
            "built by PostgreSQL.",
            "",
        ]
    token = [key for key in TOKEN_ORDER if key in runs]
    if token:
        by_key = {scenario.key: scenario for scenario in plan}
        lines += ["#### Reads that need only a token", "", *header]
        lines += [_row(by_key[key], runs[key], connections) for key in token]
        lines.append("")
    return lines


def _cpu_ratio(run: Run, other: Run | Figures) -> str:
    return times(run.cpu_us / other.cpu_us) if run.cpu_us and other.cpu_us else "?"


def _figures(cpu_us: float | None) -> str:
    return f"{cpu_us:,.0f} µs" if cpu_us is not None else "?"


def _judged(met: bool | None) -> str:
    return "–" if met is None else verdict(met).strip(" —")


def _against(
    target: Target, runs: Mapping[str, Run], baseline: Baseline | None
) -> tuple[Run | Figures | None, str]:
    """What a target's case is compared with, and how the table names it."""
    if not target.today:
        return runs.get(target.against), f"({target.against})"
    beside = runs.get(target.against + SUFFIX)
    if beside is not None:
        return beside, f"today ({target.against}{SUFFIX})"
    found = baseline.figures.get(target.against) if baseline else None
    return found, f"today's ({target.against}) of the baseline"


def targets(
    plan: Sequence[Scenario],
    runs: Mapping[str, Run],
    baseline: Baseline | None,
    today: str | None = None,
) -> list[str]:
    """Each target whose cases ran: the two figures, their ratios, met or missed by req/s and
    by CPU/req."""
    if today is not None:
        source = f"today's code, {today}, served beside the service in this run"
    elif baseline is not None:
        source = f"`{baseline.source}` ({baseline.note})"
    else:
        source = "not measured (`--today none` and no `--baseline`)"
    lines = [
        "#### Issue 12 targets",
        "",
        f"*Today* is {source}.",
        "",
        "| Target | Case | req/s | CPU/req | Against | its req/s | its CPU/req | Ratio "
        "| CPU/req ratio | by req/s | by CPU/req |",
        "|---|---|--:|--:|---|--:|--:|--:|--:|---|---|",
    ]
    shown = 0
    for target in TARGETS:
        run = runs.get(target.key)
        if run is None:
            continue
        other, against = _against(target, runs, baseline)
        head = f"| {target.what} | ({target.key}) | {run.rps:,.0f} | {cpu(run)} | {against}"
        shown += 1
        if other is None:
            lines.append(f"{head} | – | – | – | – | not measured | |")
            continue
        ratio = run.rps / other.rps
        by_cpu = other.cpu_us / run.cpu_us if run.cpu_us and other.cpu_us else None
        bound = target.bound
        shown_ratio = f"{ratio:.0%}" if bound is not None and bound < 1 else times(ratio)
        met = None if bound is None else ratio >= bound
        met_cpu = None if bound is None or by_cpu is None else by_cpu >= bound
        lines.append(
            f"{head} | {other.rps:,.0f} | {_figures(other.cpu_us)} | {shown_ratio} "
            f"| {_cpu_ratio(run, other)} | {_judged(met)} | {_judged(met_cpu)} |"
        )
    writers = runs.get("w")
    if writers is not None:
        refused = writers.statuses.get(503, 0)
        answers = sum(writers.statuses.values())
        lines += [
            "",
            f"- 16 writers on one playlist (w): {answers:,} answers, "
            + (f"{writers.failed_statuses}" if writers.failed_statuses else "all 2xx")
            + f", 503 ×{refused:,}"
            + verdict(refused == 0),
        ]
        floor = runs.get("wF")
        if floor is not None:
            lines[-1] += f" (the floor: {floor.failed_statuses or 'all 2xx'})"
    lines += [
        "",
        "*Ratio* is the service's req/s over the other's: a share for the targets below 1, a "
        "multiple for the others; *CPU/req ratio* is the service's CPU time a request over "
        "the other's (less is better), which a busy machine disturbs less than req/s. *by "
        "CPU/req* judges the same bound by the CPU time: the other's CPU/req over the "
        "service's (×3 today: a third of today's CPU time a request).",
        "",
    ]
    return lines if shown or writers is not None else []
