"""Spotify's "reorder playlist items" semantics, as a list operation: the model the playlist
tests compare the service with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def spotify_reorder(items: Sequence[T], start: int, before: int, length: int = 1) -> list[T]:
    if start <= before <= start + length:  # before the range, inside it or right after it
        return list(items)
    block = list(items[start : start + length])
    rest = list(items[:start]) + list(items[start + length :])
    at = before if before <= start else before - length
    return rest[:at] + block + rest[at:]
