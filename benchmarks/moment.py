"""Benchmark the moment: N supporters over H hosts, all posted at T, against a baseline.

    .venv/bin/python benchmarks/moment.py            # or: make bench-moment

Starts H Mastodon-API hosts on loopback ports in one process (benchmarks/mastodon_receiver.py;
--latency-ms added to every request; each notes when a post *arrived*), then:
  * measures the hosts' own ceiling with wrk posting through them (keep-alive, and a new
    connection per request), so one can see that they are not what limits the senders;
  * builds a scratch SQLite database with a campaign and N Mastodon pledges spread over the
    hosts by Zipf's law (host i gets N * (1/i) / H_H supporters, at least one), arms it with
    T a few seconds ahead, and runs the engine (run_moment, in its own process, as the worker
    does): lateness of each post is its arrival at its host minus T;
  * runs the baseline the same way on the same hosts and pledges: Mastodon.py's
    `status_post` in a 64-thread pool started at T.
Checks that every pledge arrived exactly once, prints p50/p99/max lateness, posts/s and the
sender's peak RSS, the ratio, the ceiling, the medians over --runs rounds, and writes JSON to
benchmarks/results/. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TARGET_MAX_LATENESS_S = 2.0
TARGET_PEAK_RSS_MB = 300.0
TARGET_SPEEDUP = 10.0
console = Console()
LOAD_AT_START = os.getloadavg()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supporters", type=int, default=10_000, help="pledges (N)")
    parser.add_argument("--hosts", type=int, default=200, help="Mastodon hosts (H)")
    parser.add_argument("--latency-ms", type=float, default=150.0, help="added per request")
    parser.add_argument("--runs", type=int, default=1, help="rounds; medians are reported")
    parser.add_argument(
        "--per-host",
        type=int,
        default=None,
        help="the engine's concurrency cap per host (default: the engine's own)",
    )
    parser.add_argument(
        "--senders",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        help="engine processes sharing the moment, as `solidarity serve` starts them "
        "(SOLIDARITY_SENDERS, default: one per core, at most 4)",
    )
    parser.add_argument("--threads", type=int, default=64, help="the baseline's thread pool")
    parser.add_argument(
        "--loop",
        choices=["asyncio", "uvloop"],
        default="uvloop",
        help="the engine's event loop (uvloop, as the worker runs it)",
    )
    parser.add_argument("--lead", type=float, default=15.0, help="seconds from arming to T")
    parser.add_argument("--ceiling-seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--ceiling-connections", type=int, default=2000)
    parser.add_argument("--no-baseline", action="store_true", help="the engine only")
    parser.add_argument("--profile", help="write the engine's cProfile stats to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def zipf_sizes(supporters: int, hosts: int) -> list[int]:
    """Host i (from 1) gets supporters * (1/i) / H_hosts, at least one; the sum is exact."""
    harmonic = sum(1 / i for i in range(1, hosts + 1))
    shares = [supporters / i / harmonic for i in range(1, hosts + 1)]
    sizes = [max(1, int(share)) for share in shares]
    by_remainder = sorted(range(hosts), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for i in by_remainder[: max(supporters - sum(sizes), 0)]:
        sizes[i] += 1
    while sum(sizes) > supporters:  # the minimum of one took more than there is
        sizes[sizes.index(max(sizes))] -= 1
    return sizes


# Receiving hosts -------------------------------------------------------------------------


class Receiver:
    """benchmarks/mastodon_receiver.py in its own process, and its control port."""

    def __init__(self, hosts: int, latency_ms: float, log: Path):
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [
                *(sys.executable, str(HERE / "mastodon_receiver.py")),
                *("--hosts", str(hosts), "--latency-ms", str(latency_ms)),
            ],
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        first = json.loads(self.process.stdout.readline() or "null")
        if not first:
            raise RuntimeError(f"The receiver did not start; see {log}")
        self.ports: list[int] = first["ports"]
        self.control = f"http://127.0.0.1:{first['control']}"

    def received(self) -> dict:
        with urllib.request.urlopen(f"{self.control}/received", timeout=60) as answer:  # noqa: S310
            return json.loads(answer.read())

    def quiet(self, seconds: float = 0.5) -> None:
        """Wait until nothing has arrived for a while (a load generator's backlog drained)."""
        count = -1
        while (now := self.received()["requests"]) != count:
            count = now
            time.sleep(seconds)

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.control}/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=60):  # noqa: S310 (loopback only)
            pass

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def ceiling(receiver: Receiver, args, directory: Path) -> dict:
    """The hosts' own throughput under wrk, the cheapest load generator at hand."""
    import wrk_runner

    results = {}
    for name, close in (("keep-alive", False), ("new connection each", True)):
        script = directory / f"post-{'close' if close else 'keep'}.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            'wrk.body = "status=Ceiling&visibility=public&language=en"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            'wrk.headers["Authorization"] = "Bearer ceiling"\n'
            + ('wrk.headers["Connection"] = "close"\n' if close else "")
        )
        cpu_before = receiver.cpu_seconds()
        result = wrk_runner.run(
            f"http://127.0.0.1:{receiver.ports[0]}/api/v1/statuses",
            threads=1,
            connections=args.ceiling_connections,
            seconds=args.ceiling_seconds,
            script=script,
        )
        receiver.quiet()  # requests still queued at the hosts are served, and counted
        cpu = receiver.cpu_seconds() - cpu_before
        served = receiver.received()["requests"]
        receiver.reset()
        results[name] = {
            "requests_per_second": result.requests_per_second,
            "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms,
            "requests": result.requests,
            # Requests per second of the receiver's own CPU: what one free core would serve,
            # whatever else the machine is doing meanwhile.
            "requests_per_cpu_second": served / cpu if cpu else None,
            "errors": result.socket_errors | {"non_2xx": result.non_2xx},
        }
        console.print(
            f"  ceiling, {name:<20} {result.requests_per_second:>7.0f} req/s"
            f" ({results[name]['requests_per_cpu_second'] or 0:,.0f}/CPU-s)"
        )
    return results


