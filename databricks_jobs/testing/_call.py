"""One parsed API call: typed access to query parameters and the JSON body."""

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
        """Parse the query string (last value wins) of `request`."""
        params = {k: v[-1] for k, v in request.query().items()}
        return cls(request, api_version, base_url, params)

    def body(self) -> dict[str, Any]:
        """Return the JSON body as a dict (an empty body is ``{}``); 400 if malformed."""
        if self._body is None:
            raw = self.request.body.strip()
            if not raw:
                self._body = {}
            else:
                try:
                    value = json.loads(raw)
                except ValueError as exc:
                    raise ApiFailure(
                        400, "MALFORMED_REQUEST", "Invalid JSON given in the body of the request"
                    ) from exc
                if not isinstance(value, dict):
                    raise ApiFailure(
                        400,
                        "MALFORMED_REQUEST",
                        "Invalid JSON given in the body of the request - expected a map",
                    )
                self._body = value
        return self._body

    def int_param(self, name: str, *, required: bool = False) -> int | None:
        """Return query parameter `name` as an int (None when absent and not required)."""
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
        """Return query parameter `name` as an int; 400 when it is missing."""
        value = self.int_param(name, required=True)
        assert value is not None
        return value

    def bool_param(self, name: str) -> bool:
        """Return query parameter `name` as a bool (absent is false)."""
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
