"""HTTP for playlists: the caller's own, those shared with them, anyone's public ones, and
changes by their owner (and, of the songs, by their collaborators)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel

from spotify_api.auth.sessions import AuthSession
from spotify_api.core.errors import DomainError
from spotify_api.core.idempotency import (
    REPLAYED_HEADER,
    Idempotency,
    IdempotencyKeyHeader,
    IdempotencyKeyReused,
    IdempotencyStore,
    RequestInProgress,
    run_idempotent,
)
from spotify_api.core.json import dumps
from spotify_api.core.paging import (
    InvalidCursor,
    PageRequest,
    list_paging,
    offset_page_request,
    page_request,
)
from spotify_api.core.problems import ResponsesDoc, problem_responses
from spotify_api.playlists import schemas
from spotify_api.playlists.deps import IfMatch, PlaylistServiceDep, Reader, Writer
from spotify_api.playlists.errors import (
    NotOwner,
    PlaylistFull,
    PlaylistNotFound,
    SnapshotMismatch,
    SongNotFound,
    SongNotInPlaylist,
)
from spotify_api.playlists.fast_reads import PRIVATE, playlist_response
from spotify_api.playlists.links import offset_page
from spotify_api.playlists.reads import NEWEST_FIRST
from spotify_api.playlists.views import PlaylistView

router = APIRouter(tags=["Playlists"])

PageRequestDep = Annotated[PageRequest, Depends(page_request)]
PositionPageDep = Annotated[PageRequest, Depends(offset_page_request)]

CHANGE_ERRORS = (PlaylistNotFound, NotOwner, SnapshotMismatch)
IDEMPOTENCY_ERRORS = (IdempotencyKeyReused, RequestInProgress)
_REPLAYED = {
    REPLAYED_HEADER: {
        "description": "`true` when this is the stored answer to an earlier request.",
        "schema": {"type": "string"},
    }
}


async def _change_items(
    request: Request,
    session: AuthSession,
    idempotency: IdempotencyStore,
    key: str | None,
    body: BaseModel,
    change: Callable[[], Awaitable[Mapping[str, Any]]],
    status_code: int = 200,
) -> Response:
    """Run a change of a playlist's items once per Idempotency-Key; the ETag is the snapshot."""

    def respond(result: Mapping[str, Any]) -> Response:
        return json_response(result, status_code, {"ETag": f'"{result["snapshot_id"]}"'})

    return await run_idempotent(
        idempotency, key, session.user_id, request, _bytes(body, key), change, respond
    )


def _idempotent_responses(success: int, *errors: type[DomainError]) -> ResponsesDoc:
    responses = problem_responses(*IDEMPOTENCY_ERRORS, *errors)
    responses[success] = {"headers": _REPLAYED}
    return responses


