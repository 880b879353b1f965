"""Decode and encode large Jobs API payloads; compare with the official databricks-sdk.

Run from the repository root::

    .venv/bin/python benchmarks/bench_serde.py [--repeat 21]

Payloads: a job with 1000 tasks (each with a full cluster definition, libraries and
dependencies), and a runs/list page of 25 runs with 100 tasks each. Both libraries decode and
encode the same payloads in the same process, one operation of each in turn (so load on a
shared machine falls on both alike); the table shows the fastest and the median time of each
and the ratio SDK / ours (above 1 means we are faster). Our models also keep unknown keys; the SDK
drops them.
"""

from __future__ import annotations

import argparse
import copy
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from databricks_jobs import _serde
from databricks_jobs.models import Job, ListRunsResponse


def cluster(i: int) -> dict[str, Any]:
    return {
        "spark_version": "16.4.x-scala2.12",
        "node_type_id": "m5a.xlarge",
        "driver_node_type_id": "m5a.2xlarge",
        "num_workers": 2 + i % 7,
        "aws_attributes": {
            "availability": "SPOT_WITH_FALLBACK",
            "first_on_demand": 1,
            "zone_id": "auto",
            "spot_bid_price_percent": 100,
            "ebs_volume_type": "GENERAL_PURPOSE_SSD",
            "ebs_volume_count": 1,
            "ebs_volume_size": 32,
            "instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/jobs",
        },
        "spark_conf": {
            "spark.sql.shuffle.partitions": "200",
            "spark.databricks.delta.preview.enabled": "true",
        },
        "spark_env_vars": {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"},
        "custom_tags": {"team": "data", "cost_center": f"cc-{i % 13}"},
        "cluster_log_conf": {"dbfs": {"destination": f"dbfs:/logs/job/{i}"}},
        "init_scripts": [
            {"workspace": {"destination": "/Shared/init/setup.sh"}},
            {"volumes": {"destination": "/Volumes/main/default/init/extra.sh"}},
        ],
        "data_security_mode": "SINGLE_USER",
        "single_user_name": "someone@example.com",
        "runtime_engine": "PHOTON",
        "enable_elastic_disk": True,
        "autotermination_minutes": 0,
        "policy_id": "ABCDEF0123456789",
    }


def task(i: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "task_key": f"task_{i}",
        "description": f"step {i} of the nightly pipeline",
        "notebook_task": {
            "notebook_path": f"/Repos/etl/notebooks/step_{i % 50}",
            "base_parameters": {"day": "{{job.start_time.iso_date}}", "n": str(i)},
            "source": "WORKSPACE",
        },
        "new_cluster": cluster(i),
        "libraries": [
            {"pypi": {"package": "pandas==2.2.3"}},
            {"maven": {"coordinates": "org.example:lib:1.0", "exclusions": ["log4j:log4j"]}},
            {"whl": "/Volumes/main/default/wheels/etl-1.0-py3-none-any.whl"},
        ],
        "timeout_seconds": 3600,
        "max_retries": 2,
        "min_retry_interval_millis": 60000,
        "retry_on_timeout": False,
        "run_if": "ALL_SUCCESS",
        "email_notifications": {"on_failure": ["oncall@example.com"]},
    }
    if i:
        out["depends_on"] = [{"task_key": f"task_{j}"} for j in range(max(0, i - 2), i)]
    return out


def job_payload(n_tasks: int = 1000) -> dict[str, Any]:
    return {
        "job_id": 914067542109863,
        "creator_user_name": "someone@example.com",
        "run_as_user_name": "someone@example.com",
        "created_time": 1764000000000,
        "settings": {
            "name": "nightly",
            "tags": {"env": "prod"},
            "max_concurrent_runs": 1,
            "timeout_seconds": 86400,
            "schedule": {
                "quartz_cron_expression": "0 0 9 * * ?",
                "timezone_id": "UTC",
                "pause_status": "UNPAUSED",
            },
            "email_notifications": {"on_failure": ["oncall@example.com"]},
            "queue": {"enabled": True},
            "format": "MULTI_TASK",
            "tasks": [task(i) for i in range(n_tasks)],
        },
    }


def run_task(run_id: int, i: int) -> dict[str, Any]:
    return {
        "run_id": run_id * 1000 + i,
        "task_key": f"task_{i}",
        "notebook_task": {"notebook_path": f"/Repos/etl/notebooks/step_{i}", "source": "GIT"},
        "existing_cluster_id": "0101-120000-abcdefgh",
        "cluster_instance": {"cluster_id": "0101-120000-abcdefgh", "spark_context_id": "8734"},
        "depends_on": [{"task_key": f"task_{i - 1}"}] if i else [],
        "start_time": 1764000000000 + i,
        "end_time": 1764000100000 + i,
        "setup_duration": 1000,
        "execution_duration": 98000,
        "cleanup_duration": 1000,
        "run_duration": 100000,
        "attempt_number": 0,
        "run_page_url": f"https://example.cloud.databricks.com/#job/1/run/{run_id}",
        "state": {
            "life_cycle_state": "TERMINATED",
            "result_state": "SUCCESS",
            "state_message": "",
            "user_cancelled_or_timedout": False,
        },
        "status": {
            "state": "TERMINATED",
            "termination_details": {"code": "SUCCESS", "type": "SUCCESS", "message": ""},
        },
        "run_if": "ALL_SUCCESS",
    }


def runs_payload(n_runs: int = 25, n_tasks: int = 100) -> dict[str, Any]:
    runs = []
    for r in range(n_runs):
        run_id = 480000000000 + r
        runs.append(
            {
                "job_id": 914067542109863,
                "run_id": run_id,
                "number_in_job": run_id,
                "original_attempt_run_id": run_id,
                "creator_user_name": "someone@example.com",
                "run_name": "nightly",
                "run_type": "JOB_RUN",
                "trigger": "PERIODIC",
                "format": "MULTI_TASK",
                "start_time": 1764000000000,
                "end_time": 1764000200000,
                "setup_duration": 0,
                "execution_duration": 0,
                "cleanup_duration": 0,
                "run_duration": 200000,
                "run_page_url": f"https://example.cloud.databricks.com/#job/1/run/{run_id}",
                "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"},
                "status": {
                    "state": "TERMINATED",
                    "termination_details": {"code": "SUCCESS", "type": "SUCCESS"},
                },
                "job_parameters": [{"name": "day", "default": "today", "value": "2026-11-25"}],
                "tasks": [run_task(run_id, i) for i in range(n_tasks)],
            }
        )
    return {"runs": runs, "next_page_token": "CAEQ", "has_more": True}


