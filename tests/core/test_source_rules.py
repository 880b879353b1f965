"""Rules read from the library's source: errors are whole when raised; one decoding door.

1. No error is changed after it is made: no attribute of an error is assigned (nor set with
   ``setattr``) outside the error's own methods. An error is whatever a name holds after
   ``except ... as name``, ``name = SomeError(...)``, or a parameter annotated with an
   exception class. Context added on the way up is a note (``add_note``), which this allows.
2. The resources never decode an answer themselves: they name the path, the request and the
   response type (``call(..., into=T)``); only `ApiClient` calls ``structure``.

Each rule is also run against snippets that break it, so the checks can fail.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

import databricks_jobs
from databricks_jobs import _errors

PACKAGE = Path(databricks_jobs.__file__).parent
ERROR_CLASSES = frozenset(
    {"BaseException", "Exception"}
    | {
        name
        for name, value in vars(_errors).items()
        if inspect.isclass(value) and issubclass(value, BaseException)
    }
)
DECODERS = frozenset({"structure", "from_dict", "from_json"})


def _names_in(node: ast.AST | None) -> set[str]:
    """Every name an annotation or a call target mentions (``a.B | None`` gives a and B)."""
    if node is None:
        return set()
    found = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Name):
            found.add(part.id)
        elif isinstance(part, ast.Attribute):
            found.add(part.attr)
        elif isinstance(part, ast.Constant) and isinstance(part.value, str):
            found.update(part.value.replace("|", " ").replace(".", " ").split())
    return found


def _error_names(function: ast.AST) -> set[str]:
    """The names that hold an error in a function (or a module's top level)."""
    names = set()
    if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        arguments = function.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if _names_in(arg.annotation) & ERROR_CLASSES:
                names.add(arg.arg)
    for node in ast.walk(function):
        if isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            made = isinstance(node.value, ast.Call) and _names_in(node.value.func) & ERROR_CLASSES
            typed = isinstance(node, ast.AnnAssign) and _names_in(node.annotation) & ERROR_CLASSES
            if made or typed:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _targets(node: ast.AST) -> Iterator[ast.expr]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield from ast.walk(target)  # a tuple target: (error.a, error.b) = ...
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        yield node.target


def error_mutations(source: str) -> list[str]:
    """Where `source` changes an error after making it: ``line: text`` for each place."""
    tree = ast.parse(source)
    found = []
    scopes = [
        tree,
        *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)),
    ]
    for scope in scopes:
        errors = _error_names(scope)
        if not errors:
            continue
        for node in ast.walk(scope):
            for target in _targets(node):
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in errors
                ):
                    found.append(f"{node.lineno}: {ast.unparse(node)}")
            if (
                isinstance(node, ast.Call)
                and _names_in(node.func) & {"setattr", "__setattr__", "__dict__"}
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in errors
            ):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
    return sorted(set(found))


def decoding_calls(source: str) -> list[str]:
    """Where `source` names a decoder (`structure`, `from_dict`, `from_json`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            named = {alias.name for alias in node.names} & DECODERS
            found.extend(f"{node.lineno}: imports {name}" for name in sorted(named))
        elif isinstance(node, ast.Name) and node.id in DECODERS:
            found.append(f"{node.lineno}: {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in DECODERS:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def _modules(under: Path) -> list[Path]:
    return sorted(under.rglob("*.py"))


@pytest.mark.parametrize("module", _modules(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_error_is_changed_after_it_is_made(module: Path) -> None:
    assert error_mutations(module.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "module",
    _modules(PACKAGE / "resources"),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_resources_never_decode_answers_themselves(module: Path) -> None:
    assert decoding_calls(module.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        # the places this library used to patch errors after they were raised
        "try:\n    f()\nexcept DatabricksError as exc:\n    exc.request_sent = False\n    raise\n",
        "try:\n    f()\nexcept TransportError as exc:\n    exc.method, exc.path = m, p\n",
        "try:\n    f()\nexcept Exception as exc:\n    exc.attempts = 3\n",
        "def hide(error: DatabricksError) -> DatabricksError:\n"
        "    error.args = tuple(clean(a) for a in error.args)\n    return error\n",
        "def hide(error: 'ApiError | None') -> None:\n    setattr(error, 'message', '')\n",
        "def f() -> None:\n    error = AuthError('x')\n    error.request_sent = False\n",
        "def f() -> None:\n    error = errors.ApiError('x')\n    error.message += '!'\n",
        "def f() -> None:\n    error: ApiError = make()\n    error.error_code = 'X'\n",
    ],
)
def test_the_error_rule_finds_each_way_of_changing_an_error(source: str) -> None:
    assert error_mutations(source) != []


def test_the_error_rule_allows_notes_and_an_errors_own_methods() -> None:
    source = (
        "class Mine(DatabricksError):\n"
        "    def __init__(self, message: str) -> None:\n"
        "        self.message = message\n"
        "try:\n    f()\nexcept DatabricksError as exc:\n    exc.add_note('more')\n    raise\n"
        "run = Run()\nrun.message = 'not an error'\n"
    )
    assert error_mutations(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "from .._serde import structure, to_dict\n",
        "data = structure(answer, RunOutput)\n",
        "data = _serde.from_dict(answer, Run)\n",
    ],
)
def test_the_decoding_rule_finds_a_decoder(source: str) -> None:
    assert decoding_calls(source) != []
