"""Dependencies of the library's routes: the service and the library scopes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security

from spotify_api.auth.deps import get_auth_session
from spotify_api.auth.scopes import LIBRARY_READ, LIBRARY_WRITE
from spotify_api.auth.sessions import AuthSession
from spotify_api.core.unit_of_work import UnitOfWorkDep
from spotify_api.library.service import LibraryService


async def get_library_service(request: Request, uow: UnitOfWorkDep) -> LibraryService:
    return LibraryService(uow, request.app.state.reads)


LibraryServiceDep = Annotated[LibraryService, Depends(get_library_service)]
Reader = Annotated[AuthSession, Security(get_auth_session, scopes=[LIBRARY_READ])]
Writer = Annotated[AuthSession, Security(get_auth_session, scopes=[LIBRARY_WRITE])]
