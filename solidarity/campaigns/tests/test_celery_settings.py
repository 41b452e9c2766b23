"""Which executor runs the moments: Celery only when a broker is configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
READ = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SOLIDARITY_EXECUTOR)"
)


def executor(**env) -> str:
    base = {
        k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "SOLIDARITY_EXECUTOR")
    }
    result = subprocess.run(
        [sys.executable, "-c", READ],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "solidarity.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "embedded"),
        ({"SOLIDARITY_EXECUTOR": "celery"}, "embedded"),  # no broker: the embedded worker runs
        ({"CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"}, "celery"),
        (
            {
                "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
                "SOLIDARITY_EXECUTOR": "embedded",
            },
            "embedded",
        ),
    ],
)
def test_executor_follows_the_broker(env, expected):
    assert executor(**env) == expected


def test_the_celery_app_knows_the_tasks():
    from solidarity.campaigns import tasks
    from solidarity.celery import app

    assert tasks.send_moment.name in app.tasks
    assert tasks.tick.name in app.tasks
    assert app.conf.beat_schedule["thunderclaps-tick"]["task"] == tasks.tick.name
