"""Tracebacks through the generated decoders and encoders show their source lines.

`_serde` compiles one decoder and one encoder per model class (and a checking encoder on first
need); their source is registered with `linecache`, as for a module, so a traceback, a
debugger and `inspect` can show it.
"""

from __future__ import annotations

import inspect
import linecache
import traceback
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from databricks_jobs import _serde
from databricks_jobs._serde import from_dict, to_dict
from databricks_jobs.models import NotebookTask, RunIf, SqlTaskFile, Task


class BrokenMapping(Mapping[str, Any]):
    """A mapping whose keys cannot be listed: copying it fails inside the decoder."""

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("this mapping cannot be listed")

    def __len__(self) -> int:
        return 1


def generated_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The frames of `exc` (and the exceptions it chains) in generated serde code."""
    frames = []
    for summary in traceback.TracebackException.from_exception(exc).stack:
        if summary.filename.startswith("<databricks_jobs._serde "):
            frames.append(summary)
    return frames


def test_a_traceback_through_a_decoder_shows_its_line() -> None:
    with pytest.raises(RuntimeError, match="cannot be listed") as raised:
        from_dict(SqlTaskFile, BrokenMapping())
    [frame] = generated_frames(raised.value)
    assert frame.filename == "<databricks_jobs._serde SqlTaskFile>"
    assert frame.name == "s_SqlTaskFile"
    assert frame.line == "d = dict(d)"
    text = "".join(traceback.format_exception(raised.value))
    assert 'File "<databricks_jobs._serde SqlTaskFile>", line' in text
    assert "    d = dict(d)\n" in text


def test_a_traceback_through_the_encoders_shows_their_lines() -> None:
    # An unhashable value in an enum field sends the encoder to its checking form, built on
    # first need; a nested model built without __init__ (no `extra`) then fails in both.
    task = Task(task_key="a", run_if=["ALL_DONE"])  # type: ignore[arg-type]
    task.notebook_task = NotebookTask.__new__(NotebookTask)
    with pytest.raises(TypeError, match="has no extra dict") as raised:
        to_dict(task)
    lines = {f.name: f.line for f in generated_frames(raised.value)}
    assert lines == {
        "u_Task": "return _safe_encoder(_cls_Task)(o)",
        "u_Task_safe": "d['notebook_task'] = u_NotebookTask(o.notebook_task)",
        "u_NotebookTask": "return _other(o, _cls_NotebookTask)",
    }
    text = "".join(traceback.format_exception(raised.value))
    assert 'File "<databricks_jobs._serde Task safe encoder>", line' in text


def test_generated_functions_have_source_for_inspect() -> None:
    to_dict(Task(task_key="a", run_if=RunIf.ALL_DONE))  # generates Task's functions
    source = inspect.getsource(_serde._NS["u_Task"])
    assert source.startswith("def u_Task(o):\n")
    assert "d['task_key'] = o.task_key" in source
    decoder = _serde._NS["s_Task"]
    filename = decoder.__code__.co_filename
    first = decoder.__code__.co_firstlineno
    assert linecache.getline(filename, first) == "def s_Task(d):\n"
    linecache.checkcache()  # as tools do before reading lines: generated entries stay
    assert linecache.getline(filename, first) == "def s_Task(d):\n"


def test_value_decoders_have_source_too() -> None:
    decode = _serde._decoder(RunIf)
    filename = decode.__code__.co_filename
    assert filename.startswith("<databricks_jobs._serde value decoder ")
    assert linecache.getline(filename, 1) == "def decode_value(v):\n"
