"""Dependencies of the catalog's routes: services, pagers, and the curation scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security

from spotify_api.auth.deps import get_auth_session
from spotify_api.auth.scopes import CATALOG_WRITE
from spotify_api.auth.sessions import AuthSession
from spotify_api.catalog.curation import CurationService
from spotify_api.catalog.references import SongReferencesDep
from spotify_api.catalog.service import CatalogService
from spotify_api.core.cache import CatalogCache
from spotify_api.core.db import DbSession
from spotify_api.core.paging import PageRequest, page_request


async def get_catalog_service(request: Request) -> CatalogService:
    return CatalogService(request.app.state.reads)


async def get_curation_service(
    request: Request, db: DbSession, cache: CatalogCache, references: SongReferencesDep
) -> CurationService:
    return CurationService(db, cache, request.app.state.reads, references)


CatalogServiceDep = Annotated[CatalogService, Depends(get_catalog_service)]
CurationServiceDep = Annotated[CurationService, Depends(get_curation_service)]
Curator = Annotated[AuthSession, Security(get_auth_session, scopes=[CATALOG_WRITE])]
PageRequestDep = Annotated[PageRequest, Depends(page_request)]
