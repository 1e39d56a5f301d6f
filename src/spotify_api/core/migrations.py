"""Alembic, driven from Python: the CLI's `migrate` and the embedded default's first run."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from spotify_api.settings import Settings

_PACKAGE = Path(__file__).resolve().parents[1]


def script_location() -> Path:
    """The migrations: shipped inside the wheel, or at the root of a source checkout."""
    for candidate in (_PACKAGE / "_alembic", _PACKAGE.parents[1] / "alembic"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the alembic migrations are missing from this installation")


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = settings.database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)
