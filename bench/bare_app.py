"""The baseline of bench/catalog.py: FastAPI with one GET and nothing else.

`GET /bare` answers a constant JSON body of exactly `BENCH_BODY_BYTES` bytes (default 512), sent
as stored bytes the way the catalog's cache sends a hit. No middleware, no dependencies, no
database, no Redis: what is left is uvicorn, Starlette's routing and FastAPI's endpoint call.

    BENCH_BODY_BYTES=700 python -m uvicorn bench.bare_app:app --port 8001 --no-access-log
"""

from __future__ import annotations

import os

from fastapi import FastAPI, Response

BODY_BYTES_ENV = "BENCH_BODY_BYTES"
DEFAULT_BODY_BYTES = 512
_SKELETON = (b'{"data":"', b'"}')


def constant_body(size: int) -> bytes:
    """A JSON object of exactly `size` bytes: {"data":"xxx…"}."""
    padding = size - sum(map(len, _SKELETON))
    if padding < 0:
        raise ValueError(f"a body needs at least {size - padding} bytes, not {size}")
    return _SKELETON[0] + b"x" * padding + _SKELETON[1]


BODY = constant_body(int(os.environ.get(BODY_BYTES_ENV, DEFAULT_BODY_BYTES)))

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/bare")
async def bare() -> Response:
    return Response(content=BODY, media_type="application/json")
