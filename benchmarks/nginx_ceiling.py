"""Debian's nginx serving one saved HTML file: the ceiling a Python server is compared with."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from servers import wait_until_listening

CONFIG = """\
worker_processes {workers};
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
{user_line}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root}/html;
        default_type "text/html; charset=utf-8";
        location / {{ try_files /page.html =404; }}
    }}
}}
"""


@contextlib.contextmanager
def serving(html: bytes, *, port: int, workers: int, directory: Path) -> Iterator[str]:
    """nginx serving `html` for every path on 127.0.0.1:`port`; yields the base URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    root = directory / "nginx"
    (root / "html").mkdir(parents=True)
    (root / "tmp").mkdir()
    (root / "html" / "page.html").write_bytes(html)
    # As root, nginx's workers drop to `nobody`, who must be able to read the page.
    for path in (directory, root, root / "html", root / "html" / "page.html"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    user_line = "user root;" if os.geteuid() == 0 else ""
    config = root / "nginx.conf"
    config.write_text(CONFIG.format(workers=workers, root=root, port=port, user_line=user_line))
    process = subprocess.Popen(
        [nginx, "-c", str(config), "-p", str(root), "-e", str(root / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_listening(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
