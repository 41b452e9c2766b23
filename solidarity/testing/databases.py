"""A database of its own for tests that run the worker as separate processes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse


@contextmanager
def scratch_database(directory: Path, name: str) -> Iterator[str]:
    """Yield a DATABASE_URL the processes share: an SQLite file in `directory`, or, when the
    suite runs on PostgreSQL, a fresh database there, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{directory / f'{name}.sqlite3'}"
        return
    import psycopg

    database = f"solidarity_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        yield urlparse(url)._replace(path=f"/{database}").geturl()
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
