"""Sessions: tests, lint, typecheck, docs, clients and bench.

lint is ruff and the import-layer contract, typecheck is mypy --strict, clients runs real
third-party clients against the emulator (tests/clients/), bench the benchmarks.
"""

from __future__ import annotations

import glob

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite (asyncio and trio)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def aiohttp_floor(session: nox.Session) -> None:
    """The transport tests with the oldest aiohttp pyproject allows (aiohttp>=3.10).

    aiohttp's own re-send of a dropped request is switched off through hooks that differ by
    release, and a pooled connection holding unread bytes is found through its protocol, so
    the wire counts and the stray answers are checked at the floor too (the tests session has
    the newest).
    """
    session.install("-e", ".[test]", "aiohttp==3.10.*")
    session.run(
        "pytest",
        "tests/core/test_wire_attempts.py",
        "tests/core/test_transport.py",
        "tests/reliability/test_ambiguous_posts.py",
        # the stale pooled connection is found through aiohttp's protocol (`should_close`)
        "tests/reliability/test_hostile_framing.py",
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff, the import-layer contract of DESIGN.md, and no drift of the generated models."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")
    # The model modules are generated: regenerate into a temporary directory and compare.
    session.run("python", "tools/gen_models.py", "--check")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package, the typing examples and the reference and model generators."""
    session.install("-e", ".[typecheck]")
    session.run("mypy", "--strict", "databricks_jobs")
    session.run(
        "mypy",
        "--strict",
        "tests/models/typing_examples.py",
        "tests/typing",
        "examples",
        "tools/gen_models.py",
        "tools/docs/check_site.py",
        "tools/docs/griffe_attrs.py",
        "tools/reference/build_reference.py",
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly (any warning fails), then check its links.

    tools/docs/check_site.py reads the built HTML: every internal link and anchor resolves,
    and no snippet include is left unresolved (what the strict build does not see).
    """
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})
    session.run("python", "tools/docs/check_site.py", "site")


# The clients of `nox -s clients`, pinned: what tests/clients/ proves works against the emulator.
CLIENTS = [
    "databricks-sdk==0.162.0",  # the version tools/reference/ is derived from
    "databricks-cli==0.18.0",  # the legacy CLI's last release
]
# Airflow's Databricks hook with the least of Airflow under it: Airflow's core and task SDK and
# the two providers the hook imports. The Databricks provider itself goes in without its
# declared dependencies, which its hook does not import (databricks-sql-connector, pandas,
# pyarrow): 136 packages in 66 s instead of 153 in 144 s (docs/emulator.md).
AIRFLOW = [
    "apache-airflow-core==3.3.2",
    "apache-airflow-task-sdk==1.3.2",
    "apache-airflow-providers-common-compat==1.23.0",
    "apache-airflow-providers-common-sql==2.4.0",
    "mergedeep==1.3.4",
]
AIRFLOW_DATABRICKS = "apache-airflow-providers-databricks==7.23.0"


@nox.session
def clients(session: nox.Session) -> None:
    """Real third-party clients, pinned, against the served emulator (tests/clients/)."""
    session.install(".", "pytest>=8", *CLIENTS, *AIRFLOW)
    session.install("--no-deps", AIRFLOW_DATABRICKS)
    paths = [arg for arg in session.posargs if not arg.startswith("-")]
    session.run(
        "pytest", "-c", "tests/clients/pytest.ini", *session.posargs, *paths or ["tests/clients"]
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (ratios against baselines measured in the same run)."""
    session.install("-e", ".[bench]")
    for script in session.posargs or sorted(glob.glob("benchmarks/bench_*.py")):
        session.run("python", script)