def interleaved(
    fns: dict[str, Callable[[], Any]], repeat: int, *, collect: bool = True
) -> dict[str, list[float]]:
    """Time each function `repeat` times, one of each in turn, so load hits all alike.

    With `collect` False the cyclic garbage collector is paused while a call is timed, which
    leaves the interpreter's work alone (collections, triggered by allocations, scan every
    live object, the payloads included, and cost both sides alike).
    """
    for fn in fns.values():
        fn()  # warm up (generates the functions)
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            if not collect:
                gc.disable()
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
            gc.enable()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--no-gc", action="store_true", help="pause the collector while timing")
    args = parser.parse_args()

    from databricks.sdk.service import jobs as sdk

    cases = [
        ("job, 1000 tasks", job_payload(), Job, sdk.Job),
        ("runs/list, 25 x 100 tasks", runs_payload(), ListRunsResponse, sdk.ListRunsResponse),
    ]
    rows = []
    for label, payload, ours, theirs in cases:
        ours_obj = _serde.from_dict(ours, payload)
        sdk_obj = theirs.from_dict(copy.deepcopy(payload))
        assert _serde.to_dict(ours_obj) == payload, "our round trip must be lossless"
        times = interleaved(
            {
                "decode ours": lambda p=payload, c=ours: _serde.from_dict(c, p),
                "decode sdk": lambda p=payload, c=theirs: c.from_dict(p),
                "encode ours": lambda o=ours_obj: _serde.to_dict(o),
                "encode sdk": lambda o=sdk_obj: o.as_dict(),
            },
            args.repeat,
            collect=not args.no_gc,
        )
        for op in ("decode", "encode"):
            rows.append((label, op, times[f"{op} ours"], times[f"{op} sdk"]))

    collector = "paused while timing" if args.no_gc else "on"
    print(
        f"Python {sys.version.split()[0]}, {args.repeat} interleaved runs of each, garbage"
        f" collector {collector}; ms"
    )
    header = (
        f"{'payload':<28}{'op':<8}{'ours min':>9}{'sdk min':>9}{'sdk/ours':>9}"
        f"{'ours med':>9}{'sdk med':>9}{'sdk/ours':>9}"
    )
    print(header)
    print("-" * len(header))
    for label, op, mine, theirs in rows:
        a, b = min(mine) * 1000, min(theirs) * 1000
        c, d = statistics.median(mine) * 1000, statistics.median(theirs) * 1000
        print(f"{label:<28}{op:<8}{a:>9.2f}{b:>9.2f}{b / a:>8.2f}x{c:>9.2f}{d:>9.2f}{d / c:>8.2f}x")


if __name__ == "__main__":
    main()
