"""The installed `spotify-api` command, run as an operator runs it: a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SPOTIFY_API = str(Path(sys.executable).with_name("spotify-api"))
SECRET = "a-secret-key-for-the-cli-tests-only-0123"
COMMAND_TIMEOUT_SECONDS = 60


def spotify_api(
    *argv: str, stdin: str | None = None, **environment: str
) -> subprocess.CompletedProcess[str]:
    """Run `spotify-api argv…` with this environment less the suite's backends, plus
    `environment` (SECRET_KEY and REDIS_URL=memory:// unless given)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "LOG_LEVEL", "SPOTIFY_API_ADMIN_PASSWORD")
    }
    env.update({"SECRET_KEY": SECRET, "REDIS_URL": "memory://", **environment})
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [SPOTIFY_API, *argv],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
