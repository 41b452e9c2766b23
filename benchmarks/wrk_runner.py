"""Run wrk (Debian's) against a loopback URL and read its latency distribution.

Only loopback URLs are accepted: a benchmark here must never send traffic anywhere else.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_LATENCY_LINE = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RPS_LINE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL_LINE = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: dict[str, int]

    @property
    def clean(self) -> bool:
        """No HTTP errors and no failed connections: a run that measured what it claims."""
        return self.non_2xx == 0 and not any(self.socket_errors.values())

    def as_dict(self) -> dict:
        return asdict(self) | {"clean": self.clean}


def parse(output: str) -> WrkResult:
    latencies = {
        int(pct): float(value) * _UNITS_MS[unit]
        for pct, value, unit in _LATENCY_LINE.findall(output)
    }
    rps = _RPS_LINE.search(output)
    total = _TOTAL_LINE.search(output)
    if not rps or not total or set(latencies) != {50, 75, 90, 99}:
        raise ValueError(f"wrk printed something this parser does not know:\n{output}")
    non_2xx = _NON_2XX.search(output)
    errors = _SOCKET_ERRORS.search(output)
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        p50_ms=latencies[50],
        p75_ms=latencies[75],
        p90_ms=latencies[90],
        p99_ms=latencies[99],
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(
            zip(
                ("connect", "read", "write", "timeout"),
                (int(n) for n in errors.groups()) if errors else (0, 0, 0, 0),
                strict=True,
            )
        ),
    )


def rotation_script(paths: list[str], directory: Path) -> Path:
    """A wrk Lua script that asks for `paths` in turn, so many pages are measured, not one."""
    quoted = ",\n".join(f'  "{path}"' for path in paths if '"' not in path and "\\" not in path)
    script = directory / "rotate.lua"
    script.write_text(
        "local paths = {\n" + quoted + "\n}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return script


def run(
    url: str,
    *,
    threads: int,
    connections: int,
    seconds: int,
    script: Path | None = None,
) -> WrkResult:
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"Refusing to load {host!r}: benchmarks target loopback only.")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    completed = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    return parse(completed.stdout)
