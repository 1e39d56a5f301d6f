"""Search (issue 13): uncached `GET /search` on one connection for a few typical queries, beside
an uncached `GET /songs?q=` of the same common word, and a cached search against the bare
endpoint; the cases, the bodies found through the service, and the report's section.

Targets, at 1,000,000 songs: uncached `/search` p50 on one connection ≤ 20 ms and no worse than
3× the uncached `/songs?q=` of the same word; cached searches ≥ 70% of the bare endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from harness.catalog_reads import get
from harness.common import http_client
from harness.formatting import cpu, ms, times, verdict
from harness.load import Run, Scenario, cache_text

# key: (query, what it stands for)
QUERIES = {
    "s1": ("love", "a common word"),
    "s2": ("lindqvist", "a rarer word (in artists' names, not in titles)"),
    "s3": ("midnihgt", "a typo (of midnight)"),
    "s4": ("velvet love", "two words"),
}
COMMON = QUERIES["s1"][0]
LIST_LIMIT = 10  # /songs?q= with the page size of a search's type
P50_MAX_MS = 20.0
LIST_TIMES = 3.0
CACHED_SHARE = 0.70
ORDER = ("s1", "s2", "s3", "s4", "sq", "sc")


@dataclass(frozen=True, slots=True)
class Searches:
    paths: dict[str, str]  # key -> path
    sizes: dict[str, int]  # key -> body bytes
    totals: dict[str, int]  # key -> songs found


def _path(q: str) -> str:
    return "/search?" + urlencode({"q": q})


def explore(base_url: str) -> Searches:
    paths = {key: _path(q) for key, (q, _) in QUERIES.items()}
    paths["sq"] = "/songs?" + urlencode({"q": COMMON, "limit": LIST_LIMIT})
    sizes, totals = {}, {}
    with http_client(base_url) as client:
        for key, path in paths.items():
            body = get(client, path)
            sizes[key] = len(body.content)
            found = body.json()
            totals[key] = found.get("songs", found)["total"]
    return Searches(paths, sizes, totals)


def scenarios(searches: Searches) -> list[Scenario]:
    cases = [
        Scenario(key, f"uncached `GET /search?q={q}` ({what}), 1 connection", "service",
                 searches.paths[key], "fresh", cached=False, body_bytes=searches.sizes[key],
                 connections=1, group="search")
        for key, (q, what) in QUERIES.items()
    ]  # fmt: skip
    return [
        *cases,
        Scenario("sq", f"uncached `GET /songs?q={COMMON}&limit={LIST_LIMIT}`, 1 connection",
                 "service", searches.paths["sq"], "fresh", cached=False,
                 body_bytes=searches.sizes["sq"], connections=1, group="search"),
        Scenario("sc", f"cached `GET /search?q={COMMON}`", "service", searches.paths["s1"],
                 "fixed", cached=True, body_bytes=searches.sizes["s1"], baseline="f2",
                 group="search"),
    ]  # fmt: skip


def section(
    by_key: Mapping[str, Scenario], runs: Mapping[str, Run], searches: Searches | None
) -> list[str]:
    """The report's table of the search cases, and their targets."""
    keys = [key for key in ORDER if key in runs]
    if not keys:
        return []
    lines = [
        "#### Search",
        "",
        "| | Request | Body | Songs found | req/s | p50 | p99 | CPU/req | Cache | Errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for key in keys:
        scenario, run = by_key[key], runs[key]
        total = searches.totals.get("s1" if key == "sc" else key) if searches else None
        found = f"{total:,}" if total is not None else "?"
        lines.append(
            f"| {key} | {scenario.label} | {scenario.body_bytes:,} B | {found} | {run.rps:,.0f} "
            f"| {ms(run.p50_ms)} | {ms(run.p99_ms)} | {cpu(run)} | {cache_text(run.cache)} "
            f"| {run.errors:,} |"
        )
    lines += ["", "Targets:"]
    uncached = [key for key in QUERIES if key in runs]
    if uncached:
        worst = max(runs[key].p50_ms for key in uncached)
        lines.append(
            f"- Uncached `/search` p50 on one connection ≤ {P50_MAX_MS:.0f} ms: "
            + ", ".join(f"({key}) {ms(runs[key].p50_ms)}" for key in uncached)
            + verdict(worst <= P50_MAX_MS)
        )
    if "s1" in runs and "sq" in runs:
        ratio = runs["s1"].p50_ms / runs["sq"].p50_ms
        lines.append(
            f"- Uncached `/search?q={COMMON}` no worse than {LIST_TIMES:.0f}× the uncached "
            f"`/songs?q={COMMON}` (p50, one connection): (s1/sq) {times(ratio)}"
            + verdict(ratio <= LIST_TIMES)
        )
    if "sc" in runs and "f2" in runs:
        share = runs["sc"].rps / runs["f2"].rps
        lines.append(
            f"- A cached search ≥ {CACHED_SHARE:.0%} of the bare endpoint's req/s (a page's "
            f"body size): (sc) {share:.0%}" + verdict(share >= CACHED_SHARE)
        )
    lines += [
        "",
        "Uncached runs: as the catalog's (the version bumped before each run, `&_bench=<n>` "
        "on every request); a search's totals are counted once per catalog version, as a "
        "list's are, so only the first request of a run counts them.",
        "",
    ]
    return lines
