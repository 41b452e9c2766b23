"""Loaded with `-p` (see pyproject.toml), before pytest-django reads the settings.

Tests get a private data directory (database files, cache) and plain static storage, so no
`collectstatic` manifest is needed and nothing touches the developer's own `var/`.
"""

import os
import tempfile

os.environ.setdefault("SOLIDARITY_DATA_DIR", tempfile.mkdtemp(prefix="solidarity-test-"))
os.environ.setdefault("SOLIDARITY_PLAIN_STATIC", "true")

# xdist workers inherit the directory from the controller. Each needs its own: the page cache
# lives there, and a test clearing it must not empty the cache of a test in the other worker.
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    private = os.path.join(os.environ["SOLIDARITY_DATA_DIR"], worker)
    os.makedirs(private, exist_ok=True)
    os.environ["SOLIDARITY_DATA_DIR"] = private
