"""Links of a list paged by offset alone (a playlist's items): its `next` and `previous`."""

from __future__ import annotations


def offset_links(path: str, offset: int, limit: int, total: int) -> tuple[str | None, str | None]:
    """`next` while items follow this page; `previous` on any page past the first, pointing
    at the last full page when `offset` is past the end."""
    following = f"{path}?limit={limit}&offset={offset + limit}" if offset + limit < total else None
    back = max(min(offset, total) - limit, 0)
    preceding = f"{path}?limit={limit}&offset={back}" if offset > 0 else None
    return following, preceding
