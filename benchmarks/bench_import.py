"""Import time of databricks_jobs against the official databricks-sdk, in fresh processes.

Each statement runs in a fresh interpreter (``python -c "import X"``), alternating between the
statements so that machine noise spreads evenly; the figure is the median wall time minus the
median of ``python -c "pass"`` (interpreter start-up). The children get a fresh
``PYTHONPYCACHEPREFIX`` (filled by an untimed first run) and bytecode writing on, so both
packages load from cached bytecode as an installed wheel would, whatever
``PYTHONDONTWRITEBYTECODE`` says, and nothing is written into the checkout. The peak RSS of
each child comes from ``os.wait4``. One ``python -X importtime`` run per statement gives the
interpreter's own cumulative figure, and shows which heavy modules an import pulls in.

    python benchmarks/bench_import.py [--runs 11] [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from _servers import machine

STATEMENTS = {
    "python -c pass (start-up)": "pass",
    "import databricks_jobs": "import databricks_jobs",
    "import databricks_jobs.models": "import databricks_jobs.models",
    "import databricks_jobs.testing": "import databricks_jobs.testing",
    "import databricks.sdk": "import databricks.sdk",
}
BASELINE = "python -c pass (start-up)"
OURS = "import databricks_jobs"
SDK = "import databricks.sdk"
HEAVY = ("aiohttp", "trio", "databricks_jobs.testing", "databricks_jobs.bulk", "rich", "click")


ENV = dict(os.environ)


def one_run(code: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh interpreter running `code`."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{code!r} failed with status {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def importtime(code: str) -> tuple[float, list[str]]:
    """The cumulative import time (s) `-X importtime` reports, and the heavy modules seen."""
    module = code.removeprefix("import ").strip()
    output = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    ).stderr
    cumulative = 0.0
    seen: set[str] = set()
    for line in output.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not match:
            continue
        name = match.group(4)
        if name == module:
            cumulative = int(match.group(2)) / 1e6
        for heavy in HEAVY:
            if name == heavy or name.startswith(heavy + "."):
                seen.add(heavy)
    return cumulative, sorted(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11, help="fresh processes per statement")
    parser.add_argument("--quick", action="store_true", help="7 runs per statement")
    args = parser.parse_args()
    runs = 7 if args.quick else max(args.runs, 7)
    with tempfile.TemporaryDirectory(prefix="bench-import-pycache-") as cache:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = cache
        measure(runs)


def measure(runs: int) -> None:

    for code in STATEMENTS.values():  # compile the .pyc files once, untimed
        one_run(code)
    walls: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    rss: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(runs):
        for name, code in STATEMENTS.items():
            wall, peak = one_run(code)
            walls[name].append(wall)
            rss[name].append(peak)

    base = statistics.median(walls[BASELINE])
    base_rss = statistics.median(rss[BASELINE])
    net = {name: statistics.median(values) - base for name, values in walls.items()}
    print(f"import time in fresh processes, median of {runs} runs each; {machine()}")
    print(f"interpreter start-up (python -c pass): {base * 1000:.0f} ms, {base_rss:.0f} MB RSS")
    print()
    header = (
        f"{'statement':32} {'net wall ms':>12} {'spread ms':>12} {'-X importtime ms':>17}"
        f" {'RSS +MB':>8} {'vs SDK':>7}  heavy modules loaded"
    )
    print(header)
    print("-" * len(header))
    for name, code in STATEMENTS.items():
        if name == BASELINE:
            continue
        spread = f"{(min(walls[name]) - base) * 1000:.0f}-{(max(walls[name]) - base) * 1000:.0f}"
        cumulative, heavy = importtime(code)
        extra = statistics.median(rss[name]) - base_rss
        ratio = net[name] / net[SDK]
        print(
            f"{name:32} {net[name] * 1000:12.0f} {spread:>12} {cumulative * 1000:17.0f}"
            f" {extra:8.0f} {ratio:6.2f}x  {', '.join(heavy) or '-'}"
        )
    ratio = net[OURS] / net[SDK]
    verdict = "met" if ratio < 0.25 else "MISSED"
    print()
    print(f"target: import databricks_jobs under a quarter of import databricks.sdk: {ratio:.2f}x")
    print(f"-> {verdict}")


if __name__ == "__main__":
    main()
