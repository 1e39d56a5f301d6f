"""The servers under load: the service (`spotify-api serve`) and today's code (the same from
another tree), the bare app, the floor (bench/floor/) and the sync Flask peer
(bench/flask_peer.py), each started in a session of its own, waited for, measured in CPU time
through /proc, and stopped."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from harness.common import LOOPBACK, ROOT, BenchError, http_client

START_TIMEOUT = 60.0  # for a server to answer
STOP_TIMEOUT = 10.0  # for a server to exit after SIGTERM, before SIGKILL


class Processes:
    """The servers this run started, each in a session of its own, so that stopping one stops
    its uvicorn workers too. `stop_all` ends them, last started first."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []

    def start(
        self, name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path
    ) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{name}.log").open("wb")
        try:
            process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
                argv,
                env=dict(env),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except BaseException:
            log.close()
            raise
        self.running.append((process, log))
        return process

    def log_of(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def stop_all(self) -> None:
        while self.running:
            process, log = self.running.pop()
            _stop(process)
            log.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process's group, SIGKILL if it outlives STOP_TIMEOUT."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)  # its own session: the group id is its pid
        except ProcessLookupError:
            break
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            continue
        break
    # Workers that outlived their parent still belong to the group.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    pid: int  # also its process group: the uvicorn workers' too


def group_cpu_seconds(group: int) -> float | None:
    """CPU time (user + system) of the live processes of a process group; None without /proc."""
    ticks = 0
    try:
        entries = list(Path("/proc").iterdir())
    except OSError:
        return None
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # proc(5): after "pid (comm) ", field 3 is the state; 5 the group; 14, 15 utime, stime.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_up(
    process: subprocess.Popen[bytes], url: str, name: str, log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    with http_client() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchError(f"{name} exited with {process.returncode}: see {log}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise BenchError(f"{name} did not answer {url} within {timeout:.0f} s: see {log}")


# `spotify-api serve` as the entry point runs it, saying first where `spotify_api` came from:
# today's code is the same command with another PYTHONPATH, and the run checks which it got.
LAUNCH = (
    "import sys, spotify_api; print('spotify_api from', spotify_api.__file__, flush=True); "
    "from spotify_api.cli import main; sys.exit(main())"
)
_IMPORTED = re.compile(r"^spotify_api from (.+)$", re.MULTILINE)


def start_service(
    processes: Processes,
    workers: int,
    env: Mapping[str, str],
    log_dir: Path,
    *,
    name: str = "service",
    src: Path = ROOT / "src",
) -> Server:
    """`spotify-api serve` of the code in `src` (PYTHONPATH, nothing else on it) on a free
    port, once it answers /health and has said that it imported `spotify_api` from `src`."""
    url = f"http://{LOOPBACK}:{free_port()}"
    argv = [sys.executable, "-c", LAUNCH, "serve", "--host", LOOPBACK, "--port",
            url.rsplit(":", 1)[1], "--workers", str(workers)]  # fmt: skip
    env = {**env, "PYTHONPATH": str(src)}
    service = processes.start(name, argv, env, cwd=log_dir)  # cwd: no stray .env file
    log = processes.log_of(name)
    wait_until_up(service, url + "/health", name, log, START_TIMEOUT)
    imported = _IMPORTED.search(log.read_text(errors="replace"))
    package = (src / "spotify_api").resolve()
    if imported is None or Path(imported.group(1)).resolve().parent != package:
        found = imported.group(1) if imported else "nowhere it said"
        raise BenchError(f"{name} imported spotify_api from {found}, not from {package}")
    print(f"{name}: spotify_api from {package}")
    return Server(url, service.pid)


def _start_uvicorn(
    processes: Processes,
    name: str,
    app: str,
    health: str,
    workers: int,
    env: Mapping[str, str],
) -> Server:
    """An ASGI app of bench/ under uvicorn, as the bare app runs (the same settings for every
    reference), once it answers `health`."""
    url = f"http://{LOOPBACK}:{free_port()}"
    process = processes.start(
        name,
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            LOOPBACK,
            "--port",
            url.rsplit(":", 1)[1],
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--no-server-header",
        ],
        env,
        cwd=ROOT,
    )
    wait_until_up(process, url + health, name, processes.log_of(name), START_TIMEOUT)
    return Server(url, process.pid)


def start_bare(
    processes: Processes, name: str, body_bytes: int, workers: int, env: Mapping[str, str]
) -> Server:
    """bench/bare_app.py under uvicorn, answering `body_bytes` bytes, once it answers /bare."""
    env = {**env, "BENCH_BODY_BYTES": str(body_bytes)}
    return _start_uvicorn(processes, name, "bench.bare_app:app", "/bare", workers, env)


def start_floor(
    processes: Processes, workers: int, env: Mapping[str, str], user_id: str | None
) -> Server:
    """bench/floor/ (`bench.floor:app`) under uvicorn (its `/me` is `user_id`), once it answers
    /health."""
    env = {**env, "BENCH_FLOOR_USER_ID": user_id or ""}
    return _start_uvicorn(processes, "floor", "bench.floor:app", "/health", workers, env)


def start_flask(processes: Processes, env: Mapping[str, str], log_dir: Path) -> Server:
    """bench/flask_peer.py under gunicorn, one process with one sync worker, once it answers."""
    url = f"http://{LOOPBACK}:{free_port()}"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        raise BenchError(
            "gunicorn is not installed: .venv/bin/uv sync --frozen --extra dev --extra bench "
            "--inexact (see bench/README.md)"
        )
    process = processes.start(
        "flask",
        [
            str(gunicorn),
            "--workers",
            "1",
            "--bind",
            url.removeprefix("http://"),
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "--control-socket",
            str(log_dir / "gunicorn.ctl"),
            "bench.flask_peer:app",
        ],
        env,
        cwd=ROOT,
    )
    wait_until_up(process, url + "/health", "flask", processes.log_of("flask"), START_TIMEOUT)
    return Server(url, process.pid)
