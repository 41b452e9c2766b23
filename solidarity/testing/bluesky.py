"""A real Bluesky PDS on loopback for the tests.

`ensure_pds_installed()` installs the Node packages pinned in `pds/package-lock.json` once per
machine, into a cache outside the repository, so test runs after the first skip the ~80 s install.
`LocalPDS` runs `pds/server.mjs`: a did:plc directory with an in-memory database and a PDS using it,
both listening on 127.0.0.1 only, with their data in a temporary directory.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PDS_SOURCE = Path(__file__).resolve().parent / "pds"
READY_PREFIX = "READY "
# Only loopback is ever contacted here, so never route through a proxy from the environment.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PDSError(RuntimeError):
    """The local PDS could not be installed, started, or answered with an error."""


def cache_root() -> Path:
    """Where installed packages are kept between runs (SOLIDARITY_CACHE_DIR overrides it)."""
    if configured := os.environ.get("SOLIDARITY_CACHE_DIR"):
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "solidarity"


def _executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PDSError(f"{name} is not installed; the local Bluesky PDS needs Node.js 20 and npm")
    return path


def _node_version() -> str:
    command = [_executable("node"), "--version"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def install_key() -> str:
    """Changes whenever the install would differ: the pinned packages or the Node version.

    better-sqlite3 is compiled against Node's ABI, so a Node upgrade needs a fresh install.
    """
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((PDS_SOURCE / name).read_bytes())
    digest.update(_node_version().encode())
    return digest.hexdigest()[:16]


def ensure_pds_installed() -> Path:
    """Return the directory whose node_modules hold the PDS, running `npm ci` only if needed.

    A file lock lets parallel test workers wait for one install instead of racing; the install
    goes to a scratch directory renamed into place, so an interrupted run leaves no half install.
    """
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"pds-{install_key()}"
    if target.is_dir():
        return target
    with open(root / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.is_dir():
            return target
        scratch = root / f"{target.name}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(PDS_SOURCE / name, scratch / name)
        _npm_ci(scratch)
        scratch.rename(target)
    return target


def _npm_ci(directory: Path) -> None:
    # --nodedir: build better-sqlite3 against the installed Node headers, no download.
    command = [_executable("npm"), "ci", "--nodedir=/usr", "--no-audit", "--no-fund"]
    result = subprocess.run(command, cwd=directory, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PDSError(f"npm ci failed in {directory}:\n{result.stdout}\n{result.stderr}")


_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def new_tid() -> str:
    """A fresh record key in atproto's TID form: microseconds since 1970 and a random clock id.

    13 characters of sortable base32 over 64 bits (top bit zero), so a key chosen before the
    first attempt can be reused by every retry.
    """
    value = (time.time_ns() // 1000) << 10 | secrets.randbelow(1024)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


@dataclass(frozen=True)
class Account:
    did: str
    handle: str
    password: str
    access_jwt: str
    refresh_jwt: str


def query(base_url: str, method: str, params: dict | None = None, token: str | None = None) -> dict:
    """Call an XRPC query (HTTP GET)."""
    url = f"{base_url}/xrpc/{method}"
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    return _call(urllib.request.Request(url), method, token)


def procedure(
    base_url: str, method: str, body: dict | None = None, token: str | None = None
) -> dict:
    """Call an XRPC procedure (HTTP POST); some, like deleteSession, refuse any body at all."""
    url = f"{base_url}/xrpc/{method}"
    request = urllib.request.Request(url, method="POST")
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    return _call(request, method, token)


def _call(request: urllib.request.Request, method: str, token: str | None) -> dict:
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with _http.open(request, timeout=30) as response:
            payload = response.read()
    except urllib.error.HTTPError as error:
        raise XRPCError.from_response(method, error) from None
    return json.loads(payload) if payload else {}


class XRPCError(PDSError):
    def __init__(self, method: str, status: int, error: str, message: str):
        super().__init__(f"{method}: HTTP {status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message

    @classmethod
    def from_response(cls, method: str, response: urllib.error.HTTPError) -> XRPCError:
        try:
            detail = json.loads(response.read())
        except ValueError:
            detail = {}
        return cls(method, response.code, detail.get("error", ""), detail.get("message", ""))


def create_account(base_url: str, handle: str, password: str) -> Account:
    """Create an account on the PDS (handles must end in `.test` on this dev PDS)."""
    local_part = handle.split(".", 1)[0]
    answer = procedure(
        base_url,
        "com.atproto.server.createAccount",
        {"handle": handle, "password": password, "email": f"{local_part}@example.org"},
    )
    return Account(
        did=answer["did"],
        handle=answer["handle"],
        password=password,
        access_jwt=answer["accessJwt"],
        refresh_jwt=answer["refreshJwt"],
    )


class LocalPDS:
    """A did:plc directory and a PDS in one Node process on 127.0.0.1, as a context manager.

    >>> with LocalPDS() as pds:
    ...     alice = pds.create_account("alice.test", "correct horse battery")

    `url` is the PDS (XRPC and OAuth), `plc_url` the did:plc directory. `extra_env` passes PDS_*
    settings (or LOG_ENABLED=true to see the PDS's own log in `log_path`).
    """

    def __init__(self, start_timeout: float = 60.0, extra_env: dict[str, str] | None = None):
        self.start_timeout = start_timeout
        self.extra_env = extra_env or {}
        self.url = ""
        self.plc_url = ""
        self.admin_password = ""
        self._process: subprocess.Popen | None = None
        self._workdir: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> LocalPDS:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def log_path(self) -> Path:
        """Everything Node printed, for diagnosing a failed start."""
        if self._workdir is None:
            raise PDSError("the PDS was never started")
        return Path(self._workdir.name) / "node.log"

    def start(self) -> None:
        modules = ensure_pds_installed()
        self._workdir = tempfile.TemporaryDirectory(prefix="solidarity-pds-")
        env = {
            **os.environ,
            "SOLIDARITY_PDS_MODULES": str(modules),
            "PDS_DEV_MODE": "true",
            "PDS_INVITE_REQUIRED": "false",
            "SOLIDARITY_PDS_EXIT_ON_STDIN_EOF": "1",
            **self.extra_env,
        }
        with open(self.log_path, "wb") as log:
            # stdin stays an open pipe: server.mjs exits when it closes, so a killed test run
            # leaves no PDS behind; it also owns its data directory and removes it as it exits.
            self._process = subprocess.Popen(
                [_executable("node"), str(PDS_SOURCE / "server.mjs")],
                env=env,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if ready := self._ready_line():
                self.url, self.plc_url = ready["pds"], ready["plc"]
                self.admin_password = ready["adminPassword"]
                if self._healthy():
                    return
            if self._process.poll() is not None:
                raise PDSError(f"the PDS exited early:\n{self._log_tail()}")
            time.sleep(0.05)
        raise PDSError(f"the PDS was not ready in {self.start_timeout} s:\n{self._log_tail()}")

    def _ready_line(self) -> dict | None:
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith(READY_PREFIX):
                return json.loads(line.removeprefix(READY_PREFIX))
        return None

    def _healthy(self) -> bool:
        try:
            with _http.open(f"{self.url}/xrpc/_health", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def _log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdin:
            process.stdin.close()
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def create_account(self, handle: str, password: str) -> Account:
        return create_account(self.url, handle, password)
