"""A Python client generated from the committed spec, driven through a scenario on a live server.

openapi-python-client generates the client from openapi.json, as committed, with
clients/python/config.yml, into a temporary folder. The scenario then uses nothing but that
client: its functions to call the API, its models to build requests and to read the answers,
its documented error responses to see a refusal. If the spec stops matching what the app does,
or stops being a spec a generator can use without complaint, this fails.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI

from tests.e2e.conftest import live_server
from tests.helpers import PASSWORD, make_admin

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.json"
CONFIG = ROOT / "clients" / "python" / "config.yml"
PACKAGE = "spotify_api_client"
GENERATE_TIMEOUT_SECONDS = 120
REQUEST_TIMEOUT_SECONDS = 10.0

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("openapi_python_client") is None,
    reason="openapi-python-client is not installed: pip install -e '.[dev]'",
)

Generated = Callable[[str], ModuleType]


def _generator() -> str:
    """The generator's command beside this interpreter (the venv's), else on PATH."""
    found = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    found = found or shutil.which("openapi-python-client")
    assert found, "openapi-python-client is importable but its command is not installed"
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """Generate the client once for this module; yield `import spotify_api_client.<name>`."""
    folder = tmp_path_factory.mktemp("python-client")
    command = [
        _generator(),
        "generate",
        "--path",
        str(SPEC),
        "--config",
        str(CONFIG),
        "--output-path",
        str(folder / PACKAGE),
        "--meta",
        "none",
    ]
    result = subprocess.run(  # noqa: S603 (a fixed command on the repository's own files)
        command, capture_output=True, text=True, timeout=GENERATE_TIMEOUT_SECONDS, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The generator reports what it could not turn into code as warnings and goes on.
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(folder))
        for module in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[module]


def test_every_generated_module_imports(generated: Generated) -> None:
    package = generated("api")
    names = [m.name for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
    assert f"{package.__name__}.accounts.login" in names
    for name in names:
        importlib.import_module(name)
    models = generated("models")
    assert {"LoginRequest", "LoginForm", "Problem", "ValidationProblem"} <= set(models.__all__)


@pytest.fixture
def cli_env(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads the same environment variables as the service; point them at the tests'."""
    monkeypatch.setenv("DATABASE_URL", app.state.settings.database_url)
    monkeypatch.setenv("REDIS_URL", app.state.settings.redis_url)


def clients(generated: Generated, base_url: str) -> tuple[Any, Callable[[str], Any]]:
    """An anonymous client, and a factory of clients that send a bearer token."""
    module = generated("client")
    options: dict[str, Any] = {
        "base_url": base_url,
        "timeout": REQUEST_TIMEOUT_SECONDS,
        "raise_on_unexpected_status": True,  # an undocumented status is a failure
        "httpx_args": {"trust_env": False},
    }
    return module.Client(**options), lambda token: module.AuthenticatedClient(
        token=token, **options
    )


async def curate(generated: Generated, base_url: str) -> list[Any]:
    """An admin (made with the CLI) adds an artist, an album and three songs through the API."""
    login = generated("api.accounts.login")
    create_artist = generated("api.artists.create_artist")
    create_album = generated("api.albums.create_album")
    create_song = generated("api.songs.create_song")
    models = generated("models")

    anonymous, authenticated = clients(generated, base_url)
    async with anonymous:
        # The OAuth2 password form, the body Swagger UI's Authorize button sends.
        form = models.LoginForm(username="curator", password=PASSWORD)
        logged_in = await login.asyncio_detailed(client=anonymous, body=form)
    assert logged_in.status_code == HTTPStatus.OK, logged_in.content
    token = logged_in.parsed
    assert isinstance(token, models.Token)
    assert "catalog:write" in token.scope.split()

    async with authenticated(token.access_token) as admin:
        artist = await create_artist.asyncio(
            client=admin, body=models.ArtistCreate(name="The Velvet Harbors", genres=["dream pop"])
        )
        assert isinstance(artist, models.Artist), artist
        album = await create_album.asyncio(
            client=admin, body=models.AlbumCreate(title="Lanterns at Low Tide", artist_id=artist.id)
        )
        assert isinstance(album, models.Album), album
        assert album.artist.id == artist.id
        songs = []
        for track, title in enumerate(["Paper Moons", "Harbor Lights", "Undertow"], start=1):
            body = models.SongCreate(
                title=title, album_id=album.id, duration_ms=180_000 + track, track_number=track
            )
            song = await create_song.asyncio(client=admin, body=body)
            assert isinstance(song, models.Song), song
            songs.append(song)
    return songs


