"""What attacks on the HTTP edge cost the server, before and after its limits (core.http_edge).

Serves the embedded default (SQLite in a temporary directory, the in-process Redis stand-in)
on 127.0.0.1 in two ways: `before`, uvicorn as `spotify-api serve` ran it before the limits
(httptools, no header bound, no header time-out, no connection cap), and `after`,
`spotify-api serve` itself. Against each, on a fresh server per attack, it measures the
server's resident memory (VmRSS and its peak VmHWM, from /proc) while:

- `big headers`: 4 connections each send one 50 MB header, in 1 MiB writes, until the server
  answers or drops them;
- `stalled heads`: 1,000 connections each send half a request's headers and stop; after the
  header time-out (+2 s) it counts how many the server still holds open;
- `8 MiB header`: one request with an 8 MiB header, and the status it gets.

Writes bench/results-http-edge.md. Every connection goes to 127.0.0.1; every wait is bounded.

    PYTHONPATH=src .venv/bin/python bench/http_edge.py
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HEADER_TIMEOUT = 5.0  # the default; `after` runs with the defaults
BIG_HEADER = 50 * 1024 * 1024
BIG_CONNECTIONS = 4
STALLED_CONNECTIONS = 1000
CHUNK = b"a" * (1024 * 1024)
BEFORE = (
    "import uvicorn; uvicorn.run('spotify_api.main:create_default_app', factory=True, "
    "host='127.0.0.1', port={port}, log_config=None, access_log=False, proxy_headers=True, "
    "server_header=False, http='httptools')"
)


NOTES = [
    "Notes:",
    "",
    "- The idle RSS differs because `spotify-api serve` migrates the embedded database in "
    "its own process before serving (alembic stays loaded); `before` migrates in another one.",
    "- Before, the memory that the big headers took is not given back after the attack: "
    "httptools buffers a header value whole (by repeated concatenation), so each sender "
    "costs its header's size several times over while it is parsed.",
    "- Stalled heads cost little memory either way; before, they are never closed (file "
    "descriptors and connections held for ever). After, they are closed at the header "
    "time-out, but while held they fill the connection cap, so a request meanwhile is 503: "
    "the cap bounds the process, and limits per client belong to a proxy in front.",
]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def memory_kib(self, field_name: str = "VmRSS") -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
        raise RuntimeError(f"no {field_name} for {self.process.pid}")


@dataclass
class Figures:
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def put(self, variant: str, name: str, value: str) -> None:
        self.rows.setdefault(name, {})[variant] = value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


@contextlib.contextmanager
def serve(variant: str, workdir: Path) -> Iterator[Server]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(DATABASE_URL=f"sqlite:///{workdir / 'edge.db'}", LOG_LEVEL="WARNING")
    port = _free_port()
    cli = [sys.executable, "-m", "spotify_api.cli"]
    if variant == "before":
        subprocess.run([*cli, "migrate"], env=env, cwd=workdir, check=True, capture_output=True)  # noqa: S603
        command = [sys.executable, "-c", BEFORE.format(port=port)]
    else:
        command = [*cli, "serve", "--no-demo", "--port", str(port)]
    log = open(workdir / f"{variant}.log", "ab")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=log)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the {variant} server did not start; see {log.name}")
            time.sleep(0.1)
        yield Server(process, port)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _send_big_header(port: int, outcome: list[str]) -> None:
    sent = 0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
            while sent < BIG_HEADER:
                sock.sendall(CHUNK)
                sent += len(CHUNK)
            sock.sendall(b"\r\n\r\n")
            status = sock.recv(64).split(b"\r\n", 1)[0].decode() or "closed"
            outcome.append(f"{status} after {sent // 2**20} MiB")
    except OSError as error:
        outcome.append(f"{type(error).__name__} after {sent // 2**20} MiB")


def big_headers(server: Server) -> dict[str, str]:
    idle = server.memory_kib()
    outcome: list[str] = []
    started = time.monotonic()
    senders = [
        threading.Thread(target=_send_big_header, args=(server.port, outcome))
        for _ in range(BIG_CONNECTIONS)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=300)
    elapsed = time.monotonic() - started
    return {
        "big headers: RSS idle": f"{idle / 1024:.0f} MB",
        "big headers: peak RSS": f"{server.memory_kib('VmHWM') / 1024:.0f} MB",
        "big headers: RSS after": f"{server.memory_kib() / 1024:.0f} MB",
        "big headers: what the senders saw": "; ".join(sorted(set(outcome))),
        "big headers: time until all senders stopped": f"{elapsed:.1f} s",
    }


def _status(port: int) -> str:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            return sock.recv(64).split(b"\r\n", 1)[0].decode() or "closed"
    except OSError as error:
        return type(error).__name__


def _still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)  # with a time-out, recv would wait for data first
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def stalled_heads(server: Server) -> dict[str, str]:
    idle = server.memory_kib()
    sockets = []
    try:
        for _ in range(STALLED_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            sockets.append(sock)
        time.sleep(1)  # let the server read them all
        held = server.memory_kib()
        during = _status(server.port)
        time.sleep(HEADER_TIMEOUT + 1)
        open_after = sum(_still_open(sock) for sock in sockets)
        fresh = _status(server.port)
    finally:
        for sock in sockets:
            sock.close()
    return {
        "stalled heads: RSS idle": f"{idle / 1024:.0f} MB",
        "stalled heads: RSS holding 1,000": f"{held / 1024:.0f} MB",
        f"stalled heads: still open after {HEADER_TIMEOUT + 2:.0f} s": f"{open_after:,}",
        "stalled heads: a new request while they are held": during,
        "stalled heads: a new request after the time-out": fresh,
    }


def eight_mib_header(server: Server) -> dict[str, str]:
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 2**23)
            sock.sendall(b"\r\n\r\n")
            status = sock.recv(64).split(b"\r\n", 1)[0].decode() or "closed"
    except OSError as error:
        status = type(error).__name__
    return {"8 MiB header: answer": status}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results-http-edge.md"
    )
    args = parser.parse_args()
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="bench-http-edge-") as tmp:
        workdir = Path(tmp)
        for variant in ("before", "after"):
            for attack in (big_headers, stalled_heads, eight_mib_header):
                with serve(variant, workdir) as server:
                    for name, value in attack(server).items():
                        figures.put(variant, name, value)
                        print(f"{variant:6} {name}: {value}", flush=True)
    write_report(args.output, figures)
    return 0


def write_report(path: Path, figures: Figures) -> None:
    lines = [
        "# The HTTP edge under attack: `bench/http_edge.py`",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}. `before`: uvicorn with httptools and the options "
        "`spotify-api serve` used before the limits; `after`: `spotify-api serve` with the "
        "default limits (64 KiB heads, 5 s header time-out, 1,000 connections). A fresh server "
        "for each attack; RSS of the server process, peak = VmHWM.",
        "",
        "| | before | after |",
        "|---|---|---|",
    ]
    for name, values in figures.rows.items():
        lines.append(f"| {name} | {values.get('before', '')} | {values.get('after', '')} |")
    lines += ["", *NOTES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
