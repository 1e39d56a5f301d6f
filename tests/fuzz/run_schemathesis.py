"""Conformance fuzzing: Schemathesis against a live service, as a user and as an admin.

    .venv/bin/python -m tests.fuzz.run_schemathesis [--seed N] [--max-examples N]

The backends are TEST_DATABASE_URL / TEST_REDIS_URL, as for the test suite (both are wiped:
give it databases of its own), or the embedded default in a temporary directory. The script
migrates, seeds a small demo catalog, creates an admin and a user, serves the app on a free
local port, logs both in, and runs `schemathesis run` against the served /openapi.json once
with each token: every phase that applies (examples, coverage, fuzzing, stateful), the checks
in tests/fuzz/schemathesis.toml, the seed fixed there. It exits non-zero if either run finds
anything or the service logged an unhandled error (each is printed with its request); the
reports and the service's log are kept in `test-artifacts/fuzz/`.

Extra arguments after `--` go to `schemathesis run` as they are (e.g. `-- --max-failures 1`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONFIG = ROOT / "tests" / "fuzz" / "schemathesis.toml"
REPORTS = ROOT / "test-artifacts" / "fuzz"
PASSWORD = "fuzz-password-1234"
STARTUP_TIMEOUT_SECONDS = 30.0
RUN_TIMEOUT_SECONDS = 600  # a guard against a hang; a run takes well under a minute
EXCEPTION_LINE = re.compile(r"^(?!Traceback\b)[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _service_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        LOG_LEVEL="INFO",
        # Cheap hashes: the fuzzer registers and logs in hundreds of times (still argon2id).
        PASSWORD_HASH_MEMORY_KIB="64",
        PASSWORD_HASH_TIME_COST="1",
        # The fuzzer sends many wrong passwords from this one address; the service's per-client
        # lock-out (whose 429 is documented and tested in tests/auth) would soon refuse the
        # logins that hand each `/logout` case a fresh token; so would its limit on successful
        # logins. Per-account limits stay as they are.
        LOGIN_MAX_FAILURES_PER_CLIENT="1000000",
        LOGIN_MAX_PER_CLIENT="1000000",
    )
    return env


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 (our own command, no shell)
        [str(BIN / "spotify-api"), *args], env=env, cwd=ROOT, check=True
    )


async def _wipe(database_url: str, redis_url: str) -> None:
    """Empty a PostgreSQL schema and a Redis database given for the run, as the suite does."""
    from redis.asyncio import Redis
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from spotify_api.settings import normalise_database_url

    if not database_url.startswith("sqlite"):
        engine = create_async_engine(normalise_database_url(database_url))
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    if not redis_url.startswith("memory://"):
        redis = Redis.from_url(redis_url)
        await redis.flushdb()
        await redis.aclose()


@contextmanager
def _serving(env: dict[str, str], log_path: Path) -> Iterator[str]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        argv = ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-demo"]
        server = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            [str(BIN / "spotify-api"), *argv],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the service stopped at start-up; see {log_path}")
                try:
                    if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the service did not start; see {log_path}")
                time.sleep(0.1)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _login(base_url: str, username: str) -> str:
    response = httpx.post(
        f"{base_url}/login", json={"username": username, "password": PASSWORD}, timeout=30
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def _run_schemathesis(base_url: str, identity: str, token: str, extra: Sequence[str]) -> int:
    reports = REPORTS / identity
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/openapi.json",
        "--report",
        "junit,ndjson",
        "--report-dir",
        str(reports),
        *extra,
    ]
    env = {
        **os.environ,
        "FUZZ_BASE_URL": base_url,
        "FUZZ_TOKEN": token,
        # Hypothesis keeps a few caches on disk; not in the work tree.
        "HYPOTHESIS_STORAGE_DIRECTORY": str(REPORTS / ".hypothesis"),
    }
    print(f"\n== Schemathesis as the {identity} ==", flush=True)
    started = time.perf_counter()
    try:
        code = subprocess.run(  # noqa: S603 (our own command, no shell)
            command, env=env, cwd=ROOT, check=False, timeout=RUN_TIMEOUT_SECONDS
        ).returncode
    except subprocess.TimeoutExpired:
        print(f"Schemathesis did not finish within {RUN_TIMEOUT_SECONDS} s", flush=True)
        code = 1
    print(f"== the {identity} run took {time.perf_counter() - started:.0f} s ==", flush=True)
    return code


def _print_server_errors(log_path: Path) -> bool:
    """Each unhandled error the service logged: the request, and the root exception's line."""
    records = []
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    requests = {r.get("request_id"): r for r in records if r.get("message") == "request"}
    errors = [r for r in records if r.get("level") == "ERROR"]
    if not errors:
        return False
    print(f"\n== the service logged {len(errors)} error(s); the whole log is {log_path} ==")
    for error in errors:
        request = requests.get(error.get("request_id"), {})
        trace = str(error.get("exception", "")).splitlines()
        # The first exception line of a chained traceback is the root cause.
        causes = [line for line in trace if EXCEPTION_LINE.match(line)]
        cause = causes[0] if causes else error.get("message", "")
        print(f"{request.get('method')} {request.get('path')} -> {request.get('status')}: {cause}")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="override the config's seed")
    parser.add_argument("--max-examples", type=int, help="override the config's max-examples")
    parser.add_argument(
        "--as",
        dest="identities",
        action="append",
        choices=["user", "admin"],
        help="run only as this identity (repeatable); both by default",
    )
    parser.add_argument("extra", nargs="*", help="arguments for `schemathesis run`, after --")
    args = parser.parse_args(argv)
    extra = list(args.extra)
    if args.seed is not None:
        extra += ["--seed", str(args.seed)]
    if args.max_examples:
        extra += ["--max-examples", str(args.max_examples)]

    shutil.rmtree(REPORTS, ignore_errors=True)
    REPORTS.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="spotify-fuzz-") as tmp:
        database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp}/fuzz.db"
        redis_url = os.environ.get("TEST_REDIS_URL") or "memory://"
        print(f"backends: {database_url.split('@')[-1]} + {redis_url}", flush=True)
        asyncio.run(_wipe(database_url, redis_url))
        env = _service_env(database_url, redis_url)
        _cli(env, "migrate")
        _cli(env, "seed-demo", "--songs", "200", "--seed", "0")
        _cli(
            env,
            "create-admin",
            "--username",
            "fuzz-admin",
            "--email",
            "fuzz-admin@example.com",
            "--password",
            PASSWORD,
        )
        log_path = REPORTS / "service.log"
        with _serving(env, log_path) as base_url:
            user = {"username": "fuzz-user", "email": "fuzz-user@example.com", "password": PASSWORD}
            httpx.post(f"{base_url}/register", json=user, timeout=30).raise_for_status()
            tokens = {name: _login(base_url, f"fuzz-{name}") for name in ("user", "admin")}
            codes = [
                _run_schemathesis(base_url, identity, tokens[identity], extra)
                for identity in (args.identities or ["user", "admin"])
            ]
        # An unhandled error fails the run even where no response showed it (say, one raised
        # after a response had started).
        failed = _print_server_errors(log_path) | any(codes)
        print(f"\nfuzzing {'FAILED' if failed else 'passed'}; reports in {REPORTS}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
