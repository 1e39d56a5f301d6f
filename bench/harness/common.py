"""What every part of the benchmark shares: where things are, its options, its one error."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import URL

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH_DIR = ROOT / "bench"
CLI = Path(sys.executable).parent / "spotify-api"

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
HTTP_TIMEOUT = 30.0
# The parts of a run that --only selects: the catalog's reads, the playlists' pages and changes,
# the reads that need only a token (GET /me, GET /playlists/{id}), search, the library, and
# the same reads on one worker and on two.
GROUPS = ("catalog", "playlists", "token", "search", "library", "workers")


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


@dataclass(frozen=True, slots=True)
class Options:
    songs: int
    database: URL
    redis_url: str
    duration: int
    warmup: int
    connections: int
    threads: int
    workers: int
    reuse: bool
    output_dir: Path
    only: frozenset[str] = frozenset(GROUPS)
    # Today's code, served beside the service (today.py), for the ×3 and ×4 targets; or, with
    # none, the results (JSON) of a run of it (baseline.py).
    today: str | None = None
    baseline: Path | None = None


def http_client(base_url: str = "") -> httpx.Client:
    # trust_env=False: no proxy from the environment, traffic stays on loopback.
    return httpx.Client(base_url=base_url, timeout=HTTP_TIMEOUT, trust_env=False)
