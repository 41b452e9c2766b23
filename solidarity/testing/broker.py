"""Message brokers on loopback for the Celery tests: started here if they do not answer.

CI starts them itself through these helpers, with the same commands a new machine uses
(RabbitMQ: `rabbitmq-server -detached`; Redis: the redis-server line below).
"""

from __future__ import annotations

import socket
import subprocess
import time

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"
REDIS_URL = "redis://127.0.0.1:6379/0"
RABBITMQ_START = ["rabbitmq-server", "-detached"]
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _ensure(port: int, command: list[str], ready, timeout: float) -> None:
    if ready():
        return
    if not answers(port):
        subprocess.run(command, check=False, timeout=60, capture_output=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{command[0]} did not answer on 127.0.0.1:{port} in {timeout:.0f} s")


def _amqp_ready() -> bool:
    """The port opens before RabbitMQ accepts logins: ask it for a real connection."""
    if not answers(5672):
        return False
    from kombu import Connection

    try:
        with Connection(RABBITMQ_URL, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:  # any refusal means "not yet"
        return False


def ensure_rabbitmq(timeout: float = 90) -> str:
    """RabbitMQ on 127.0.0.1:5672 (guest/guest); returns its URL."""
    _ensure(5672, RABBITMQ_START, _amqp_ready, timeout)
    return RABBITMQ_URL


def ensure_redis(timeout: float = 30) -> str:
    """Redis on 127.0.0.1:6379; returns its URL."""
    _ensure(6379, REDIS_START, lambda: answers(6379), timeout)
    return REDIS_URL
