"""Ranks in SQL: where new ranks go, found by the statement that uses them; renumbering.

An item's position is its 0-based index in rank order, found with `ORDER BY rank OFFSET p`
(counted from whichever end is nearer). Ranks are spaced by RANK_GAP, so the common changes touch
one row: an append takes the last rank + RANK_GAP, an insert at the front the first rank -
RANK_GAP, an insert elsewhere the midpoint of its two neighbours' ranks, a removal deletes its
row and nothing shifts. A moved block takes ranks spread evenly in the gap at its destination.

The neighbours are read inside the statement that writes the new ranks (`gap`), not before it:
one round trip, and always the current rows (the playlist row is locked, so nobody else changes
its items). A gap with no room left yields no row, so that statement changes nothing; the caller
then renumbers: rank = (new index + 1) * RANK_GAP, in two set-based statements whatever the
number of rows, on PostgreSQL and SQLite alike. The primary key (playlist_id, rank) is checked row
by row while an UPDATE runs, so the rows are first parked below -RANK_LIMIT, where no live rank
is, then given their new ranks. Renumbering is O(n) and rare; nothing loops over rows in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    Uuid,
    bindparam,
    func,
    literal,
    select,
    update,
)

from spotify_api.core.transactions import Statements
from spotify_api.playlists.models import RANK_GAP, RANK_LIMIT
from spotify_api.playlists.tables import items

PLAYLIST = bindparam("pid", type_=Uuid())
#: Where a window of items starts, counted from the end it is read from, and its length: the
#: neighbours of a gap, and (BLOCK_*) the items a reorder moves.
SKIP = bindparam("skip", type_=Integer())
TAKE = bindparam("take", type_=Integer())
BLOCK_SKIP = bindparam("block_skip", type_=Integer())
BLOCK_TAKE = bindparam("block_take", type_=Integer())
#: How many new ranks a gap must hold.
SLOTS = bindparam("slots", type_=BigInteger())

# Renumbering parks the item of new index i at _PARKED - i, below every live rank.
_PARKED = -RANK_LIMIT - 1


def big(value: int) -> ColumnElement[int]:
    return literal(value, BigInteger())


def window_bounds(length: int, position: int, count: int) -> tuple[bool, int, int]:
    """(from the end?, skip, take) for the items at `position`..`position + count - 1` of
    `length`, counted from whichever end is nearer."""
    from_end = length - position - count
    if from_end < position:
        return True, from_end, count
    return False, position, count


def window(
    from_end: bool, *columns: Any, skip: BindParameter[int] = SKIP, take: BindParameter[int] = TAKE
) -> Select[Any]:
    """`columns` of the items in the window skip/take (its rows come in either order)."""
    rank = items.c.rank
    return (
        select(*columns)
        .where(items.c.playlist_id == PLAYLIST)
        .order_by(rank.desc() if from_end else rank)
        .offset(skip)
        .limit(take)
    )


class Gap(Enum):
    """Where new ranks go: into an empty playlist, before the first item, after the last, or
    between two neighbours (read from the start or from the end of the playlist)."""

    EMPTY = "empty"
    FRONT = "front"
    END = "end"
    BETWEEN = "between"
    BETWEEN_FROM_END = "between-from-end"


def gap_for(length: int, before: int) -> tuple[Gap, dict[str, int]]:
    """The gap just before position `before` (0..length) and the parameters of its window."""
    if length == 0:
        return Gap.EMPTY, {}
    if before == 0:
        return Gap.FRONT, {"skip": 0, "take": 1}
    if before == length:
        return Gap.END, {"skip": 0, "take": 1}
    from_end, skip, take = window_bounds(length, before - 1, 2)
    return (Gap.BETWEEN_FROM_END if from_end else Gap.BETWEEN), {"skip": skip, "take": take}


def gap(kind: Gap) -> Subquery:
    """One row (base, step) such that base + step * k, for k = 1..SLOTS, are free ranks in the
    gap, within ±RANK_LIMIT; no row if they do not fit."""
    if kind is Gap.EMPTY:
        return select(big(0).label("base"), big(RANK_GAP).label("step")).subquery("gap")
    from_end = kind in (Gap.END, Gap.BETWEEN_FROM_END)
    neighbours = window(from_end, items.c.rank.label("r")).subquery("neighbours")
    low, high = func.min(neighbours.c.r), func.max(neighbours.c.r)
    if kind is Gap.FRONT:
        base = high - big(RANK_GAP) * (SLOTS + 1)
        found = select(base.label("base"), big(RANK_GAP).label("step")).having(
            base + RANK_GAP >= -RANK_LIMIT
        )
    elif kind is Gap.END:
        found = select(low.label("base"), big(RANK_GAP).label("step")).having(
            low + big(RANK_GAP) * SLOTS <= RANK_LIMIT
        )
    else:
        step = (high - low) // (SLOTS + 1)
        found = select(low.label("base"), step.label("step")).having(step >= 1)
    return found.select_from(neighbours).subquery("gap")


async def renumber(
    statements: Statements,
    playlist_id: Any,
    new_index: Callable[[ColumnElement[int]], ColumnElement[int]],
) -> None:
    """Give every item the rank (new_index(its index) + 1) * RANK_GAP, in two statements.

    `new_index` maps an item's current 0-based index to its new one (a permutation, or
    one that leaves holes). The rows are parked below -RANK_LIMIT first, where no live rank
    is, so that no row ever takes a rank another still holds.
    """
    rank = items.c.rank
    in_playlist = items.c.playlist_id == playlist_id
    ordered = (
        select(rank.label("old"), (func.row_number().over(order_by=rank) - 1).label("index"))
        .where(in_playlist)
        .subquery()
    )
    park = (
        update(items)
        .where(in_playlist, rank == ordered.c.old)
        .values(rank=big(_PARKED) - new_index(ordered.c.index))
    )
    await statements.fetch(park, {})
    place = (
        update(items)
        .where(in_playlist, rank < -RANK_LIMIT)
        .values(rank=(big(_PARKED) - rank + 1) * RANK_GAP)
    )
    await statements.fetch(place, {})
