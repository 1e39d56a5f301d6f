"""Lists paged by offset alone (a playlist's items, its collaborators): links and page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def offset_links(path: str, offset: int, limit: int, total: int) -> tuple[str | None, str | None]:
    """`next` while items follow this page; `previous` on any page past the first, pointing
    at the last full page when `offset` is past the end."""
    following = f"{path}?limit={limit}&offset={offset + limit}" if offset + limit < total else None
    back = max(min(offset, total) - limit, 0)
    preceding = f"{path}?limit={limit}&offset={back}" if offset > 0 else None
    return following, preceding


def offset_page(
    path: str, items: Sequence[Any], offset: int, limit: int, total: int
) -> dict[str, Any]:
    """The paging object of a page of `items` at `offset` in a list of `total`."""
    following, preceding = offset_links(path, offset, limit, total)
    return {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": following,
        "previous": preceding,
    }
