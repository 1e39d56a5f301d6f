"""How the report writes figures: milliseconds, ratios, CPU time per request, verdicts."""

from __future__ import annotations

from harness.load import Run


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def times(value: float) -> str:
    return f"×{value:.2f}"


def cpu(run: Run) -> str:
    return f"{run.cpu_us:,.0f} µs" if run.cpu_us is not None else "?"


def ratios(run: Run, other: Run) -> str:
    """req/s, p50, p99 and CPU/req of `run` against `other`."""
    cpu_ratio = times(run.cpu_us / other.cpu_us) if run.cpu_us and other.cpu_us else "?"
    return (
        f"req/s {run.rps / other.rps:.0%}, p50 {times(run.p50_ms / other.p50_ms)}, "
        f"p99 {times(run.p99_ms / other.p99_ms)}, CPU/req {cpu_ratio}"
    )


def verdict(met: bool) -> str:
    return " — **met**" if met else " — **missed**"
