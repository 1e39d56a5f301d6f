"""HTTP for shared playlists: following, collaborators, and every playlist that is yours."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from spotify_api.auth.schemas import Username
from spotify_api.core.paging import InvalidCursor, list_paging
from spotify_api.core.problems import problem_responses
from spotify_api.playlists import schemas
from spotify_api.playlists.deps import Reader, SharingServiceDep, Writer
from spotify_api.playlists.errors import (
    NotCollaborator,
    NotOwner,
    OwnPlaylist,
    PlaylistNotFound,
    TooManyCollaborators,
    UserNotFound,
)
from spotify_api.playlists.fast_reads import PRIVATE
from spotify_api.playlists.links import offset_page
from spotify_api.playlists.router import PageRequestDep, PositionPageDep, json_response
from spotify_api.playlists.sharing_reads import RECENTLY_UPDATED

router = APIRouter(tags=["Playlists"])

UsernamePath = Annotated[Username, Path(description="The user's username (any case).")]


@router.get(
    "/me/playlists",
    operation_id="listMyPlaylists",
    summary="List every playlist that is yours",
    description=(
        "The playlists you own, collaborate on or follow (while you may see them), each with "
        "its `relation` to you, newest activity first. With `contains_song`, only those that "
        'hold that song (for an "add to playlist" menu). Follow `next` to page on.'
    ),
    response_model=schemas.RelatedPlaylistPage,
    responses=problem_responses(InvalidCursor),
)
async def list_my_playlists(
    request: Request,
    session: Reader,
    service: SharingServiceDep,
    page: PageRequestDep,
    contains_song: Annotated[
        uuid.UUID | None, Query(description="Only the playlists that hold this song.")
    ] = None,
) -> Response:
    paging = list_paging(request, page, RECENTLY_UPDATED, contains_song=contains_song)
    result = await service.related(session.user_id, paging.query(), contains_song)
    found = result.playlists
    keys = [(playlist["updated_at"], playlist["id"]) for playlist in found.rows]
    answer = {"items": found.rows, **paging.fields(found, keys, result.total)}
    return json_response(answer, headers={"Cache-Control": PRIVATE})


@router.put(
    "/playlists/{playlist_id}/followers",
    operation_id="followPlaylist",
    summary="Follow a playlist",
    description=(
        "A public playlist, or one you collaborate on; it then appears in `GET /me/playlists`. "
        "Following it again changes nothing. Its owner does not follow it (409)."
    ),
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(PlaylistNotFound, OwnPlaylist),
)
async def follow_playlist(
    playlist_id: uuid.UUID, session: Writer, service: SharingServiceDep
) -> None:
    await service.follow(session.user_id, playlist_id)


@router.delete(
    "/playlists/{playlist_id}/followers",
    operation_id="unfollowPlaylist",
    summary="Stop following a playlist",
    description=(
        "Afterwards you do not follow it: 204 also when you did not, or when it does not exist "
        "(or is private now: a follow can always be ended). Its owner gets 409."
    ),
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(OwnPlaylist),
)
async def unfollow_playlist(
    playlist_id: uuid.UUID, session: Writer, service: SharingServiceDep
) -> None:
    await service.unfollow(session.user_id, playlist_id)


@router.get(
    "/playlists/{playlist_id}/collaborators",
    operation_id="listPlaylistCollaborators",
    summary="List a playlist's collaborators",
    description="For its owner and its collaborators, in the order they were added.",
    response_model=schemas.CollaboratorPage,
    responses=problem_responses(PlaylistNotFound, NotCollaborator),
)
async def list_playlist_collaborators(
    playlist_id: uuid.UUID,
    request: Request,
    session: Reader,
    service: SharingServiceDep,
    page: PositionPageDep,
) -> Response:
    found = await service.collaborators(session.user_id, playlist_id, page.offset, page.limit)
    path = request.url.path
    answer = offset_page(path, found.collaborators, found.offset, found.limit, found.total)
    return json_response(answer, headers={"Cache-Control": PRIVATE})


@router.put(
    "/playlists/{playlist_id}/collaborators/{username}",
    operation_id="addPlaylistCollaborator",
    summary="Make a user a collaborator",
    description=(
        "Only the owner may. A collaborator sees the playlist even while it is private and adds, "
        "removes and reorders its songs. At most 50 a playlist; adding one again changes nothing."
    ),
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(
        PlaylistNotFound, NotOwner, UserNotFound, OwnPlaylist, TooManyCollaborators
    ),
)
async def add_playlist_collaborator(
    playlist_id: uuid.UUID, username: UsernamePath, session: Writer, service: SharingServiceDep
) -> None:
    await service.add_collaborator(session.user_id, playlist_id, username)


@router.delete(
    "/playlists/{playlist_id}/collaborators/{username}",
    operation_id="removePlaylistCollaborator",
    summary="Remove a collaborator",
    description=(
        "The owner removes anyone; a collaborator may remove themselves. A user who is not a "
        "collaborator is fine (204)."
    ),
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(PlaylistNotFound, NotOwner, UserNotFound),
)
async def remove_playlist_collaborator(
    playlist_id: uuid.UUID, username: UsernamePath, session: Writer, service: SharingServiceDep
) -> None:
    await service.remove_collaborator(session.user_id, playlist_id, username)
