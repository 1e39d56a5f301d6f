"""The catalog knows no domain that refers to its songs: they plug in (catalog.references)."""

from __future__ import annotations

import ast
from pathlib import Path

import spotify_api.catalog

CATALOG = Path(spotify_api.catalog.__file__).parent


def test_the_catalog_imports_no_domain_that_holds_its_songs() -> None:
    for module in CATALOG.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                assert not name.startswith("spotify_api.playlists"), f"{module}: {name}"
