"""The floor of bench/catalog.py: the service's bodies at the physical limit of one query each.

A bare ASGI callable (no framework, no middleware) on an asyncpg pool and orjson, reading the
same rows of the same database as the service and answering the same JSON (the harness checks
it, parsed, against the service's before it measures):

- app.py: the ASGI callable, its lifespan (the pool) and the routing, `GET /health` (200 once
  the pool is ready);
- reads.py: the reads, one prepared statement each (a song, an album, an artist, the first
  page of songs with a signed `next`, a playlist, a page of its items, also with their JSON
  built by PostgreSQL, `/me`);
- writes.py: the changes (add-song, remove-song, reorder), one transaction each: the
  playlist's row locked, then one combined statement with the service's rank scheme;
- common.py: the error answer, ids, `limit` and `offset`.

What it leaves out, on purpose, since it is the floor and not a second service: no
authentication (no token is read: the playlists are anyone's and `/me` is the user named in
BENCH_FLOOR_USER_ID), no visibility or ownership checks, no If-Match, no idempotency keys, no
cache, no renumbering (a change that finds no free rank answers 409), no rank-limit checks,
only the first page or offset pages of `/songs` (no cursor, no filters, no sort), and the
list's `total` counted once per process (the service keeps it per catalog version; the catalog
does not change during a run).

Started from the repository's root (bench/catalog.py does it with the service's settings;
BENCH_FLOOR_POOL sets the pool's size, 20 by default):

    DATABASE_URL=postgresql://… SECRET_KEY=… BENCH_FLOOR_USER_ID=… PYTHONPATH=src \\
        python -m uvicorn bench.floor:app --port 8002
"""

from .app import app

__all__ = ["app"]
