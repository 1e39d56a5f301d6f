"""HTTP for the catalog: browsing songs, albums and artists, and curating them."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
