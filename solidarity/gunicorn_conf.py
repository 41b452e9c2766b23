"""Gunicorn settings for `solidarity serve` and `solidarity demo` (override by environment).

gthread workers, because they keep connections alive between requests (sync workers close
every connection, so each request pays a new TCP handshake) and a thread waiting on the
database does not hold a whole process. Measured on the 2-core machine (wrk, 64 connections,
the cached demo case page, two 6-second runs each, other jobs running, so rough):
sync x3 488 and 864 requests/s; gthread 3x4 1172 and 1444; gthread 2x8 933 and 507.
Every knob below can be changed by an environment variable.
"""

import multiprocessing
import os
import subprocess
import sys


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "solidarity.wsgi:application"
bind = [os.environ.get("SOLIDARITY_BIND", "127.0.0.1:8000")]
# One process per core and a spare: a worker is mostly Python, so more only adds switching.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
# Import the application once, before forking: workers start fast, and an error in the
# settings stops the server at once instead of looping on dying workers.
preload_app = True
# No access log unless asked for: it costs throughput, and visitors' addresses are
# personal data that this platform has no need to keep.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's control socket defaults to one path per user, which two servers on one machine
# (tests, benchmarks) would fight over; name a path to turn it on.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Embedded mode: the Thunderclap worker runs as a sibling process that the server starts and
# stops, so one command runs everything with no broker. With SOLIDARITY_EXECUTOR=celery the
# Celery workers do that job instead, and with "none" nothing sends (e.g. a read-only mirror).
_thunderclap_worker = None


def on_starting(server):
    global _thunderclap_worker
    if os.environ.get("SOLIDARITY_EXECUTOR", "embedded") != "embedded":
        return
    _thunderclap_worker = subprocess.Popen(
        [sys.executable, "-m", "solidarity.cli", "manage", "run_thunderclaps"]
    )
    server.log.info("Thunderclap worker started (pid %s)", _thunderclap_worker.pid)


def on_exit(server):
    if _thunderclap_worker and _thunderclap_worker.poll() is None:
        _thunderclap_worker.terminate()
        try:
            _thunderclap_worker.wait(timeout=15)
        except subprocess.TimeoutExpired:  # a stuck worker must not keep the server up
            _thunderclap_worker.kill()
