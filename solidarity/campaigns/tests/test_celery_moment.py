"""The distributed executor: two real Celery workers on a real RabbitMQ run one moment.

50 supporters on two Mastodon-API servers; both workers get `send_moment` for the same
campaign (one through `tick`, as the scheduler sends it), share the deliveries through
atomic claims, and every pledge is posted exactly once, counted on the servers. The workers
run as their own processes on a scratch database (an SQLite file, or a fresh PostgreSQL
database on the PostgreSQL leg).
"""

import json
import os
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

from solidarity.testing.broker import ensure_rabbitmq
from solidarity.testing.databases import scratch_database
from solidarity.testing.mastodon import LocalMastodon

ROOT = Path(__file__).resolve().parents[3]
SUPPORTERS = 50
SCENARIO = "solidarity.campaigns.tests.celery_scenario"


def run(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def start_worker(env, name: str, log):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "solidarity.celery",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_two_celery_workers_share_one_moment_and_post_each_pledge_once(tmp_path):
    broker = ensure_rabbitmq()
    with ExitStack() as stack, scratch_database(tmp_path, "celery") as database_url:
        servers = [stack.enter_context(LocalMastodon()) for _ in range(2)]
        users = [
            (servers[n % 2], servers[n % 2].create_user(f"celery{n}")) for n in range(SUPPORTERS)
        ]
        users_file = tmp_path / "users.json"
        users_file.write_text(
            json.dumps(
                [
                    {
                        "server": server.url,
                        "id": u.id,
                        "username": u.username,
                        "access_token": u.access_token,
                    }
                    for server, u in users
                ]
            )
        )
        env = os.environ | {
            "DATABASE_URL": database_url,
            "SOLIDARITY_DATA_DIR": str(tmp_path),
            "SOLIDARITY_ALLOW_LOOPBACK_SERVERS": "true",
            "CELERY_BROKER_URL": broker,
            # A queue of this test's own, so no other worker on the broker takes its tasks.
            "CELERY_TASK_DEFAULT_QUEUE": f"solidarity-test-{uuid.uuid4().hex[:8]}",
            "LOG_LEVEL": "ERROR",
        }
        run(env, "manage.py", "migrate", "-v0")
        campaign = json.loads(run(env, "-m", SCENARIO, "setup", str(users_file), "8"))["campaign"]

        logs = [(tmp_path / f"worker{n}.log") for n in (1, 2)]
        workers = [
            start_worker(env, f"w{n}", stack.enter_context(log.open("w")))
            for n, log in enumerate(logs, start=1)
        ]
        try:
            run(env, "-m", SCENARIO, "enqueue", str(campaign))
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                report = json.loads(run(env, "-m", SCENARIO, "status", str(campaign)))
                if report["state"] == "done":
                    break
                time.sleep(1)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=30)

        assert report == {"state": "done", "deliveries": {"posted": SUPPORTERS}}, report
        counts = [len(server.statuses_of(user)) for server, user in users]
        assert counts == [1] * SUPPORTERS, {c: counts.count(c) for c in set(counts)}
        for log in logs:  # each worker ran the moment to the end
            text = log.read_text()
            assert "solidarity.campaigns.tasks.send_moment" in text, text
            assert "succeeded" in text, text
