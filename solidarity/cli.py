"""The `solidarity` command: run the platform, load demo data, import and export cases.

solidarity demo                 migrate, load demo data, make a demo organiser, serve
solidarity serve [--bind ADDR]  migrate, collect static files, serve with granian
solidarity create-organiser USERNAME EMAIL [--role admin|editor|viewer]
solidarity import PATH [--format csv|json] [--dry-run]
solidarity export [--format csv|json] [--public-only] [-o PATH]
solidarity load-demo
solidarity manage ARGS...       any Django management command
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys

DEMO_BIND = "127.0.0.1:8000"
DEMO_ORGANISER = "demo-organiser"

# Subcommands that are Django management commands under another name.
PASSTHROUGH = {
    "create-organiser": "create_organiser",
    "import": "import_cases",
    "export": "export_cases",
    "load-demo": "load_demo",
}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarity.settings")
    argv = sys.argv[1:] if argv is None else argv
    # Passed on untouched, so that Django's own parser reads their options and --help.
    if argv and argv[0] in PASSTHROUGH:
        return _manage([PASSTHROUGH[argv[0]], *argv[1:]])
    if argv and argv[0] == "manage":
        return _manage(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "serve":
        _prepare()
        return _serve(args.bind, args.workers)
    if args.command == "demo":
        _prepare()
        _load_demo(args.bind)
        return _serve(args.bind, args.workers)
    _parser().print_help()
    return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="solidarity", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in (
        ("serve", "run the platform with granian (after migrate and collectstatic)"),
        ("demo", "serve the platform with demo data and a demo organiser account"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument(
            "--bind",
            default=os.environ.get("SOLIDARITY_BIND", DEMO_BIND),
            help=f"address:port to listen on (default {DEMO_BIND})",
        )
        command.add_argument(
            "--workers", type=int, help="worker processes (default: cores + 1, or WEB_CONCURRENCY)"
        )
    # Listed for --help only: main() hands these to Django before argparse sees them.
    for name, command_name in PASSTHROUGH.items():
        commands.add_parser(name, help=f"= manage.py {command_name} (try --help)")
    commands.add_parser("manage", help="run any Django management command")
    return parser


def _manage(arguments: list[str]) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["solidarity manage", *arguments])
    return 0


def _prepare() -> None:
    """Bring the database and the static files up to date, as every start should."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=1)
    # The hashed, compressed static files that WhiteNoise serves need collecting first.
    call_command("collectstatic", interactive=False, verbosity=0)


def _load_demo(bind: str) -> None:
    from django.core.management import call_command

    from solidarity.core.organisers import create_organiser

    call_command("load_demo")
    password = secrets.token_urlsafe(15)
    create_organiser(DEMO_ORGANISER, "demo@example.org", "admin", password, reset=True)
    host = bind.rsplit(":", 1)[0]
    port = bind.rsplit(":", 1)[-1]
    print(
        "\nDemo organiser account (the password is shown only this once):\n"
        f"  sign in at http://{host}:{port}/en/admin/\n"
        f"  username: {DEMO_ORGANISER}\n"
        f"  password: {password}\n",
        flush=True,
    )


def _serve(bind: str, workers: int | None) -> int:
    """Run granian and, in embedded mode, the Thunderclap worker beside it, until a signal.

    granian (a Rust HTTP server running our WSGI application) keeps connections alive and
    serves the cached case page with a third of gunicorn's CPU per request and a far lower
    p99 on two cores (benchmarks/pages.py). One Python thread per worker process: the GIL
    would make more threads only take turns.
    """
    from django.db import connections

    connections.close_all()
    host, port = bind.rsplit(":", 1)
    server_command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host.strip("[]"),
        "--port",
        port,
        "--workers",
        str(workers or os.cpu_count() or 1),
        "--blocking-threads",
        "1",
        "--no-access-log",
        "solidarity.wsgi:application",
    ]
    children = []
    from django.conf import settings

    if settings.SOLIDARITY_EXECUTOR == "embedded":
        # Embedded mode: no broker; the worker sends Thunderclaps on time beside the server,
        # as SOLIDARITY_SENDERS processes that share each moment's hosts.
        senders = settings.SOLIDARITY_SENDERS
        children += [
            subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
                [
                    *[sys.executable, "-m", "solidarity.cli", "manage", "run_thunderclaps"],
                    *["--shard", f"{index}/{senders}"],
                ]
            )
            for index in range(senders)
        ]
    server = subprocess.Popen(server_command)  # noqa: S603 (our interpreter, fixed arguments)
    children.append(server)

    def stop(signum, _frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    code = server.wait()
    stop(signal.SIGTERM, None)
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
    return code


if __name__ == "__main__":
    sys.exit(main())
