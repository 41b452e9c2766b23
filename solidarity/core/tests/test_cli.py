"""The `solidarity` command: `serve` really runs granian; the other commands reach Django."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from solidarity import cli

SOLIDARITY = Path(sys.executable).parent / "solidarity"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, response.read()


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 120) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"solidarity serve exited with {process.returncode}")
        try:
            status, body = _get(url)
        except OSError:
            time.sleep(0.3)
            continue
        assert status == 200
        return body
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_serve_runs_granian_and_the_worker_with_hashed_static_files(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "SOLIDARITY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("SOLIDARITY_PLAIN_STATIC", None)  # the production storage, as the demo runs it
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [str(SOLIDARITY), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/en/cases/", process).decode()
        stylesheet = re.search(r'/static/[^"]+\.[0-9a-f]{12}\.css', page)
        assert stylesheet, "the page links no hashed stylesheet"
        status, _css = _get(f"http://127.0.0.1:{port}{stylesheet.group(0)}")
        assert status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    server_log = (tmp_path / "server.log").read_text()
    assert "Starting granian" in server_log
    assert process.returncode in (0, -signal.SIGTERM)


# Django closes every connection after a command line, as a real process would: without an
# outer test transaction the next command simply opens a new one (on PostgreSQL too).
@pytest.mark.django_db(transaction=True)
def test_the_passthrough_commands_reach_django(capsys):
    assert cli.main(["load-demo"]) == 0
    assert "Demo data loaded" in capsys.readouterr().out

    assert cli.main(["export", "--public-only", "--no-progress"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "ales-bialiatski" in [case["slug"] for case in document["cases"]]


def test_an_unknown_subcommand_is_refused():
    with pytest.raises(SystemExit) as exit_:
        cli.main(["fly"])
    assert exit_.value.code == 2
