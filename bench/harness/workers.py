"""Many processes (issue 15 §1): the same reads on `serve --workers 1` (the service) and on a
second service with `--workers 2` beside it, on the same PostgreSQL and Redis, in one run, so
that what a second worker adds is a measured figure: a cached `GET /songs/{id}` and uncached
ones (ids in turn).

There are no targets: on a machine of N cores shared with wrk and the databases, a second
worker can add at most what the free cores give. The figure tells an operator what to expect
of `--workers` there, and that nothing serialises the processes.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.formatting import cpu, ms, times
from harness.load import Run, Scenario, cache_text

#: The second service's name among the servers (load.APP_SERVERS counts its cache results).
SERVER = "service-w2"
ORDER = ("w1a", "w2a", "w1c", "w2c")
PAIRS = (("w1a", "w2a", "cached"), ("w1c", "w2c", "uncached"))


def scenarios(song_path: str, song_bytes: int) -> list[Scenario]:
    cached, uncached = "cached `GET /songs/{id}`", "uncached `GET /songs/{id}`, ids in turn"
    return [
        Scenario("w1a", f"{cached}, --workers 1", "service", song_path, "fixed", cached=True,
                 body_bytes=song_bytes, group="workers"),
        Scenario("w2a", f"{cached}, --workers 2", SERVER, song_path, "fixed", cached=True,
                 body_bytes=song_bytes, group="workers"),
        Scenario("w1c", f"{uncached}, --workers 1", "service", "/songs/", "ids", cached=False,
                 body_bytes=song_bytes, group="workers"),
        Scenario("w2c", f"{uncached}, --workers 2", SERVER, "/songs/", "ids", cached=False,
                 body_bytes=song_bytes, group="workers"),
    ]  # fmt: skip


def section(by_key: Mapping[str, Scenario], runs: Mapping[str, Run]) -> list[str]:
    """The report's table of the workers cases, and what the second worker adds."""
    keys = [key for key in ORDER if key in runs]
    if not keys:
        return []
    lines = [
        "#### Many processes: `--workers 1` and `--workers 2`",
        "",
        "| | Request | req/s | p50 | p99 | CPU/req | Cache | Errors |",
        "|---|---|--:|--:|--:|--:|---|--:|",
    ]
    for key in keys:
        scenario, run = by_key[key], runs[key]
        lines.append(
            f"| {key} | {scenario.label} | {run.rps:,.0f} | {ms(run.p50_ms)} | {ms(run.p99_ms)} "
            f"| {cpu(run)} | {cache_text(run.cache)} | {run.errors:,} |"
        )
    lines += ["", "What the second worker adds (req/s, `--workers 2` over `--workers 1`):"]
    for one, two, what in PAIRS:
        if one in runs and two in runs:
            lines.append(f"- {what}: ({two}/{one}) {times(runs[two].rps / runs[one].rps)}")
    lines.append("")
    return lines
