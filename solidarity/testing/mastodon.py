"""A real Mastodon-API server on loopback for tests: the `mastodon-mock` package.

Each LocalMastodon is one server (one host) in its own process with an in-memory database.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(
    url: str, payload: dict | None = None, method: str | None = None, token: str = ""
) -> object:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


@dataclass
class MastodonUser:
    id: str
    username: str
    access_token: str


class LocalMastodon:
    def __init__(self, port: int | None = None, config: str = ""):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"
        self._config = config
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> LocalMastodon:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        command = [
            str(Path(sys.executable).with_name("mastodon_mock")),
            "serve",
            "--in-memory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        if self._config:
            command += ["--config", self._config]
        env = os.environ | {"PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"mastodon-mock exited with {self._process.returncode}")
            try:
                _request(f"{self.url}/api/v1/instance")
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("mastodon-mock did not start in 30 s")

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def create_user(self, username: str) -> MastodonUser:
        answer = _request(f"{self.url}/api/v1/_mock/dev_user", {"username": username})
        return MastodonUser(answer["id"], answer["username"], answer["access_token"])

    def statuses_of(self, user: MastodonUser) -> list[dict]:
        return _request(
            f"{self.url}/api/v1/accounts/{user.id}/statuses?limit=40", token=user.access_token
        )

    def token_works(self, user: MastodonUser) -> bool:
        try:
            _request(f"{self.url}/api/v1/accounts/verify_credentials", token=user.access_token)
        except urllib.error.HTTPError as error:
            if error.code == 401:
                return False
            raise
        return True

    def revoke(self, user: MastodonUser) -> None:
        """What a supporter does when they withdraw our access at their server."""
        data = urllib.parse.urlencode({"token": user.access_token}).encode()
        with urllib.request.urlopen(f"{self.url}/oauth/revoke", data, timeout=10):
            pass

    def add_fault(self, rule: dict) -> None:
        _request(f"{self.url}/api/v1/_mock/faults", rule)
