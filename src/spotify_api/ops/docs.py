"""Swagger UI at /docs, with its assets served by the app itself: it works with no internet.

The assets are Swagger UI's own prebuilt dist (the `swagger-ui-dist` npm package), vendored in
`static/swagger-ui/` by `scripts/update-swagger-ui.sh`; `VERSION` there names the release. The
app is created with `docs_url=None` (FastAPI's page loads them from a CDN) and this module
serves the page, the assets and the OAuth2 redirect page instead, none of them in the spec.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "swagger-ui"
DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = f"{DOCS_URL}/oauth2-redirect"

# What the page loads, and as what. Only these files are served, whatever else lies beside them.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
# The release is part of every asset's URL, so a browser may keep an asset for good: a new
# release is a new URL.
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"

# Nothing on the page may reach past the app. Swagger UI's own default would ask an online
# validator about the spec (validatorUrl); the CSP makes the browser refuse any other origin.
OFFLINE_PARAMETERS: dict[str, Any] = {"validatorUrl": None}
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' 'unsafe-inline'",  # FastAPI's page starts Swagger UI inline
        "style-src 'self' 'unsafe-inline'",  # Swagger UI sets style attributes
        "img-src 'self' data:",  # the stylesheet's icons are data: URLs
        "connect-src 'self'",  # the spec, /login and "Try it out", all on this origin
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    ]
)


# The password flow of /login takes a username and a password alone; Swagger UI's dialog would
# also ask for a client id, a client secret and where to send them, which mean nothing here.
# Swagger UI has no option to leave them out, so the page hides their rows.
AUTHORIZE_DIALOG_STYLE = """<style>
.auth-container .wrapper:has(> label[for="client_id_password"]),
.auth-container .wrapper:has(> label[for="client_secret_password"]),
.auth-container .wrapper:has(> label[for="password_type"]) { display: none; }
</style>"""


def swagger_ui_version() -> str:
    return (ASSETS_DIR / "VERSION").read_text(encoding="ascii").strip()


def assets_url() -> str:
    return f"{DOCS_URL}/assets/{swagger_ui_version()}"


def install_docs(app: FastAPI) -> None:
    """Serve Swagger UI at /docs on `app`, which was created with `docs_url=None`."""
    if app.docs_url is not None:
        raise ValueError("create the app with docs_url=None: this replaces FastAPI's /docs")
    assets = assets_url()
    parameters = {**(app.swagger_ui_parameters or {}), **OFFLINE_PARAMETERS}
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or OAUTH2_REDIRECT_URL

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        response = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets}/swagger-ui.css",
            swagger_favicon_url=f"{root}{assets}/favicon-32x32.png",
            oauth2_redirect_url=root + redirect_url,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=parameters,
        )
        page = (
            bytes(response.body).decode().replace("</head>", f"{AUTHORIZE_DIALOG_STYLE}</head>", 1)
        )
        return HTMLResponse(page, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})

    async def to_the_docs(request: Request) -> RedirectResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return RedirectResponse(root + DOCS_URL)

    async def oauth2_redirect() -> HTMLResponse:
        response = get_swagger_ui_oauth2_redirect_html()
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    app.add_api_route(DOCS_URL, swagger_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route("/", to_the_docs, methods=["GET"], include_in_schema=False)
    app.add_api_route(redirect_url, oauth2_redirect, methods=["GET"], include_in_schema=False)
    for name, media_type in ASSETS.items():
        app.add_api_route(
            f"{assets}/{name}",
            _asset_endpoint(ASSETS_DIR / name, media_type),
            methods=["GET"],
            include_in_schema=False,
        )


def _asset_endpoint(path: Path, media_type: str) -> Callable[[], Awaitable[FileResponse]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run scripts/update-swagger-ui.sh")

    async def asset() -> FileResponse:
        return FileResponse(
            path, media_type=media_type, headers={"Cache-Control": ASSET_CACHE_CONTROL}
        )

    return asset