def json_response(
    answer: object, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """The answer, plain data in its schema's shape (the route's `response_model`), as JSON."""
    return Response(
        dumps(answer), status_code=status_code, media_type="application/json", headers=headers
    )


@router.get(
    "/playlists",
    operation_id="listPlaylists",
    summary="List your playlists",
    description="Your own playlists, newest first. Follow `next` to page on.",
    response_model=schemas.PlaylistPage,
    responses=problem_responses(InvalidCursor),
)
async def list_playlists(
    request: Request, session: Reader, service: PlaylistServiceDep, page: PageRequestDep
) -> Response:
    paging = list_paging(request, page, NEWEST_FIRST)
    result = await service.list_own(session.user_id, paging.query())
    found = result.playlists
    keys = [(playlist["created_at"], playlist["id"]) for playlist in found.rows]
    answer = {"items": found.rows, **paging.fields(found, keys, result.total)}
    return json_response(answer, headers={"Cache-Control": PRIVATE})


@router.post(
    "/playlists/create",
    operation_id="createPlaylist",
    summary="Create a playlist",
    description="Private unless `public` is true. Send an `Idempotency-Key` to retry safely.",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.Playlist,
    responses=_idempotent_responses(201),
)
async def create_playlist(
    body: schemas.PlaylistCreate,
    request: Request,
    session: Writer,
    service: PlaylistServiceDep,
    idempotency: Idempotency,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    def respond(playlist: PlaylistView) -> Response:
        return json_response(playlist, 201, {"Location": f"/playlists/{playlist['id']}"})

    return await run_idempotent(
        idempotency,
        idempotency_key,
        session.user_id,
        request,
        _bytes(body, idempotency_key),
        lambda: service.create(session.user_id, body),
        respond,
    )


@router.get(
    "/playlists/{playlist_id}",
    operation_id="getPlaylist",
    summary="Get a playlist",
    description=(
        "Yours, one you collaborate on, or anyone's public one. The `ETag` is the snapshot id "
        "(its songs, details and collaborators; `followers` moves without it)."
    ),
    response_model=schemas.Playlist,
    responses=problem_responses(PlaylistNotFound),
)
async def get_playlist(
    playlist_id: uuid.UUID, session: Reader, service: PlaylistServiceDep
) -> Response:
    return playlist_response(await service.get(session.user_id, playlist_id))


@router.get(
    "/playlists/{playlist_id}/songs",
    operation_id="listPlaylistSongs",
    summary="List a playlist's songs",
    description="In playlist order, each with its full song. Follow `next` to page on.",
    response_model=schemas.PlaylistItemPage,
    responses=problem_responses(PlaylistNotFound),
)
async def list_playlist_songs(
    playlist_id: uuid.UUID,
    request: Request,
    session: Reader,
    service: PlaylistServiceDep,
    page: PositionPageDep,
) -> Response:
    found = await service.items(session.user_id, playlist_id, page.offset, page.limit)
    answer = offset_page(request.url.path, found.items, found.offset, found.limit, found.total)
    return json_response(answer, headers={"Cache-Control": PRIVATE})


@router.post(
    "/playlists/{playlist_id}/add-song",
    operation_id="addSongToPlaylist",
    summary="Add a song to a playlist",
    description=(
        "Appends, or inserts at `position` (0..length), moving later songs down. A song may "
        "appear more than once; a playlist holds at most 10,000."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.SongAdded,
    responses=_idempotent_responses(201, *CHANGE_ERRORS, SongNotFound, PlaylistFull),
)
async def add_song_to_playlist(
    playlist_id: uuid.UUID,
    body: schemas.AddSong,
    request: Request,
    session: Writer,
    service: PlaylistServiceDep,
    idempotency: Idempotency,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    return await _change_items(
        request,
        session,
        idempotency,
        idempotency_key,
        body,
        lambda: service.add_song(session.user_id, playlist_id, body, if_match),
        201,
    )


@router.post(
    "/playlists/{playlist_id}/remove-song",
    operation_id="removeSongFromPlaylist",
    summary="Remove a song from a playlist",
    description="Every occurrence of the song, or only the one at `position`.",
    response_model=schemas.SongsRemoved,
    responses=_idempotent_responses(200, *CHANGE_ERRORS, SongNotInPlaylist),
)
async def remove_song_from_playlist(
    playlist_id: uuid.UUID,
    body: schemas.RemoveSong,
    request: Request,
    session: Writer,
    service: PlaylistServiceDep,
    idempotency: Idempotency,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    return await _change_items(
        request,
        session,
        idempotency,
        idempotency_key,
        body,
        lambda: service.remove_song(session.user_id, playlist_id, body, if_match),
    )


@router.post(
    "/playlists/{playlist_id}/reorder",
    operation_id="reorderPlaylist",
    summary="Move songs within a playlist",
    description=(
        "Moves `range_length` songs (default 1) starting at `range_start` to just before "
        "`insert_before`, as Spotify's Web API does."
    ),
    response_model=schemas.Snapshot,
    responses=_idempotent_responses(200, *CHANGE_ERRORS),
)
async def reorder_playlist(
    playlist_id: uuid.UUID,
    body: schemas.Reorder,
    request: Request,
    session: Writer,
    service: PlaylistServiceDep,
    idempotency: Idempotency,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    return await _change_items(
        request,
        session,
        idempotency,
        idempotency_key,
        body,
        lambda: service.reorder(session.user_id, playlist_id, body, if_match),
    )


@router.patch(
    "/playlists/{playlist_id}",
    operation_id="updatePlaylist",
    summary="Change a playlist's details",
    description="Send any subset of `name`, `description` and `public`.",
    response_model=schemas.Playlist,
    responses=problem_responses(*CHANGE_ERRORS),
)
async def update_playlist(
    playlist_id: uuid.UUID,
    body: schemas.PlaylistUpdate,
    session: Writer,
    service: PlaylistServiceDep,
    if_match: IfMatch = None,
) -> Response:
    playlist = await service.update(session.user_id, playlist_id, body, if_match)
    return json_response(playlist, headers={"ETag": f'"{playlist["snapshot_id"]}"'})


@router.delete(
    "/playlists/{playlist_id}",
    operation_id="deletePlaylist",
    summary="Delete a playlist",
    description="Only its owner may; `If-Match` makes it conditional on the snapshot.",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*CHANGE_ERRORS),
)
async def delete_playlist(
    playlist_id: uuid.UUID, session: Writer, service: PlaylistServiceDep, if_match: IfMatch = None
) -> None:
    await service.delete(session.user_id, playlist_id, if_match)


def _bytes(body: BaseModel, idempotency_key: str | None) -> bytes:
    """The body as the idempotency fingerprint takes it (only needed with a key)."""
    return body.model_dump_json().encode() if idempotency_key is not None else b""
