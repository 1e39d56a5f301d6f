"""HTTP for the library: `/me/songs`, `/me/albums` and `/me/artists`, four operations each,
registered from one description per kind (`_Routes`)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel

from spotify_api.core.errors import DomainError
from spotify_api.core.json import dumps
from spotify_api.core.paging import InvalidCursor, PageRequest, list_paging, page_request
from spotify_api.core.problems import problem_responses
from spotify_api.library import schemas
from spotify_api.library.deps import LibraryServiceDep, Reader, Writer
from spotify_api.library.ids import ids_param, parse_ids
from spotify_api.library.kinds import ALBUMS, ARTISTS, SONGS, Kind
from spotify_api.library.models import MAX_IDS
from spotify_api.library.reads import newest_first

router = APIRouter(tags=["Library"])

PRIVATE = "private, no-cache"
PageRequestDep = Annotated[PageRequest, Depends(page_request)]


@dataclass(frozen=True, slots=True)
class _Routes:
    kind: Kind
    #: The operationIds: save, remove, list, check.
    operations: tuple[str, str, str, str]
    #: "save" or "follow", and what the items are called: "saved songs", "followed artists".
    verb: str
    listed: str
    page: type[BaseModel]
    example_item: str


_ROUTES = (
    _Routes(
        SONGS,
        ("saveSongs", "removeSavedSongs", "listSavedSongs", "checkSavedSongs"),
        "save",
        "saved songs",
        schemas.SavedSongPage,
        "song",
    ),
    _Routes(
        ALBUMS,
        ("saveAlbums", "removeSavedAlbums", "listSavedAlbums", "checkSavedAlbums"),
        "save",
        "saved albums",
        schemas.SavedAlbumPage,
        "album",
    ),
    _Routes(
        ARTISTS,
        ("followArtists", "unfollowArtists", "listFollowedArtists", "checkFollowedArtists"),
        "follow",
        "followed artists",
        schemas.FollowedArtistPage,
        "artist",
    ),
)

_UNDO = {"save": "Remove", "follow": "Unfollow"}


def _json(answer: object) -> Response:
    return Response(
        dumps(answer), media_type="application/json", headers={"Cache-Control": PRIVATE}
    )


def _register(routes: _Routes) -> None:
    kind, (save_op, remove_op, list_op, check_op) = routes.kind, routes.operations
    item, path = kind.item, f"/me/{kind.name}"
    not_found: tuple[type[DomainError], ...] = (kind.not_found,)
    IdsParam = Annotated[str, ids_param(item)]  # noqa: N806

    @router.put(
        path,
        operation_id=save_op,
        summary=f"{routes.verb.capitalize()} {kind.name}",
        description=(
            f"Adds up to {MAX_IDS} {kind.name} to your {routes.listed}. One already there "
            f"stays as it was (its `added_at` too). If an id names no {item}, the answer is "
            f"404 `{kind.not_found.code}` naming it, and nothing of the call is saved."
        ),
        status_code=status.HTTP_204_NO_CONTENT,
        responses=problem_responses(*not_found),
    )
    async def save(ids: IdsParam, session: Writer, service: LibraryServiceDep) -> None:
        await service.save(kind, session.user_id, await parse_ids(ids))

    @router.delete(
        path,
        operation_id=remove_op,
        summary=f"{_UNDO[routes.verb]} {kind.name}",
        description=(
            f"Takes up to {MAX_IDS} {kind.name} out of your {routes.listed}; ids that are "
            "not there are ignored."
        ),
        status_code=status.HTTP_204_NO_CONTENT,
    )
    async def remove(ids: IdsParam, session: Writer, service: LibraryServiceDep) -> None:
        await service.remove(kind, session.user_id, await parse_ids(ids))

    @router.get(
        path,
        operation_id=list_op,
        summary=f"List your {routes.listed}",
        description=(
            f"Newest first (the {kind.name} of one call by id), each with its `added_at` and "
            f"the full {item}. Follow `next` to page on; `total` is exact."
        ),
        response_model=routes.page,
        responses=problem_responses(InvalidCursor),
    )
    async def list_items(
        request: Request, session: Reader, service: LibraryServiceDep, page: PageRequestDep
    ) -> Response:
        paging = list_paging(request, page, newest_first(kind))
        found = await service.page(kind, session.user_id, paging.query())
        rows = found.items.rows
        keys = [(row["added_at"], row[item]["id"]) for row in rows]
        return _json({"items": rows, **paging.fields(found.items, keys, found.total)})

    @router.get(
        f"{path}/contains",
        operation_id=check_op,
        summary=f"Check your {routes.listed}",
        description=(
            f"For each of up to {MAX_IDS} ids, in the order asked, whether it is among your "
            f"{routes.listed} (a repeated id is answered each time)."
        ),
        response_model=list[bool],
        responses={200: {"content": {"application/json": {"example": [True, False]}}}},
    )
    async def check(ids: IdsParam, session: Reader, service: LibraryServiceDep) -> Response:
        return _json(await service.contains(kind, session.user_id, await parse_ids(ids)))


for _routes in _ROUTES:
    _register(_routes)
