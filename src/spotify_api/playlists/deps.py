"""Dependencies of the playlist routes: the services and the playlist scopes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request, Security

from spotify_api.auth.deps import get_auth_session
from spotify_api.auth.scopes import PLAYLISTS_READ, PLAYLISTS_WRITE
from spotify_api.auth.sessions import AuthSession
from spotify_api.core.unit_of_work import UnitOfWorkDep
from spotify_api.playlists.service import PlaylistService
from spotify_api.playlists.sharing import SharingService


async def get_playlist_service(request: Request, uow: UnitOfWorkDep) -> PlaylistService:
    return PlaylistService(uow, request.app.state.reads)


async def get_sharing_service(request: Request, uow: UnitOfWorkDep) -> SharingService:
    return SharingService(uow, request.app.state.reads)


PlaylistServiceDep = Annotated[PlaylistService, Depends(get_playlist_service)]
SharingServiceDep = Annotated[SharingService, Depends(get_sharing_service)]
Reader = Annotated[AuthSession, Security(get_auth_session, scopes=[PLAYLISTS_READ])]
Writer = Annotated[AuthSession, Security(get_auth_session, scopes=[PLAYLISTS_WRITE])]
IF_MATCH_MAX = 256
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=IF_MATCH_MAX,
        description='`"<snapshot_id>"`: refuse the change (412) if the playlist changed since.',
    ),
]
