"""The sync peer of bench/catalog.py: `GET /songs/<id>` the way the original Flask system did it.

Flask and Flask-SQLAlchemy, ORM models declared over the service's existing tables (nothing is
created), relationships loaded lazily as they are touched (the song, then its album, then its
credits and each credit's artist: one query each), the body built from the objects and sent
with `jsonify`. psycopg 3 is the driver; one gunicorn process with one sync worker serves it,
as the original ran. It answers the service's body (the harness checks it): datetimes in UTC
as Pydantic writes them (`…T12:00:00.123456Z`), artists in credit order.

    DATABASE_URL=postgresql://… gunicorn -w 1 -b 127.0.0.1:8003 bench.flask_peer:app
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, abort, jsonify
from flask.typing import ResponseReturnValue
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme.startswith("postgres") else url


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Artist(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "artists"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str]


class Album(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "albums"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    title: Mapped[str]


class SongArtist(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "song_artists"

    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    artist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("artists.id"))
    artist: Mapped[Artist] = relationship()


class Song(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "songs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    title: Mapped[str]
    album_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("albums.id"))
    duration_ms: Mapped[int]
    track_number: Mapped[int]
    disc_number: Mapped[int]
    explicit: Mapped[bool]
    isrc: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    album: Mapped[Album] = relationship()
    credits: Mapped[list[SongArtist]] = relationship(order_by=SongArtist.position)


def stamp(value: datetime) -> str:
    """In UTC, as Pydantic writes an aware datetime: a `Z`, the fraction only when not 0."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def song_json(song: Song) -> dict[str, Any]:
    return {
        "id": str(song.id),
        "title": song.title,
        "duration_ms": song.duration_ms,
        "track_number": song.track_number,
        "disc_number": song.disc_number,
        "explicit": song.explicit,
        "isrc": song.isrc,
        "album": {"id": str(song.album.id), "title": song.album.title},
        "artists": [
            {"id": str(credit.artist.id), "name": credit.artist.name} for credit in song.credits
        ],
        "created_at": stamp(song.created_at),
        "updated_at": stamp(song.updated_at),
    }


def create_app() -> Flask:
    flask_app = Flask(__name__)
    flask_app.config["SQLALCHEMY_DATABASE_URI"] = _database_url()
    flask_app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 2, "pool_pre_ping": False}
    flask_app.json.sort_keys = False  # type: ignore[attr-defined]
    db.init_app(flask_app)

    @flask_app.get("/health")
    def health() -> ResponseReturnValue:
        return jsonify(status="ok")

    @flask_app.get("/songs/<uuid:song_id>")
    def get_song(song_id: uuid.UUID) -> ResponseReturnValue:
        song = db.session.get(Song, song_id)
        if song is None:
            abort(404)
        return jsonify(song_json(song))

    return flask_app


app = create_app()
