"""One parsed API call: typed access to its parameters and its JSON body.

GET parameters come from the query string or, as older clients send them (Airflow's async
Databricks hook, the legacy databricks-cli before 0.17), from a JSON object in the body of the
GET. When both name a parameter the query string wins: it is what every current client sends
and what proxies keep. Body values are read as the service's JSON mapping reads them: numbers
or numeric strings for integers, ``true``/``false`` or ``"true"``/``"false"`` for booleans.
A ``null`` anywhere in a body means "not set", as in the protobuf JSON mapping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._jobs import invalid
from ._wire import ApiFailure, EmulatorRequest

__all__ = ["Call"]


@dataclass
class Call:
    """A request routed to a handler: the API version of its path, its query and body."""

    request: EmulatorRequest
    api_version: str
    base_url: str
    params: dict[str, str] = field(default_factory=dict)
    path_args: dict[str, str] = field(default_factory=dict)
    _body: dict[str, Any] | None = None

    @classmethod
    def parse(cls, request: EmulatorRequest, api_version: str, base_url: str) -> Call:
        """Read the parameters of `request`: a GET's JSON body, then its query string."""
        params: dict[str, str] = {}
        if request.method.upper() == "GET" and request.body.strip():
            for name, value in _json_object(request.body).items():
                params[name] = _param_text(value)
        params.update({k: v[-1] for k, v in request.query().items()})  # last value wins
        return cls(request, api_version, base_url, params)

    def body(self) -> dict[str, Any]:
        """Return the JSON body as a dict (an empty body is ``{}``); 400 if malformed."""
        if self._body is None:
            raw = self.request.body.strip()
            self._body = _json_object(raw) if raw else {}
        return self._body

    def int_param(self, name: str, *, required: bool = False) -> int | None:
        """Return parameter `name` as an int (None when absent and not required)."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            if required:
                raise invalid(f"Missing required field: {name}")
            return None
        try:
            return int(raw)
        except ValueError as exc:
            raise invalid(
                f"Invalid value for parameter {name}: '{raw}' is not an integer."
            ) from exc

    def required_int_param(self, name: str) -> int:
        """Return parameter `name` as an int; 400 when it is missing."""
        value = self.int_param(name, required=True)
        assert value is not None
        return value

    def bool_param(self, name: str) -> bool:
        """Return parameter `name` as a bool (absent is false; "true"/"false" in any case)."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            return False
        lowered = raw.lower()
        if lowered not in ("true", "false"):
            raise invalid(f"Invalid value for parameter {name}: '{raw}' is not a boolean.")
        return lowered == "true"

    def body_int(self, name: str, *, required: bool = False) -> int | None:
        """Return body field `name` as an int (numeric strings accepted)."""
        value = self.body().get(name)
        if value is None:
            if required:
                raise invalid(f"Missing required field: {name}")
            return None
        if isinstance(value, bool):
            raise invalid(f"Invalid value for field {name}: {value!r} is not an integer.")
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise invalid(f"Invalid value for field {name}: {value!r} is not an integer.") from exc

    def required_body_int(self, name: str) -> int:
        """Return body field `name` as an int; 400 when it is missing."""
        value = self.body_int(name, required=True)
        assert value is not None
        return value


def without_nulls(value: Any) -> Any:
    """Return `value` with every ``null`` member of an object left out, at any depth.

    The service reads JSON with the protobuf mapping, where ``null`` means "not set"; clients
    that dump their models whole (prefect-databricks) send ``"spark_jar_task": null`` beside
    the task they mean.
    """
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # nested past the recursion limit too
        raise ApiFailure(
            400, "MALFORMED_REQUEST", "Invalid JSON given in the body of the request"
        ) from exc
    if not isinstance(value, dict):
        raise ApiFailure(
            400,
            "MALFORMED_REQUEST",
            "Invalid JSON given in the body of the request - expected a map",
        )
    cleaned: dict[str, Any] = without_nulls(value)
    return cleaned


def _param_text(value: Any) -> str:
    """Return a JSON body value as the query string would carry it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value, separators=(",", ":"))
