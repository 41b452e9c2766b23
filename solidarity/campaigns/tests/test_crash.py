"""Exactly once under crashes: the sending process is SIGKILLed mid-moment and restarted.

2,000 supporters on four servers, two of which ignore the Idempotency-Key, so a post cut
off by a kill can only be found by looking it up. The worker runs as its own process on
its own database (SQLite file, or a fresh PostgreSQL database on the PostgreSQL leg).
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from solidarity.testing.databases import scratch_database
from solidarity.testing.faultproxy import FaultProxy, Faults
from solidarity.testing.mastodon import LocalMastodon

ROOT = Path(__file__).resolve().parents[3]
SUPPORTERS = 2000
SERVERS = 4
KILLS = 3


def run(env, *args, timeout=300):
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def status(env):
    return json.loads(run(env, "-m", "solidarity.campaigns.tests.crash_scenario", "status"))


def open_deliveries(report):
    return sum(
        n
        for state, n in report["deliveries"].items()
        if state in ("pending", "in_flight", "unknown")
    )


def start_worker(env, log):
    # mastodon-mock answers a few dozen requests a second and wedges under many at once: a
    # small cap per host and a generous timeout, as a careful sender uses with any server.
    command = [
        "manage.py",
        "run_thunderclaps",
        "--per-host",
        "8",
        "--request-timeout",
        "10",
        "--lease-seconds",
        "15",
        "--interval",
        "0.2",
    ]
    return subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def test_sigkill_at_random_points_posts_every_pledge_exactly_once(tmp_path):
    rng = random.Random(int(os.environ.get("CRASH_SEED", time.time())))
    with ExitStack() as stack, scratch_database(tmp_path, "crash") as database_url:
        servers = [stack.enter_context(LocalMastodon()) for _ in range(SERVERS)]
        # Every host sits behind the proxy: mastodon-mock itself wedges when a client
        # vanishes mid-request, which a real server does not. Two of them forget keys.
        fronts = [
            stack.enter_context(FaultProxy(server.url, Faults(ignore_idempotency_key=n % 2 == 1)))
            for n, server in enumerate(servers)
        ]
        users = []
        for n in range(SUPPORTERS):
            server = servers[n % SERVERS]
            user = server.create_user(f"s{n}")
            users.append(
                {
                    "server": fronts[n % SERVERS].url,
                    "id": user.id,
                    "username": user.username,
                    "access_token": user.access_token,
                    "_server": server,
                    "_user": user,
                }
            )
        users_file = tmp_path / "users.json"
        users_file.write_text(
            json.dumps([{k: v for k, v in u.items() if not k.startswith("_")} for u in users])
        )
        env = os.environ | {
            "DATABASE_URL": database_url,
            "SOLIDARITY_DATA_DIR": str(tmp_path),
            "SOLIDARITY_ALLOW_LOOPBACK_SERVERS": "true",  # the servers are on 127.0.0.1
            "LOG_LEVEL": "ERROR",
        }
        run(env, "manage.py", "migrate", "-v0")
        run(env, "-m", "solidarity.campaigns.tests.crash_scenario", "setup", str(users_file), "4")

        log = (tmp_path / "worker.log").open("w")
        kills_mid_moment = attempts = 0
        time.sleep(3)
        # A kill counts only if it lands mid-moment: sending, some posts out and some not. One
        # that lands before T (the worker still preparing) is followed by another.
        while kills_mid_moment < KILLS and attempts < 3 * KILLS:
            attempts += 1
            worker = start_worker(env, log)
            time.sleep(rng.uniform(2.0, 8.0))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            report = status(env)
            posted = report["deliveries"].get("posted", 0)
            kills_mid_moment += report["state"] == "sending" and 0 < posted < SUPPORTERS
        worker = start_worker(env, log)
        deadline = time.monotonic() + 420
        while time.monotonic() < deadline:
            report = status(env)
            if report["state"] == "done" and open_deliveries(report) == 0:
                break
            time.sleep(1)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

        assert report["state"] == "done", report
        assert report["deliveries"] == {"posted": SUPPORTERS}, report
        assert kills_mid_moment == KILLS
        counts = [len(u["_server"].statuses_of(u["_user"])) for u in users]
        assert counts.count(1) == SUPPORTERS, {c: counts.count(c) for c in set(counts)}


pytestmark = pytest.mark.crash
