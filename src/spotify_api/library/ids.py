"""The `ids` query parameter: up to 50 ids, comma-separated in one string (`?ids=a,b`)."""

from __future__ import annotations

import uuid

from fastapi import Query

from spotify_api.library.models import MAX_IDS

_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
IDS_PATTERN = f"^{_UUID}(,{_UUID}){{0,{MAX_IDS - 1}}}$"
IDS_MAX_LENGTH = MAX_IDS * 37 - 1
_EXAMPLE = "9e4b1f7d-2c6a-4e3b-8d5f-1a7c3e9b0d42,5f2d7c1a-9b3e-4c8d-a1e6-7b0f4d2c9e31"


def ids_param(kind: str) -> object:
    return Query(
        min_length=36,
        max_length=IDS_MAX_LENGTH,
        pattern=IDS_PATTERN,
        description=(
            f"1 to {MAX_IDS} {kind} ids (UUIDs, hyphenated), separated by commas, no spaces "
            f"(at most {IDS_MAX_LENGTH} characters). A repeated id counts once."
        ),
        examples=[_EXAMPLE],
    )


async def parse_ids(ids: str) -> list[uuid.UUID]:
    """The ids of a parameter that matched `IDS_PATTERN`, in their order."""
    return [uuid.UUID(text) for text in ids.split(",")]
