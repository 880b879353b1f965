"""Sessions: tests, lint (ruff + import-layer contract), typecheck (mypy --strict), docs, bench."""

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
        "tools/reference/build_reference.py",
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly (any warning fails)."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (ratios against baselines measured in the same run)."""
    session.install("-e", ".[bench]")
    for script in session.posargs or sorted(glob.glob("benchmarks/bench_*.py")):
        session.run("python", script)
