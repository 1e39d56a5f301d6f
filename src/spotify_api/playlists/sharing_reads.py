"""The reads of shared playlists: every playlist a user has a relation to, and a playlist's
collaborators, one statement each (and a count when a page is empty), as the other playlist
reads (`reads`). Who may list the collaborators is read first, apart: a collaborator removed
in between reads the list as it was a moment before."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Literal, TypedDict

from sqlalchemy import (
    Integer,
    Select,
    Uuid,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)

from spotify_api.core.keyset import PageQuery, SortKey, Window, restrict, window
from spotify_api.core.reads import ReadDatabase
from spotify_api.playlists.reads import collaborates, playlist_columns
from spotify_api.playlists.tables import collaborators, followers, items, playlists, users
from spotify_api.playlists.views import PlaylistView, playlist_view

_USER = bindparam("user", type_=Uuid())
_PLAYLIST = bindparam("playlist", type_=Uuid())
_SONG = bindparam("song", type_=Uuid())

Relation = Literal["owner", "collaborator", "follower"]
#: A relation's rank: a playlist that is a user's on two counts is listed under the first.
RELATIONS: tuple[Relation, ...] = ("owner", "collaborator", "follower")
_FOLLOWER = RELATIONS.index("follower")

#: Newest activity first: the playlists changed last (items or details) lead.
RECENTLY_UPDATED = SortKey("-updated_at", playlists.c.updated_at, playlists.c.id, True)


class RelatedPlaylistView(PlaylistView):
    relation: Relation


class CollaboratorView(TypedDict):
    id: uuid.UUID
    username: str
    added_at: datetime


def _related(contains_song: bool) -> tuple[Any, Any]:
    """The FROM and WHERE of the caller's playlists: those they own or collaborate on, and
    those they follow while they are public; with `contains_song`, those holding the song."""
    ranked = union_all(
        select(playlists.c.id.label("pid"), literal(0).label("rel")).where(
            playlists.c.owner_id == _USER
        ),
        select(collaborators.c.playlist_id, literal(1)).where(collaborators.c.user_id == _USER),
        select(followers.c.playlist_id, literal(_FOLLOWER)).where(followers.c.user_id == _USER),
    ).subquery("ranked")
    related = (
        select(ranked.c.pid, func.min(ranked.c.rel).label("rel"))
        .group_by(ranked.c.pid)
        .subquery("related")
    )
    joined = playlists.join(related, related.c.pid == playlists.c.id)
    where = or_(related.c.rel < _FOLLOWER, playlists.c.public)
    if contains_song:
        holds = exists().where(items.c.playlist_id == playlists.c.id, items.c.song_id == _SONG)
        where = where & holds
    return (joined, related.c.rel), where


@cache
def _statements(postgres: bool, contains_song: bool) -> tuple[Select[Any], Select[Any]]:
    """The page's statement (each row with the size of the whole list) and the count alone.
    The count's FROM is built anew, so that its subquery has aliases of its own and is not
    correlated to the page's rows."""
    (joined, relation), where = _related(contains_song)
    (count_from, _), count_where = _related(contains_song)
    total = select(func.count()).select_from(count_from).where(count_where).scalar_subquery()
    page = select(*playlist_columns(postgres), relation, total).select_from(joined).where(where)
    return page, select(total)


@cache
def _page(postgres: bool, contains_song: bool, mode: str) -> Select[Any]:
    return restrict(_statements(postgres, contains_song)[0], RECENTLY_UPDATED, mode)


_COLLABORATORS = (
    select(
        collaborators.c.user_id,
        users.c.username,
        collaborators.c.added_at,
        select(playlists.c.collaborators).where(playlists.c.id == _PLAYLIST).scalar_subquery(),
    )
    .join(users, users.c.id == collaborators.c.user_id)
    .where(collaborators.c.playlist_id == _PLAYLIST)
    .order_by(collaborators.c.added_at, collaborators.c.user_id)
    .limit(bindparam("limit", type_=Integer()))
    .offset(bindparam("offset", type_=Integer()))
)
_COLLABORATORS_COUNT = select(playlists.c.collaborators).where(playlists.c.id == _PLAYLIST)


_STANDING = select(playlists.c.owner_id, playlists.c.public, collaborates(_USER)).where(
    playlists.c.id == _PLAYLIST
)


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a user stands with a playlist."""

    owner: bool
    collaborator: bool
    public: bool

    @property
    def member(self) -> bool:
        return self.owner or self.collaborator

    @property
    def sees(self) -> bool:
        return self.member or self.public


def _related_view(row: Any) -> RelatedPlaylistView:
    view = playlist_view(row)
    return {**view, "relation": RELATIONS[row[-2]]}


@dataclass(frozen=True, slots=True)
class RelatedPage:
    playlists: Window[RelatedPlaylistView]
    total: int


@dataclass(frozen=True, slots=True)
class CollaboratorPage:
    collaborators: list[CollaboratorView]
    total: int
    offset: int
    limit: int


class SharingReads:
    def __init__(self, read_database: ReadDatabase) -> None:
        self.db = read_database
        self.postgres = read_database.dialect == "postgresql"

    async def related(
        self, user_id: uuid.UUID, page: PageQuery, contains_song: uuid.UUID | None
    ) -> RelatedPage:
        """A page of the playlists the user owns, collaborates on or follows (and may see),
        newest activity first; with `contains_song`, only those holding that song."""
        holding = contains_song is not None
        statement = _page(self.postgres, holding, page.shape[1])
        params = {"user": user_id, "song": contains_song, **page.params()}
        found = window(await self.db.fetch(statement, params), page)
        if found.rows:
            total = int(found.rows[0][-1])
        else:
            counted = await self.db.fetch(
                _statements(self.postgres, holding)[1], {"user": user_id, "song": contains_song}
            )
            total = int(counted[0][0] or 0)
        views = [_related_view(row) for row in found.rows]
        return RelatedPage(Window(views, found.offset, found.has_next, found.has_previous), total)

    async def standing(self, user_id: uuid.UUID, playlist_id: uuid.UUID) -> Standing | None:
        rows = await self.db.fetch(_STANDING, {"user": user_id, "playlist": playlist_id})
        if not rows:
            return None
        owner_id, public, collaborator = rows[0]
        return Standing(owner_id == user_id, bool(collaborator), bool(public))

    async def collaborators(
        self, playlist_id: uuid.UUID, offset: int, limit: int
    ) -> CollaboratorPage:
        params = {"playlist": playlist_id, "offset": offset, "limit": limit}
        rows = await self.db.fetch(_COLLABORATORS, params)
        if rows:
            total = int(rows[0][3])
        else:
            counted = await self.db.fetch(_COLLABORATORS_COUNT, {"playlist": playlist_id})
            total = int(counted[0][0]) if counted else 0
        found: list[CollaboratorView] = [
            {"id": row[0], "username": row[1], "added_at": row[2]} for row in rows
        ]
        return CollaboratorPage(found, total, offset, limit)
