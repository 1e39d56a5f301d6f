# syntax=docker/dockerfile:1

# ---- builder: install the project (non-editable) into a self-contained venv ----
FROM python:3.12-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_LINK_MODE=copy

# uv installs exactly the versions and hashes that uv.lock pins; it stays in this stage.
RUN pip install --no-cache-dir "uv==0.13.9" && python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /build

# Dependencies first, from the lock alone, so code changes don't reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-install-project

# Then the project itself, as a wheel that carries alembic/ as spotify_api/_alembic.
COPY src/ src/
COPY alembic/ alembic/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-editable \
    && python -c "from spotify_api.core.migrations import script_location; print(script_location())"

# ---- runtime: slim, no build tools, non-root ----
FROM python:3.12-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
    && install -d -o app -g app /app

COPY --from=builder /opt/venv /opt/venv

# /app is writable by the app user: the embedded default (no DATABASE_URL) keeps its SQLite file here.
WORKDIR /app
USER 10001:10001

EXPOSE 5000

HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=4)"]

# serve bounds each request's head (MAX_HEADER_BYTES, HEADER_TIMEOUT_SECONDS) and the open
# connections (MAX_CONNECTIONS), and believes no X-Forwarded-* header: behind a proxy, set
# FORWARDED_ALLOW_IPS to its address. All are settings (src/spotify_api/settings.py).
CMD ["spotify-api", "serve", "--host", "0.0.0.0", "--port", "5000"]
