"""The report: Markdown tables of the runs, their ratios to the bare endpoint, deep pages
against the first, long playlists against short ones, the targets, and where and on what the
runs were made."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harness import library, workers
from harness.catalog_reads import DEEP_PAGES, PAGE_LIMIT, SEARCH, UNCACHED_IDS
from harness.common import ROOT
from harness.formatting import cpu, ms, ratios, times, verdict
from harness.load import Run, Scenario, cache_text
from harness.playlists import ITEMS_LIMIT, SIZES, WRITE_CONNECTIONS
from harness.search import Searches, section
from harness.targets import Baseline, references, targets

REPORT_ORDER = ("a", "b", "c", "j1", "j2", "d1", "d2", "d3", "d4", "d5", "d6", "e", "f1", "f2")
PLAYLIST_ORDER = ("g1", "g2", "h1", "h2", "r1", "r2", "w", "i1", "i2")
CHANGE_KINDS = {"g": "near the end", "h": "at the start", "r": "reorder"}
DEEP_LIMIT = 1.5  # the target: a deep page's p50 at most this many times the first page's
CACHED_SHARE = 0.70  # the target: cached reads at least this share of the bare req/s
# The target: a change on the long playlist at most this many times its cost (p50) on the
# short one, "about what it costs"; the same bound as the deep page's.
LONG_LIMIT = 1.5


@dataclass(frozen=True, slots=True)
class Context:
    songs: int
    seed_seconds: float | None
    search_total: int
    workers: int
    connections: int
    threads: int
    duration: int
    warmup: int
    versions: str
    commit: str
    machine: str
    very_deep: int  # items before the very deep page (d5, d6)
    # The 1-minute load average when the benchmark started (before seeding and exploring),
    # before the runs and after them.
    load: tuple[float, float, float]
    today: str | None = None  # today's code served beside the service (`--today`), if it was


def report(
    context: Context,
    plan: Sequence[Scenario],
    runs: Mapping[str, Run],
    baseline: Baseline | None = None,
    searches: Searches | None = None,
) -> str:
    """The whole report; the parts of a partial run (--only) that were not measured are left
    out."""
    by_key = {scenario.key: scenario for scenario in plan}
    seeding = (
        f"seeding took {context.seed_seconds:.0f} s (`seed-demo`)"
        if context.seed_seconds is not None
        else "database reused"
    )
    lines = [
        f"### Catalog reads and playlists at {context.songs:,} songs ({date.today().isoformat()})",
        "",
        f"{context.machine}; {context.versions}; commit {context.commit}. "
        f"Each server runs uvicorn with {context.workers} worker(s), access log off, log level "
        f"WARNING; wrk ({context.threads} thread(s), {context.connections} connections, "
        f"{context.duration} s per run after {context.warmup} s of warm-up) over loopback; "
        f"PostgreSQL and Redis on the same machine. {seeding}. 1-minute load average "
        f"{context.load[0]:.2f} at the start, {context.load[1]:.2f} before the runs (after "
        f"seeding and finding the pages), {context.load[2]:.2f} after.",
        "",
    ]
    if any(key in runs for key in REPORT_ORDER if key not in ("f1", "f2")):
        lines += _catalog(context, by_key, runs)
    if any(key in runs for key in PLAYLIST_ORDER):
        lines += _playlists(context, by_key, runs)
    lines += section(by_key, runs, searches)
    lines += library.section(by_key, runs)
    lines += workers.section(by_key, runs)
    lines += references(context.connections, plan, runs, context.today)
    lines += targets(plan, runs, baseline, context.today)
    return "\n".join(lines) + "\n"


def _catalog(
    context: Context, by_key: Mapping[str, Scenario], runs: Mapping[str, Run]
) -> list[str]:
    lines = [
        "| | Request | Body | req/s | p50 | p99 | CPU/req | req/s vs bare | p50 vs bare "
        "| p99 vs bare | CPU/req vs bare | Cache | Errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for key in (key for key in REPORT_ORDER if key in runs):
        scenario, run = by_key[key], runs[key]
        versus = ["", "", "", ""]
        if scenario.baseline is not None and scenario.baseline in runs:
            bare = runs[scenario.baseline]
            versus = [
                f"{run.rps / bare.rps:.0%}",
                times(run.p50_ms / bare.p50_ms),
                times(run.p99_ms / bare.p99_ms),
                times(run.cpu_us / bare.cpu_us) if run.cpu_us and bare.cpu_us else "?",
            ]
        lines.append(
            f"| {key} | {scenario.label} | {scenario.body_bytes:,} B | {run.rps:,.0f} "
            f"| {ms(run.p50_ms)} | {ms(run.p99_ms)} | {cpu(run)} | {' | '.join(versus)} "
            f"| {cache_text(run.cache)} | {run.errors:,} |"
        )
    cached = {
        key: runs[key].rps / runs[baseline].rps
        for key in ("a", "b")
        if key in runs and (baseline := by_key[key].baseline or key) in runs
    }
    deep = {
        pair: (
            runs[pair[1]].p50_ms / runs[pair[0]].p50_ms,
            runs[pair[1]].p99_ms / runs[pair[0]].p99_ms,
        )
        for pair in (("d1", "d2"), ("d3", "d4"), ("d1", "d5"), ("d3", "d6"))
        if pair[0] in runs and pair[1] in runs
    }
    target_pairs = [pair for pair in (("d1", "d2"), ("d3", "d4")) if pair in deep]
    very_deep = [pair for pair in (("d1", "d5"), ("d3", "d6")) if pair in deep]
    lines += ["", "Deep page vs first page: "]
    lines[-1] += (
        "; ".join(
            f"{deep_key}/{first_key} p50 {times(p50)}, p99 {times(p99)}"
            for (first_key, deep_key), (p50, p99) in deep.items()
        )
        + f". The `q={SEARCH}` list has {context.search_total:,} songs."
    )
    lines += ["", "Targets:", ""]
    if cached:
        lines.append(
            f"- Cached reads ≥ {CACHED_SHARE:.0%} of the bare endpoint's req/s: "
            + "; ".join(f"({key}) {share:.0%}" for key, share in cached.items())
            + verdict(min(cached.values()) >= CACHED_SHARE)
        )
    if target_pairs:
        lines += [
            f"- A page {PAGE_LIMIT * DEEP_PAGES:,} items deep no slower than {DEEP_LIMIT}× the "
            "first page (p50, loaded and on 1 connection): "
            + "; ".join(f"{pair[1]}/{pair[0]} {times(deep[pair][0])}" for pair in target_pairs)
            + verdict(max(deep[pair][0] for pair in target_pairs) <= DEEP_LIMIT),
            f"  (and {context.very_deep:,} items deep: "
            + "; ".join(f"{b}/{a} {times(deep[(a, b)][0])}" for a, b in very_deep)
            + ")",
        ]
    lines += [
        "",
        "Uncached runs: the catalog version is bumped before each (as a write would), (c) asks "
        f"for a different song each time, {UNCACHED_IDS:,} ids in turn, and (d1–d6), (e) add "
        "`&_bench=<n>`, a parameter the route does not read: the app answers as without it, "
        "renders it every time and never stores it (*Cache*: uncacheable). A list's `total` "
        "is kept per catalog version by path and filters, so in (d1–d6), (e) only the first "
        "request of a run counts its list in SQL; "
        "the others pay for their page alone. *CPU/req* is the server's CPU time (user and "
        "system, all its processes; PostgreSQL's and Redis's not included) divided by the "
        "requests answered: other work on the machine disturbs it much less than req/s and "
        "latencies. *Cache* is "
        "the service's own count of catalog cache lookups during the run "
        "(`catalog_cache_total`); *Errors* counts non-2xx answers, socket errors and "
        "time-outs. (j1, j2) ask for every album and artist in turn; an id asked for again in "
        "one run carries `?_bench=<round>`, so that it is rendered again.",
        "",
    ]
    return lines


def _playlists(
    context: Context, by_key: Mapping[str, Scenario], runs: Mapping[str, Run]
) -> list[str]:
    short, long = SIZES
    lines = [
        f"#### Playlists of {short:,} and {long:,} items",
        "",
        "| | Request | Body | req/s | p50 | p99 | CPU/req | Connections | Errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for key in (key for key in PLAYLIST_ORDER if key in runs):
        scenario, run = by_key[key], runs[key]
        body = f"{scenario.body_bytes:,} B" if scenario.body_bytes else "–"
        connections = scenario.connections or context.connections
        errors = f"{run.errors:,}" + (f" ({run.failed_statuses})" if run.failed_statuses else "")
        lines.append(
            f"| {key} | {scenario.label} | {body} | {run.rps:,.0f} | {ms(run.p50_ms)} "
            f"| {ms(run.p99_ms)} | {cpu(run)} | {connections} | {errors} |"
        )
    changes = {
        key: runs[f"{key}2"].p50_ms / runs[f"{key}1"].p50_ms
        for key in CHANGE_KINDS
        if f"{key}1" in runs and f"{key}2" in runs
    }
    versus = [f"({key}2/{key}1) {ratios(runs[f'{key}2'], runs[f'{key}1'])}" for key in changes]
    if "i1" in runs and "i2" in runs:
        versus.append(
            f"offset {long - ITEMS_LIMIT:,} vs offset 0: (i2/i1) {ratios(runs['i2'], runs['i1'])}"
        )
    lines += ["", f"{long:,} items vs {short:,}: " + "; ".join(versus) + "."]
    if changes:
        lines += [
            "",
            "Target:",
            "",
            f"- A change on {long:,} items about what it costs on {short:,} (p50 at most "
            f"{LONG_LIMIT}×): "
            + "; ".join(
                f"{CHANGE_KINDS[key]} ({key}2/{key}1) {times(ratio)}{verdict(ratio <= LONG_LIMIT)}"
                for key, ratio in changes.items()
            ),
        ]
    lines += [
        "",
        f"Changes (g, h, r): {WRITE_CONNECTIONS} connections, one wrk thread each; each "
        "connection removes the benchmark's song at a position and adds it back (r: moves the "
        "last item to the front and the first to the end), over and over, so the playlist "
        "keeps its layout (it is brought back after every run, since wrk stops between the "
        "two); *req/s* and the latencies count both requests. The playlist holds that song at "
        f"its first and last {WRITE_CONNECTIONS} positions (w: 16), other songs between. "
        "Changes to one playlist serialise (each locks the playlist's row): more connections "
        "only queue; (w) is that queue, 16 deep. Reads (i): the owner's token, the usual "
        "connections; playlist reads never enter the catalog cache. After the runs the items "
        "are read from the database: each playlist exactly as it was laid out.",
        "",
    ]
    return lines


def git_commit() -> str:
    def git(*args: str) -> str:
        result = subprocess.run(  # noqa: S603 - our own argv, no shell
            ["git", *args],  # noqa: S607 - git from the PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" with uncommitted changes" if git("status", "--porcelain") else "")


def machine() -> str:
    model = "?"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({model})"
