"""Who may change a playlist: its owner everything, a collaborator its items, no one else.

A private playlist does not exist for anyone but its owner and collaborators: 404, so that ids
cannot be probed. A public one exists for everyone with a token, and those who may not change
it get 403.
"""

from __future__ import annotations

import uuid

from spotify_api.playlists.errors import NotOwner, PlaylistNotFound, SnapshotMismatch
from spotify_api.playlists.repository import Locked


def changeable(
    playlist: Locked | None, user_id: uuid.UUID, if_match: str | None, *, owner_only: bool = False
) -> Locked:
    """The locked playlist if `user_id` may change it (its details and members with
    `owner_only`, its items otherwise) and it matches `if_match`; raises otherwise."""
    playlist = visible(playlist, user_id)
    owner = playlist.owner_id == user_id
    if not owner and owner_only:
        raise NotOwner()
    if not owner and not playlist.collaborator:
        raise NotOwner("Only the playlist's owner and its collaborators may change its songs.")
    if if_match is not None and not matches(if_match, playlist.snapshot_id):
        raise SnapshotMismatch()
    return playlist


def visible(playlist: Locked | None, user_id: uuid.UUID) -> Locked:
    """The locked playlist if `user_id` may see it; PlaylistNotFound otherwise."""
    if playlist is None or not (
        playlist.public or playlist.collaborator or playlist.owner_id == user_id
    ):
        raise PlaylistNotFound()
    return playlist


def matches(if_match: str, snapshot_id: str) -> bool:
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or any(tag.removeprefix("W/").strip('"') == snapshot_id for tag in tags)