# The database ----------------------------------------------------------------------------


def setup_django(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}
    }
    env |= {
        "SOLIDARITY_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "solidarity.settings",
        "SOLIDARITY_ALLOW_LOOPBACK_SERVERS": "true",  # the hosts are on loopback
        "PYTHONPATH": str(REPO),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return env


def armed_campaign(round_number: int, ports: list[int], sizes: list[int], lead: float):
    """A campaign with one pledge per supporter, armed for T = now + lead; returns (id, T)."""
    from django.db import connections
    from django.utils import timezone

    from solidarity.campaigns import actions
    from solidarity.campaigns.models import Campaign, Network, Pledge
    from solidarity.campaigns.tests.helpers import solidarity_day

    campaign = solidarity_day(goal=1, slug=f"bench-{round_number}-{secrets.token_hex(3)}")
    version = campaign.current_version()
    pledges = []
    for port, size in zip(ports, sizes, strict=True):
        for _ in range(size):
            token = secrets.token_urlsafe(24)
            pledges.append(
                Pledge(
                    campaign=campaign,
                    network=Network.MASTODON,
                    language="en",
                    agreed_version=version,
                    server=f"http://127.0.0.1:{port}",
                    account_id=token[-12:],
                    handle=f"supporter@127.0.0.1:{port}",
                    access_token=token,  # encrypted at rest by the field, as in production
                    withdraw_secret_hash=hashlib.sha256(token.encode()).hexdigest(),
                    state=Pledge.State.ACTIVE,
                )
            )
    Pledge.objects.bulk_create(pledges, batch_size=500)
    Campaign.objects.filter(pk=campaign.pk).update(pledge_deadline=timezone.now())
    campaign.refresh_from_db()
    if actions.do_close_pledging(campaign) != Campaign.State.ARMED:
        raise RuntimeError("The campaign did not arm.")
    moment = timezone.now() + timedelta(seconds=lead)
    Campaign.objects.filter(pk=campaign.pk).update(moment=moment)
    connections.close_all()  # the sender owns the database from here
    return campaign.pk, moment.timestamp()


def deliveries(campaign_id: int) -> list[dict]:
    from solidarity.campaigns.models import Delivery

    rows = Delivery.objects.filter(campaign_id=campaign_id).select_related("pledge")
    return [
        {
            "server": row.pledge.server,
            "token": str(row.pledge.access_token),
            "text": row.text,
            "language": row.language,
            "key": str(row.idempotency_key),
            "state": row.state,
        }
        for row in rows
    ]


# Runs ------------------------------------------------------------------------------------


def lateness(received: dict, moment: float, expected: set[str]) -> dict:
    """Lateness at the hosts, relative to T, and the exactly-once check."""
    created = received["created"]
    tokens = [token for _, _, token in created]
    late = sorted(arrived - moment for arrived, _, _ in created)
    problems = []
    if len(tokens) != len(set(tokens)):
        problems.append(f"{len(tokens) - len(set(tokens))} posted more than once")
    if missing := expected - set(tokens):
        problems.append(f"{len(missing)} never arrived")
    if extra := set(tokens) - expected:
        problems.append(f"{len(extra)} from unknown tokens")
    if not late:
        return {"exactly_once": False, "problems": problems or ["nothing arrived"]}

    def quantile(q: float) -> float:
        return late[min(int(q * len(late)), len(late) - 1)]

    return {
        "posted": len(late),
        "first_s": late[0],
        "p50_s": quantile(0.50),
        "p99_s": quantile(0.99),
        "max_s": late[-1],
        "posts_per_second": len(late) / late[-1] if late[-1] > 0 else None,
        "requests": received["requests"],
        "repeated_keys": received["repeats"],
        "exactly_once": not problems,
        "problems": problems,
    }


def pss_mb(pid: int) -> float:
    """A process's proportional set size: its own pages, and its share of pages it shares
    with others (the interpreter, libraries), so that two processes' sizes can be added."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024  # kB
    return 0.0


def senders(commands: list[list[str]], env: dict[str, str], log: Path) -> tuple[list[dict], float]:
    """Run the sender processes side by side: what each printed of itself, and the peak of
    their summed PSS, sampled every 100 ms."""
    with log.open("ab") as errors:
        running = [
            subprocess.Popen(
                [sys.executable, str(HERE / "moment_senders.py"), *command],
                env=env,
                stdout=subprocess.PIPE,  # one JSON line at the end: the pipe cannot fill
                stderr=errors,
            )
            for command in commands
        ]
        peak_pss = 0.0
        deadline = time.monotonic() + 1800
        while any(process.poll() is None for process in running):
            if time.monotonic() > deadline:
                for process in running:
                    process.kill()
                raise RuntimeError(f"the senders did not finish; see {log}")
            peak_pss = max(peak_pss, sum(pss_mb(process.pid) for process in running))
            time.sleep(0.1)
        outputs = [process.stdout.read() for process in running]
    for command, process in zip(commands, running, strict=True):
        if process.returncode != 0:
            raise RuntimeError(f"{command[0]} exited with {process.returncode}; see {log}")
    return [json.loads(output.decode().strip().splitlines()[-1]) for output in outputs], peak_pss


def sender(command: list[str], env: dict[str, str], log: Path) -> dict:
    [usage], _ = senders([command], env, log)
    return usage


def run_engine(args, env, receiver: Receiver, sizes, round_number, data_dir) -> tuple[dict, list]:
    campaign_id, moment = armed_campaign(round_number, receiver.ports, sizes, args.lead)
    command = ["engine", str(campaign_id), "--loop", args.loop]
    if args.per_host:
        command += ["--per-host", str(args.per_host)]
    commands = [[*command, "--shard", f"{i}/{args.senders}"] for i in range(args.senders)]
    if args.profile:
        commands[0] += ["--profile", args.profile]
    each, peak_pss = senders(commands, env, data_dir / "engine.log")
    usage = {
        # The senders' memory together: the peak of their summed PSS (what the target is
        # read against), and the sum of each one's peak RSS (an upper bound: it counts the
        # shared interpreter and libraries once per process, and the peaks need not meet).
        "peak_rss_mb": peak_pss if len(each) > 1 else each[0]["peak_rss_mb"],
        "summed_peak_rss_mb": sum(one["peak_rss_mb"] for one in each),
        "cpu_seconds": sum(one["cpu_seconds"] for one in each),
        "started": min(one["started"] for one in each),
        "returned": max(one["returned"] for one in each),
    }
    rows = deliveries(campaign_id)
    stats = lateness(receiver.received(), moment, {row["token"] for row in rows})
    states = {}
    for row in rows:
        states[row["state"]] = states.get(row["state"], 0) + 1
    if states != {"posted": len(rows)}:
        stats["exactly_once"] = False
        stats["problems"].append(f"delivery states: {states}")
    stats |= {
        "delivery_states": states,
        "peak_rss_mb": usage["peak_rss_mb"],
        "summed_peak_rss_mb": usage["summed_peak_rss_mb"],
        "per_host": each[0]["per_host"],
        "cpu_seconds": usage["cpu_seconds"],
        "done_s": usage["returned"] - moment,  # every outcome recorded, campaign finished
        "prepare_lead_s": moment - usage["started"],
    }
    receiver.reset()
    return stats, rows


def run_baseline(args, env, receiver: Receiver, rows: list[dict], data_dir) -> dict:
    pledges = data_dir / "pledges.json"
    pledges.write_text(json.dumps(rows))
    moment = time.time() + args.lead
    command = ["baseline", str(pledges), "--moment", str(moment), "--threads", str(args.threads)]
    usage = sender(command, env, data_dir / "baseline.log")
    pledges.unlink()  # it holds tokens in the clear
    stats = lateness(receiver.received(), moment, {row["token"] for row in rows})
    if usage["errors"]:
        stats["exactly_once"] = False
        stats["problems"].append(f"{len(usage['errors'])} errors, e.g. {usage['errors'][0]}")
    stats |= {
        "peak_rss_mb": usage["peak_rss_mb"],
        "cpu_seconds": usage["cpu_seconds"],
        "done_s": usage["returned"] - moment,
    }
    receiver.reset()
    return stats


def show(label: str, stats: dict) -> None:
    if "max_s" not in stats:
        console.print(f"  {label:<9} [red]{'; '.join(stats['problems'])}[/red]")
        return
    console.print(
        f"  {label:<9} p50 {stats['p50_s']:6.3f} s  p99 {stats['p99_s']:6.3f} s"
        f"  max {stats['max_s']:6.3f} s  {stats['posts_per_second'] or 0:8.0f} posts/s"
        f"  RSS {stats['peak_rss_mb']:5.0f} MB"
        + ("" if stats["exactly_once"] else f"  [red]{'; '.join(stats['problems'])}[/red]")
    )


def median_of(runs: list[dict]) -> dict:
    keys = (
        *("p50_s", "p99_s", "max_s", "posts_per_second", "peak_rss_mb", "summed_peak_rss_mb"),
        *("cpu_seconds", "done_s"),
    )
    summary = {
        key: statistics.median(run[key] for run in runs if run.get(key) is not None)
        for key in keys
        if any(run.get(key) is not None for run in runs)
    }
    return summary | {"exactly_once": all(run["exactly_once"] for run in runs), "runs": runs}


def report(summary: dict, args, sizes: list[int]) -> Path:
    engine, baseline, ceilings = summary["engine"], summary.get("baseline"), summary["ceiling"]
    speedup = (
        engine["posts_per_second"] / baseline["posts_per_second"]
        if baseline and engine.get("posts_per_second") and baseline.get("posts_per_second")
        else None
    )
    summary["speedup"] = speedup
    table = Table(
        title=f"{args.supporters:,} supporters over {args.hosts} hosts (largest {sizes[0]:,}), "
        f"+{args.latency_ms:.0f} ms per request; median of {args.runs}"
    )
    for column in ("sender", "p50", "p99", "max", "posts/s", "peak memory", "once"):
        table.add_column(column, justify="left" if column == "sender" else "right")
    per_host = engine["runs"][0]["per_host"]
    rows = [(f"engine ({args.senders} x, per host {per_host}, {args.loop})", engine)]
    if baseline:
        rows.append((f"Mastodon.py, {args.threads} threads", baseline))
    for name, row in rows:
        table.add_row(
            name,
            f"{row['p50_s']:.3f} s",
            f"{row['p99_s']:.3f} s",
            f"{row['max_s']:.3f} s",
            f"{row['posts_per_second']:,.0f}",
            f"{row['peak_rss_mb']:.0f} MB",
            "yes" if row["exactly_once"] else "NO",
        )
    console.print(table)
    if engine.get("summed_peak_rss_mb") and args.senders > 1:
        console.print(
            f"Engine memory: peak of the {args.senders} senders' summed PSS; each one's "
            f"peak RSS added up: {engine['summed_peak_rss_mb']:.0f} MB"
        )
    if speedup:
        console.print(f"Engine / baseline (posts/s): {speedup:.1f}x")
    for name, row in ceilings.items():
        console.print(
            f"Hosts' ceiling ({name}, wrk -c{args.ceiling_connections}): "
            f"{row['requests_per_second']:,.0f} req/s; "
            f"{row['requests_per_cpu_second'] or 0:,.0f} per receiver CPU-second"
        )
    met = (
        engine["exactly_once"]
        and engine["max_s"] <= TARGET_MAX_LATENESS_S
        and engine["peak_rss_mb"] <= TARGET_PEAK_RSS_MB
        and (speedup or 0) >= TARGET_SPEEDUP
    )
    console.print(
        f"Target (all within {TARGET_MAX_LATENESS_S:.0f} s of T, peak RSS <= "
        f"{TARGET_PEAK_RSS_MB:.0f} MB, >= {TARGET_SPEEDUP:.0f}x the baseline): "
        + ("[green]met[/green]" if met else "[red]missed[/red]")
    )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"moment-{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "when": stamp,
                "command": " ".join([Path(sys.executable).name, *sys.argv]),
                "settings": vars(args),
                "host_sizes": sizes,
                "machine": {
                    "cpus": os.cpu_count(),
                    # Other work on the machine skews everything: look here before comparing.
                    "load_average_at_start": LOAD_AT_START,
                    "load_average_at_end": os.getloadavg(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "target_met": met,
                "results": summary,
            },
            indent=2,
        )
    )
    return path


def main() -> int:
    args = arguments()
    sys.path.insert(0, str(HERE))
    if LOAD_AT_START[0] > 0.5:
        console.print(
            f"[yellow]The machine is busy (load {LOAD_AT_START[0]:.1f}): "
            "the figures will be low and noisy.[/yellow]"
        )
    sizes = zipf_sizes(args.supporters, args.hosts)
    data_dir = Path(tempfile.mkdtemp(prefix="solidarity-moment-"))
    receiver = None
    try:
        env = setup_django(data_dir)
        receiver = Receiver(args.hosts, args.latency_ms, data_dir / "receiver.log")
        console.print(f"{args.hosts} hosts listening; measuring their ceiling ...")
        summary: dict = {"ceiling": ceiling(receiver, args, data_dir)}
        engine_runs, baseline_runs = [], []
        for round_number in range(1, args.runs + 1):
            console.print(f"Round {round_number}/{args.runs}")
            stats, rows = run_engine(args, env, receiver, sizes, round_number, data_dir)
            show("engine", stats)
            engine_runs.append(stats)
            if not args.no_baseline:
                baseline_runs.append(run_baseline(args, env, receiver, rows, data_dir))
                show("baseline", baseline_runs[-1])
        summary["engine"] = median_of(engine_runs)
        if baseline_runs:
            summary["baseline"] = median_of(baseline_runs)
        path = report(summary, args, sizes)
        console.print(f"Results written to {path.relative_to(REPO)}")
        return 0
    finally:
        if receiver:
            receiver.close()
        if args.keep:
            console.print(f"Kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
