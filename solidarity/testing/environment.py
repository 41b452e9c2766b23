"""Loaded with `-p` (see pyproject.toml), before pytest-django reads the settings.

Tests get a private data directory (database files, cache) and plain static storage, so no
`collectstatic` manifest is needed and nothing touches the developer's own `var/`.
"""

import os
import tempfile

os.environ.setdefault("SOLIDARITY_DATA_DIR", tempfile.mkdtemp(prefix="solidarity-test-"))
os.environ.setdefault("SOLIDARITY_PLAIN_STATIC", "true")