async def test_a_listener_builds_a_playlist_through_the_generated_client(
    app: FastAPI, generated: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_admin(app.state.settings, monkeypatch, "curator")

    register_user = generated("api.accounts.register_user")
    login = generated("api.accounts.login")
    get_current_user = generated("api.accounts.get_current_user")
    logout = generated("api.accounts.logout")
    list_songs = generated("api.songs.list_songs")
    get_song = generated("api.songs.get_song")
    create_playlist = generated("api.playlists.create_playlist")
    add_song_to_playlist = generated("api.playlists.add_song_to_playlist")
    list_playlist_songs = generated("api.playlists.list_playlist_songs")
    remove_song_from_playlist = generated("api.playlists.remove_song_from_playlist")
    get_playlist = generated("api.playlists.get_playlist")
    models = generated("models")

    async with live_server(app) as base_url:
        paper_moons, harbor_lights, undertow = await curate(generated, base_url)
        anonymous, authenticated = clients(generated, base_url)
        async with anonymous:
            # Register.
            registered = await register_user.asyncio_detailed(
                client=anonymous,
                body=models.RegisterRequest(
                    username="ada", email="ada@example.com", password=PASSWORD
                ),
            )
            assert registered.status_code == HTTPStatus.CREATED, registered.content
            user = registered.parsed
            assert isinstance(user, models.User)
            assert (user.username, user.email) == ("ada", "ada@example.com")
            assert user.role == models.UserRole.USER

            # A wrong password is a documented problem, not an exception.
            refused = await login.asyncio_detailed(
                client=anonymous,
                body=models.LoginRequest(username="ada", password="not-the-password"),
            )
            assert refused.status_code == HTTPStatus.UNAUTHORIZED
            assert isinstance(refused.parsed, models.Problem)
            assert refused.parsed.code == "invalid_credentials"

            # Log in with JSON (the operation's other body is the form `curate` sends).
            token = await login.asyncio(
                client=anonymous, body=models.LoginRequest(username="ada", password=PASSWORD)
            )
            assert isinstance(token, models.Token), token
            assert token.token_type == "bearer"
            assert set(token.scope.split()) == {
                "account:write",
                "library:read",
                "library:write",
                "playlists:read",
                "playlists:write",
            }
            assert token.expires_in > 0

            # Browse: reading the catalog needs no token.
            page = await list_songs.asyncio(
                client=anonymous, sort=models.ListSongsSort("-title"), limit=2
            )
            assert isinstance(page, models.SongPage), page
            assert page.total == 3
            assert (page.limit, page.offset) == (2, 0)
            assert [song.title for song in page.items] == ["Undertow", "Paper Moons"]
            assert page.previous is None
            # Paging follows `next` (a URL, maybe with an opaque cursor); the generator names
            # the field `next_`, and its model reads the page the URL returns.
            assert page.next_
            followed = await anonymous.get_async_httpx_client().get(page.next_)
            assert followed.status_code == HTTPStatus.OK, followed.text
            rest = models.SongPage.from_dict(followed.json())
            assert [song.title for song in rest.items] == ["Harbor Lights"]
            assert rest.next_ is None
            assert rest.previous
            found = await list_songs.asyncio(client=anonymous, q="harbor")
            assert isinstance(found, models.SongPage), found
            assert [song.id for song in found.items] == [harbor_lights.id]
            song = await get_song.asyncio(client=anonymous, song_id=paper_moons.id)
            assert isinstance(song, models.Song), song
            assert (song.title, song.track_number, song.duration_ms) == ("Paper Moons", 1, 180_001)
            assert song.album.title == "Lanterns at Low Tide"
            assert [artist.name for artist in song.artists] == ["The Velvet Harbors"]

        async with authenticated(token.access_token) as ada:
            me = await get_current_user.asyncio(client=ada)
            assert isinstance(me, models.User), me
            assert me.id == user.id

            # Create a playlist; a retry under the same Idempotency-Key changes nothing.
            body = models.PlaylistCreate(name="Road trip", description="Loud songs")
            created = await create_playlist.asyncio_detailed(
                client=ada, body=body, idempotency_key="road-trip-1"
            )
            assert created.status_code == HTTPStatus.CREATED, created.content
            playlist = created.parsed
            assert isinstance(playlist, models.Playlist)
            assert (playlist.name, playlist.description) == ("Road trip", "Loud songs")
            assert playlist.public is False
            assert playlist.owner.username == "ada"
            assert playlist.total_songs == 0
            replayed = await create_playlist.asyncio_detailed(
                client=ada, body=body, idempotency_key="road-trip-1"
            )
            assert replayed.headers["idempotent-replayed"] == "true"
            assert isinstance(replayed.parsed, models.Playlist)
            assert replayed.parsed.id == playlist.id

            # Add two songs: one appended, one inserted before it.
            first = await add_song_to_playlist.asyncio(
                client=ada,
                playlist_id=playlist.id,
                body=models.AddSong(song_id=undertow.id),
            )
            assert isinstance(first, models.SongAdded), first
            assert first.position == 0
            assert first.snapshot_id != playlist.snapshot_id
            second = await add_song_to_playlist.asyncio(
                client=ada,
                playlist_id=playlist.id,
                body=models.AddSong(song_id=paper_moons.id, position=0),
                if_match=f'"{first.snapshot_id}"',
            )
            assert isinstance(second, models.SongAdded), second
            assert second.position == 0
            assert second.snapshot_id != first.snapshot_id

            items = await list_playlist_songs.asyncio(client=ada, playlist_id=playlist.id)
            assert isinstance(items, models.PlaylistItemPage), items
            assert items.total == 2
            assert [(item.position, item.song.id) for item in items.items] == [
                (0, paper_moons.id),
                (1, undertow.id),
            ]
            assert items.items[0].song.title == "Paper Moons"

            # Remove one; a stale If-Match is refused with the documented problem.
            stale = await remove_song_from_playlist.asyncio_detailed(
                client=ada,
                playlist_id=playlist.id,
                body=models.RemoveSong(song_id=paper_moons.id),
                if_match=f'"{first.snapshot_id}"',
            )
            assert stale.status_code == HTTPStatus.PRECONDITION_FAILED
            assert isinstance(stale.parsed, models.Problem)
            assert stale.parsed.code == "snapshot_mismatch"
            removed = await remove_song_from_playlist.asyncio(
                client=ada,
                playlist_id=playlist.id,
                body=models.RemoveSong(song_id=paper_moons.id),
            )
            assert isinstance(removed, models.SongsRemoved), removed
            assert removed.removed == 1
            items = await list_playlist_songs.asyncio(client=ada, playlist_id=playlist.id)
            assert isinstance(items, models.PlaylistItemPage), items
            assert [(item.position, item.song.id) for item in items.items] == [(0, undertow.id)]
            after = await get_playlist.asyncio(client=ada, playlist_id=playlist.id)
            assert isinstance(after, models.Playlist), after
            assert (after.total_songs, after.duration_ms) == (1, undertow.duration_ms)
            assert after.snapshot_id == removed.snapshot_id

            # Log out: the token stops working at once.
            out = await logout.asyncio_detailed(client=ada)
            assert out.status_code == HTTPStatus.NO_CONTENT
            gone = await get_current_user.asyncio_detailed(client=ada)
            assert gone.status_code == HTTPStatus.UNAUTHORIZED
            assert isinstance(gone.parsed, models.Problem)
            assert gone.parsed.code == "not_authenticated"
            assert gone.parsed.status == 401
            assert gone.headers["www-authenticate"].startswith("Bearer")
