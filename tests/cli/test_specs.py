"""jobs export and jobs apply: round trips with unknown fields, dry runs, name ambiguity."""

from __future__ import annotations

import json

import pytest
import yaml

from databricks_jobs.testing import Emulator

from .conftest import Cli, chain


def test_apply_creates_then_resets_by_name_keeping_unknown_fields(
    run_cli: Cli, emulator: Emulator
) -> None:
    spec = chain("nightly", future_setting={"mode": "turbo"})
    spec["tasks"][0]["future_task_field"] = 7
    path = run_cli.spec_file(spec, "nightly.json")
    created = run_cli.json("jobs", "apply", path)
    assert created["action"] == "create"
    job_id = created["job_id"]

    exported = run_cli("jobs", "export", str(job_id))
    assert exported.exit_code == 0
    data = json.loads(exported.stdout)
    assert data["future_setting"] == {"mode": "turbo"}
    assert data["tasks"][0]["future_task_field"] == 7

    data["tasks"][2]["notebook_task"]["notebook_path"] = "/n/load-v2"
    edited = run_cli.spec_file(data, "edited.json")
    preview = run_cli("jobs", "apply", edited, "--dry-run")
    assert preview.exit_code == 0
    assert '-        "notebook_path": "/n/load"' in preview.stdout
    assert '+        "notebook_path": "/n/load-v2"' in preview.stdout
    assert f"would reset job {job_id}" in preview.stdout
    assert emulator.applied["jobs/reset"] == 0

    changes = run_cli.json("jobs", "apply", edited)
    assert changes["action"] == "reset"
    assert [c["path"] for c in changes["changes"]] == ["tasks.load.notebook_task.notebook_path"]
    stored = emulator.job_settings(job_id)
    assert stored["tasks"][2]["notebook_task"]["notebook_path"] == "/n/load-v2"
    assert stored["future_setting"] == {"mode": "turbo"}
    assert stored["tasks"][0]["future_task_field"] == 7
    assert len(run_cli.json("jobs", "list")) == 1


def test_dry_run_ignores_the_defaults_the_server_fills_in(run_cli: Cli, emulator: Emulator) -> None:
    path = run_cli.spec_file(chain("lean"), "lean.json")
    job_id = run_cli.json("jobs", "apply", path)["job_id"]
    # The stored job now has format, queue, run_if, timeouts... the file has none of them.
    stored = emulator.job_settings(job_id)
    assert stored["format"] == "MULTI_TASK"
    assert stored["tasks"][0]["run_if"] == "ALL_SUCCESS"
    preview = run_cli("jobs", "apply", path, "--dry-run")
    assert preview.exit_code == 0
    assert "unchanged" in preview.stdout
    assert "+" not in preview.stdout.replace("+++", "")
    result = run_cli.json("jobs", "apply", path)
    assert result["action"] == "unchanged"
    assert emulator.applied["jobs/reset"] == 0


def test_apply_refuses_an_ambiguous_name_with_the_ids(run_cli: Cli, emulator: Emulator) -> None:
    first = run_cli.create_job(chain("twin"))
    second = run_cli.create_job(chain("twin"))
    result = run_cli("jobs", "apply", run_cli.spec_file(chain("twin")))
    assert result.exit_code == 1
    assert f"job ids {first}, {second}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert emulator.applied["jobs/reset"] == 0


def test_yaml_export_and_apply_with_plain_depends_on(run_cli: Cli, emulator: Emulator) -> None:
    text = """
name: from yaml
unknown_top: {a: 1}
tasks:
  - task_key: a
    existing_cluster_id: c
    notebook_task: {notebook_path: /a}
  - task_key: b
    existing_cluster_id: c
    depends_on: [a]
    notebook_task: {notebook_path: /b}
"""
    path = run_cli.tmp_path / "job.yaml"
    path.write_text(text, encoding="utf-8")
    created = run_cli.json("jobs", "apply", str(path))
    job_id = created["job_id"]
    out = run_cli.tmp_path / "exported.yml"
    assert run_cli("jobs", "export", str(job_id), "-o", str(out)).exit_code == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["unknown_top"] == {"a": 1}
    assert data["tasks"][1]["depends_on"] == [{"task_key": "a"}]
    again = run_cli.json("jobs", "apply", str(out))
    assert again["action"] == "unchanged"
    as_yaml = run_cli("jobs", "export", str(job_id), "--format", "yaml")
    assert yaml.safe_load(as_yaml.stdout)["name"] == "from yaml"


