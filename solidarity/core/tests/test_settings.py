"""Production settings pass `check --deploy`; the demo key is refused there."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def run_deploy_check(**env):
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | env
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_are_deploy_clean(tmp_path):
    result = run_deploy_check(
        SOLIDARITY_PRODUCTION="true",
        SOLIDARITY_DATA_DIR=str(tmp_path),
        SECRET_KEY="a-real-production-key-" + "k7Qz9xW2pL5vR8mN3bT6yH1cF4jD0sGe",
        DEBUG="false",
        ALLOWED_HOSTS="solidarity.example.org",
        SOLIDARITY_SECRET_KEYS=Fernet.generate_key().decode(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_demo_key_is_refused_in_production(tmp_path):
    result = run_deploy_check(SOLIDARITY_PRODUCTION="true", SOLIDARITY_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "solidarity.E001" in result.stdout + result.stderr
