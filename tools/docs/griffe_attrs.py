"""A griffe extension for the docs site: the constructor of every attrs class.

griffe, which reads the package for mkdocstrings, works from the source and knows how
dataclasses build their ``__init__``, not attrs: every model (``Task``, ``JobSettings``) and
every attrs class of the public API would be shown without its constructor. This extension
imports each attrs class when the site is built and gives it the ``__init__`` attrs made:
the parameters in order with their kinds (``inspect.signature``), the defaults (a factory
shows as a call, ``extra: dict[str, Any] = dict()``) and each field's annotation and
docstring as griffe read them from the source, so that types link to their entries.

Named in ``mkdocs.yml`` (``extensions: [tools/docs/griffe_attrs.py:AttrsConstructors]``).
"""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import attrs
import griffe

__all__ = ["AttrsConstructors", "attrs_parameters"]

_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: griffe.ParameterKind.positional_only,
    inspect.Parameter.POSITIONAL_OR_KEYWORD: griffe.ParameterKind.positional_or_keyword,
    inspect.Parameter.VAR_POSITIONAL: griffe.ParameterKind.var_positional,
    inspect.Parameter.KEYWORD_ONLY: griffe.ParameterKind.keyword_only,
    inspect.Parameter.VAR_KEYWORD: griffe.ParameterKind.var_keyword,
}


class AttrsConstructors(griffe.Extension):
    """Give each attrs class of a loaded package the ``__init__`` attrs generated for it."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Called by griffe once a package is loaded."""
        for cls in _classes(pkg):
            if "__init__" in cls.members:  # written in the source: griffe read it
                continue
            runtime = _runtime_class(cls)
            if runtime is None or not attrs.has(runtime):
                continue
            init = griffe.Function("__init__", lineno=0, endlineno=0, parent=cls, returns="None")
            init.parameters = griffe.Parameters(
                griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword),
                *attrs_parameters(runtime, cls),
            )
            cls.set_member("__init__", init)


def attrs_parameters(runtime: type, cls: griffe.Class) -> list[griffe.Parameter]:
    """The parameters of an attrs class's constructor, annotated as its source writes them."""
    fields = {field.alias: field for field in attrs.fields(runtime) if field.init}
    parameters = []
    for name, parameter in inspect.signature(runtime).parameters.items():
        field = fields.get(name)
        static = cls.all_members.get(field.name if field is not None else name)
        annotation = getattr(static, "annotation", None)
        if (field is not None and field.converter is not None) or annotation is None:
            # A converter's parameter says what the constructor takes (``depends_on``
            # takes task keys too), where the field's annotation says what it holds.
            annotation = _runtime_annotation(parameter, field, cls) or annotation
        parameters.append(
            griffe.Parameter(
                name,
                annotation=annotation,
                kind=_KINDS[parameter.kind],
                default=_default(field, parameter, getattr(static, "value", None)),
                docstring=getattr(static, "docstring", None),
            )
        )
    return parameters


def _runtime_annotation(
    parameter: inspect.Parameter, field: attrs.Attribute[Any] | None, cls: griffe.Class
) -> str | griffe.Expr | None:
    """The annotation of a constructor parameter as attrs wrote it, resolved where written.

    attrs copies a converter's parameter annotation, a string under postponed evaluation;
    read as an expression in the converter's module, its names link to their entries.
    """
    annotation = parameter.annotation
    if annotation is inspect.Parameter.empty:
        return None
    if not isinstance(annotation, str):
        return inspect.formatannotation(annotation)
    module_name = getattr(getattr(field, "converter", None), "__module__", None)
    try:
        scope: griffe.Module | griffe.Class = cls.modules_collection[module_name or ""]
    except KeyError:
        scope = cls.module
    node = ast.parse(annotation, mode="eval").body
    return griffe.safe_get_annotation(node, scope) or annotation


def _default(
    field: attrs.Attribute[Any] | None, parameter: inspect.Parameter, source: object
) -> str | griffe.Expr | None:
    """How a parameter's default reads in the signature, or None when it has none.

    The value as the source writes it (``RunIf.ALL_SUCCESS``, linked) unless the source
    writes an ``attrs.field(...)`` call; then the default attrs keeps, a factory as a call.
    """
    default: Any = field.default if field is not None else parameter.default
    if default is attrs.NOTHING or default is inspect.Parameter.empty:
        return None
    factory = getattr(default, "factory", None)
    if isinstance(default, attrs.Factory) and factory is not None:  # type: ignore[arg-type]
        return _factory_call(source) or f"{getattr(factory, '__name__', 'factory')}()"
    if isinstance(source, griffe.Expr) and not _is_field_call(source):
        return source
    if isinstance(default, enum.Enum):
        return f"{type(default).__name__}.{default.name}"
    return repr(default)


def _factory_call(source: object) -> griffe.Expr | None:
    """What ``attrs.field(factory=...)`` calls, as the source writes it.

    ``factory=dict`` reads ``dict()``; ``factory=lambda: dict(LIMITS)`` reads
    ``dict(LIMITS)``, the expression the lambda returns (``<lambda>()`` would say nothing).
    """
    if not isinstance(source, griffe.ExprCall):
        return None
    for argument in source.arguments:
        if isinstance(argument, griffe.ExprKeyword) and argument.name == "factory":
            factory = argument.value
            if isinstance(factory, griffe.ExprLambda):
                body = factory.body
                return body if isinstance(body, griffe.Expr) and not factory.parameters else None
            if isinstance(factory, griffe.Expr):
                return griffe.ExprCall(function=factory, arguments=[])
    return None


def _is_field_call(value: griffe.Expr) -> bool:
    """True for ``attrs.field(...)``, ``attr.ib(...)`` and their bare forms."""
    return isinstance(value, griffe.ExprCall) and str(value.function).split(".")[-1] in {
        "field",
        "ib",
        "attrib",
        "Factory",
    }


def _classes(module: griffe.Module | griffe.Class) -> Iterator[griffe.Class]:
    """Every class defined (not imported) in `module`, its submodules and its classes."""
    for member in module.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Class):
            yield member
            yield from _classes(member)
        elif isinstance(member, griffe.Module):
            yield from _classes(member)


def _runtime_class(cls: griffe.Class) -> type | None:
    """The class object `cls` documents, imported; None when it cannot be imported."""
    try:
        value: Any = importlib.import_module(cls.module.path)
    except ImportError:
        return None
    for name in cls.path.removeprefix(cls.module.path + ".").split("."):
        value = getattr(value, name, None)
    return value if isinstance(value, type) else None