def test_apply_of_a_spec_without_a_name_is_refused(run_cli: Cli) -> None:
    result = run_cli("jobs", "apply", run_cli.spec_file({"tasks": []}))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: SpecError: name:")


def test_a_bad_spec_file_is_one_error_line(run_cli: Cli) -> None:
    path = run_cli.tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = run_cli("jobs", "create", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: SpecError:")
    assert "not valid JSON" in result.stderr
    missing = run_cli("jobs", "create", str(run_cli.tmp_path / "nope.json"))
    assert missing.exit_code == 1
    assert "cannot read" in missing.stderr


def test_a_yaml_error_says_where(run_cli: Cli) -> None:
    path = run_cli.tmp_path / "broken.yaml"
    path.write_text("name: nightly\ntasks:\n  - task_key: a\n   depends_on: [b\n", encoding="utf-8")
    result = run_cli("jobs", "create", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: SpecError: {path} is not valid YAML: line 4, column 4: ")


def laughs(levels: int) -> str:
    """YAML whose aliases repeat each other: 10**levels strings once followed, a few KB read."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    lines.append("name: laughs")
    last = f"*a{levels - 1}"
    lines.append(f"tasks: [{{task_key: t, notebook_task: {{notebook_path: /n, x: {last}}}}}]")
    return "\n".join(lines) + "\n"


def test_yaml_aliases_that_repeat_each_other_are_refused_before_they_expand(
    run_cli: Cli, emulator: Emulator
) -> None:
    path = run_cli.tmp_path / "laughs.yaml"
    path.write_text(laughs(9), encoding="utf-8")  # a billion strings, once followed
    result = run_cli("jobs", "create", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: SpecError: {path} holds more than 1,000,000 values once its YAML aliases are "
        "followed (aliases that repeat each other?)"
    )
    assert emulator.applied["jobs/create"] == 0


def test_yaml_aliases_of_a_sensible_size_are_followed(run_cli: Cli, emulator: Emulator) -> None:
    spec = """
cluster: &cluster {spark_version: 16.4.x-scala2.12, num_workers: 2}
name: shared-cluster
tasks:
  - {task_key: a, notebook_task: {notebook_path: /a}, new_cluster: *cluster}
  - {task_key: b, notebook_task: {notebook_path: /b}, new_cluster: *cluster, depends_on: [a]}
"""
    path = run_cli.tmp_path / "aliases.yaml"
    path.write_text(spec, encoding="utf-8")
    job_id = run_cli.json("jobs", "create", str(path))["job_id"]
    settings = run_cli.json("jobs", "get", str(job_id))["settings"]
    clusters = [task["new_cluster"] for task in settings["tasks"]]
    assert clusters == [{"spark_version": "16.4.x-scala2.12", "num_workers": 2}] * 2
    assert settings["tasks"][1]["depends_on"] == [{"task_key": "a"}]
    path.write_text(laughs(6), encoding="utf-8")  # a million strings and their lists: refused
    assert run_cli("jobs", "create", str(path)).exit_code == 1
    path.write_text(laughs(5), encoding="utf-8")  # a hundred thousand: read
    assert run_cli("jobs", "create", str(path)).exit_code == 0


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.yaml", "name: deep\nx: " + "[" * 50_000 + "]" * 50_000 + "\n"),
        ("deep.json", '{"name": "deep", "x": ' + "[" * 50_000 + "]" * 50_000 + "}"),
        # parsed, but deeper than the depends_on rewrite can walk
        ("walk.json", '{"name": "deep", "x": ' + '[{"y": ' * 440 + "null" + "}]" * 440 + "}"),
    ],
)
def test_a_spec_nested_too_deeply_is_one_error_line(run_cli: Cli, name: str, text: str) -> None:
    path = run_cli.tmp_path / name
    path.write_text(text, encoding="utf-8")
    for command in (("jobs", "create"), ("runs", "submit")):
        result = run_cli(*command, str(path))
        assert result.exit_code == 1
        assert result.stderr.strip() == f"error: SpecError: {path} is nested too deeply to read"
