"""Alembic, driven from Python: the CLI's `migrate` and the embedded default's first run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Index

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


def only_for_dialect(dialect: str) -> Callable[..., bool]:
    """An autogenerate filter that skips what the models create on other dialects only.

    The trigram indexes exist on PostgreSQL alone (`Index.ddl_if`), which autogenerate does
    not know by itself.
    """

    def include_object(
        obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
    ) -> bool:
        if type_ == "index" and isinstance(obj, Index):
            using = obj.dialect_options["postgresql"].get("using")
            return not (using and dialect != "postgresql")
        return True

    return include_object
