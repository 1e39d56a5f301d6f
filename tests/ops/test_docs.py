"""Swagger UI at /docs works with no internet: the app serves every file the page loads."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
from fastapi import FastAPI

from spotify_api.ops.docs import ASSETS_DIR, swagger_ui_version


class _References(HTMLParser):
    """The URLs that the page's <script> and <link> tags load, and those tags as written."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"script", "link"}:
            return
        self.tags.append(self.get_starttag_text() or "")
        self.urls += [value or "" for name, value in attrs if name in {"src", "href"}]


async def docs_page(client: httpx.AsyncClient) -> tuple[httpx.Response, _References]:
    response = await client.get("/docs")
    assert response.status_code == 200, response.text
    references = _References()
    references.feed(response.text)
    return response, references


async def test_docs_loads_only_what_the_app_serves(client: httpx.AsyncClient) -> None:
    response, references = await docs_page(client)
    assert response.headers["content-type"].startswith("text/html")
    assert len(references.urls) == 3  # the script, the stylesheet, the icon
    for tag in references.tags:
        assert "http://" not in tag, tag
        assert "https://" not in tag, tag
    for url in references.urls:
        assert url.startswith(f"/docs/assets/{swagger_ui_version()}/"), url
    # The browser itself refuses any other origin.
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy


async def test_the_page_asks_no_online_validator_and_keeps_the_login(
    client: httpx.AsyncClient,
) -> None:
    response, _ = await docs_page(client)
    assert '"validatorUrl": null' in response.text
    assert '"persistAuthorization": true' in response.text
    assert "url: '/openapi.json'" in response.text
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in response.text


async def test_the_assets_answer_with_their_types(client: httpx.AsyncClient) -> None:
    _, references = await docs_page(client)
    expected = {
        "swagger-ui-bundle.js": ("text/javascript", b"SwaggerUIBundle"),
        "swagger-ui.css": ("text/css", b".swagger-ui"),
        "favicon-32x32.png": ("image/png", b"\x89PNG"),
    }
    for url in references.urls:
        name = url.rsplit("/", 1)[1]
        media_type, marker = expected.pop(name)
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].split(";")[0] == media_type, url
        assert "immutable" in response.headers["cache-control"], url
        assert marker in response.content, url
        assert response.content == (ASSETS_DIR / name).read_bytes()
    assert not expected, f"not referenced by /docs: {sorted(expected)}"


async def test_only_the_listed_assets_are_served(client: httpx.AsyncClient) -> None:
    base = f"/docs/assets/{swagger_ui_version()}"
    for name in ("VERSION", "LICENSE", "../docs.py", "swagger-ui-bundle.js.map"):
        response = await client.get(f"{base}/{name}")
        assert response.status_code == 404, name


async def test_the_oauth2_redirect_page_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs/oauth2-redirect")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swaggerUIRedirectOauth2" in response.text
    assert not re.search(r"<(script|link)[^>]+https?://", response.text)


async def test_no_page_loads_from_a_cdn(client: httpx.AsyncClient) -> None:
    # FastAPI's ReDoc page would load its script and fonts from CDNs: it is off.
    assert (await client.get("/redoc")).status_code == 404


def test_the_docs_are_not_in_the_spec(app: FastAPI) -> None:
    assert not [path for path in app.openapi()["paths"] if path.startswith("/docs")]


def test_the_vendored_release_is_named() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", swagger_ui_version())


async def test_the_root_sends_people_to_the_docs(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 307
    assert response.headers["location"] == "/docs"  # relative: the Host header plays no part
    assert (await client.get(response.headers["location"])).status_code == 200
