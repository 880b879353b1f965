"""The unrelated ``databricks-jobs`` distribution installed beside ours is warned about once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _import_with(site: Path | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    code = "import databricks_jobs, importlib; importlib.reload(databricks_jobs)"
    return subprocess.run(
        [sys.executable, "-W", "default", "-c", f"import databricks_jobs; {code}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )


def _fake_foreign_install(tmp_path: Path, version: str = "1.0.3") -> Path:
    info = tmp_path / f"databricks_jobs-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: databricks-jobs\nVersion: {version}\n", encoding="utf-8"
    )
    return tmp_path


def test_the_foreign_distribution_is_named_with_its_version(tmp_path: Path) -> None:
    result = _import_with(_fake_foreign_install(tmp_path))
    warnings = [line for line in result.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warnings) == 1, result.stderr  # once, although the module was imported twice
    assert "databricks-jobs 1.0.3" in warnings[0]
    assert "pip uninstall databricks-jobs" in warnings[0]


def test_no_warning_without_it() -> None:
    result = _import_with(None)
    assert "databricks-jobs" not in result.stderr, result.stderr
