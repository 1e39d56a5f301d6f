"""Load: a case to measure (`Scenario`), one wrk run of it, and the measured run with its
warm-up, the server's CPU time and the service's cache counters around it (`Bench`)."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx
import redis

from harness.common import BENCH_DIR, BenchError, Options, http_client
from harness.database import bump_cache_version
from harness.servers import Server, group_cpu_seconds

WRK_SCRIPT = BENCH_DIR / "wrk.lua"
WRK_GRACE = 60.0  # beyond its duration, before wrk is killed
WRK_REQUEST_TIMEOUT = "10s"  # slower answers count as time-outs, not latencies
SETTLE_SECONDS = 2.0  # after a run, for the requests it left in the server to finish
WRK_ERRORS = ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
_CACHE_METRIC = re.compile(r'^catalog_cache_total\{result="(\w+)"\} (\S+)$', re.MULTILINE)

Mode = Literal["fixed", "ids", "fresh", "pair", "alternate"]
# The servers a case may run on: the service, today's code (today.py), the bare endpoint at two
# body sizes, the floor (bench/floor/) and the sync peer (bench/flask_peer.py).
ServerName = Literal["service", "service-w2", "today", "bare-song", "bare-page", "floor", "flask"]
# The servers of the app itself: their catalog cache is bumped before a run and counted.
APP_SERVERS = ("service", "service-w2", "today")


@dataclass(frozen=True, slots=True)
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, socket errors and time-outs
    cache: Mapping[str, int]  # the service's catalog cache lookups during the run, by result
    cpu_seconds: float | None  # the server's CPU time (user + system, all its processes)
    statuses: Mapping[int, int]  # answers by status code, when wrk counted them (changes)

    @property
    def failed_statuses(self) -> str:
        """The answers other than 2xx by status, "404 ×3, 503 ×1"; empty if none or uncounted."""
        failed = sorted((code, n) for code, n in self.statuses.items() if not 200 <= code < 300)
        return ", ".join(f"{code} ×{n:,}" for code, n in failed)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_us(self) -> float | None:
        """The server's CPU time per request, in microseconds: what a request costs, which
        other work on the machine disturbs far less than req/s or latency."""
        if self.cpu_seconds is None or not self.requests:
            return None
        return self.cpu_seconds / self.requests * 1e6


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    label: str
    server: ServerName
    path: str
    mode: Mode
    cached: bool
    body_bytes: int
    baseline: str | None = None  # the key of the bare scenario it is compared with
    connections: int | None = None  # instead of --connections
    threads: int | None = None  # instead of --threads
    args: tuple[str, ...] = ()  # after the mode, for bench/wrk.lua ("pair": song, positions)
    ids: str = "songs"  # mode "ids": which list of ids (Wrk.write_ids)
    group: str = "catalog"  # what --only selects it by (common.GROUPS)
    # A reference's (floor, flask) service case: same request, same body (checked before).
    twin: str | None = None
    token: str | None = None  # sent as `Authorization: Bearer …`
    # Puts back what a run changed (a playlist's length), once its requests have settled.
    reset: Callable[[], None] | None = None


def cache_text(counts: Mapping[str, int]) -> str:
    """The cache lookups of a run as shares by result, the most frequent first."""
    total = sum(counts.values())
    if not total:
        return "–"
    parts = sorted(((n, c) for n, c in counts.items() if c), key=lambda item: -item[1])
    return ", ".join(f"{name} {share(count / total)}" for name, count in parts)


def share(value: float) -> str:
    return "<1%" if 0 < value < 0.005 else f"{value:.0%}"


class Wrk:
    def __init__(self, options: Options, ids_dir: Path) -> None:
        found = shutil.which("wrk")
        if found is None:
            raise BenchError("wrk is not installed: apt-get install wrk (see bench/README.md)")
        self.executable = found
        self.options = options
        self.ids_dir = ids_dir
        self.id_files: dict[str, tuple[Path, int]] = {}

    def write_ids(self, name: str, ids: Sequence[str]) -> None:
        """The ids that mode "ids" asks for in turn, under `name` (Scenario.ids)."""
        path = self.ids_dir / f"{name}-ids.txt"
        path.write_text("\n".join(ids) + "\n")
        self.id_files[name] = (path, len(ids))

    def version(self) -> str:
        result = subprocess.run(  # noqa: S603 - our own argv, no shell
            [self.executable, "-v"], capture_output=True, text=True, check=False, timeout=10
        )
        match = re.search(r"wrk (\S+)", result.stdout + result.stderr)
        return match.group(1) if match else "?"

    def run(
        self, base_url: str, scenario: Scenario, seconds: int, *, warmup: bool = False
    ) -> dict[str, Any]:
        """One wrk run; a warm-up asks for other ids than the measured run that follows."""
        threads = scenario.threads or self.options.threads
        if scenario.mode == "ids":
            url = base_url + "/"
            ids_file, count = self.id_files[scenario.ids]
            start = 0 if warmup else count // 2
            extra = ["ids", str(ids_file), scenario.path, str(threads), str(start)]
        elif scenario.mode == "fresh":
            url, extra = base_url + scenario.path, ["fresh", secrets.token_hex(4)]
        elif scenario.mode in ("pair", "alternate"):
            url, extra = base_url + scenario.path, [scenario.mode, *scenario.args]
        else:
            url, extra = base_url + scenario.path, ["fixed"]
        argv = [
            self.executable,
            f"--threads={threads}",
            f"--connections={scenario.connections or self.options.connections}",
            f"--duration={seconds}s",
            f"--timeout={WRK_REQUEST_TIMEOUT}",
            f"--script={WRK_SCRIPT}",
            url,
            "--",
            *extra,
        ]
        env = {
            **os.environ,
            "BENCH_TOKEN": scenario.token or "",
            "BENCH_STATUSES": "1" if scenario.mode in ("pair", "alternate") else "",
        }
        result = subprocess.run(  # noqa: S603 - our own argv, no shell
            argv,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + WRK_GRACE,
        )
        for line in result.stdout.splitlines():
            if line.startswith("BENCH_JSON "):
                summary: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
                return summary
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")


def cache_counts(client: httpx.Client) -> dict[str, int]:
    response = client.get("/metrics")
    response.raise_for_status()
    return {name: int(float(value)) for name, value in _CACHE_METRIC.findall(response.text)}


class Bench:
    def __init__(
        self, options: Options, wrk: Wrk, servers: Mapping[str, Server], cache_redis: redis.Redis
    ) -> None:
        self.options = options
        self.wrk = wrk
        self.servers = servers
        self.redis = cache_redis

    def measure(self, scenario: Scenario) -> Run:
        server = self.servers[scenario.server]
        base = server.url
        on_service = scenario.server in APP_SERVERS
        print(f"({scenario.key}) {scenario.label} …", end=" ", flush=True)
        with http_client(base) as client:
            if on_service:
                bump_cache_version(self.redis)
                if scenario.cached:  # warmed once: from here on every lookup is a hit
                    client.get(scenario.path).raise_for_status()
            if self.options.warmup:
                self.wrk.run(base, scenario, self.options.warmup, warmup=True)
                time.sleep(SETTLE_SECONDS)
                if scenario.reset is not None:
                    scenario.reset()
                if on_service and not scenario.cached:
                    bump_cache_version(self.redis)  # what the warm-up cached is gone
            before = cache_counts(client) if on_service else {}
            cpu_before = group_cpu_seconds(server.pid)
            summary = self.wrk.run(base, scenario, self.options.duration)
            cpu_after = group_cpu_seconds(server.pid)
            after = cache_counts(client) if on_service else {}
        if scenario.reset is not None:
            time.sleep(SETTLE_SECONDS)
            scenario.reset()
        run = Run(
            requests=int(summary["requests"]),
            seconds=summary["duration_us"] / 1e6,
            p50_ms=summary["p50_us"] / 1000,
            p99_ms=summary["p99_us"] / 1000,
            errors=int(sum(summary[name] for name in WRK_ERRORS)),
            cache={name: count - before.get(name, 0) for name, count in after.items()},
            cpu_seconds=(
                None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
            ),
            statuses={int(code): int(n) for code, n in summary["statuses"].items()},
        )
        print(
            f"{run.rps:,.0f} req/s, p50 {run.p50_ms:.2f} ms, p99 {run.p99_ms:.2f} ms"
            + (f", {run.cpu_us:,.0f} µs CPU a request" if run.cpu_us is not None else "")
            + (f", {run.errors:,} errors" if run.errors else "")
            + (f" ({run.failed_statuses})" if run.failed_statuses else "")
            + (f", cache {cache_text(run.cache)}" if any(run.cache.values()) else ""),
            flush=True,
        )
        return run
