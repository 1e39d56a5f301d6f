"""HTTP for user administration: /admin/users."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Users"])
