"""HTTP for the catalog: one router per resource, included together."""

from __future__ import annotations

from fastapi import APIRouter

from spotify_api.catalog.routes import albums, artists, search, songs

router = APIRouter()
router.include_router(songs.router)
router.include_router(albums.router)
router.include_router(artists.router)
router.include_router(search.router)
