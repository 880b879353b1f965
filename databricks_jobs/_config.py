"""Configuration records and their resolution from arguments, environment and `.databrickscfg`.

Resolution follows the official SDK and CLI: explicit arguments first, then the
``DATABRICKS_*`` environment variables, then a profile of the config file. The profile is
read only when one is named, or when arguments and environment gave no host or no
credentials, and it never overrides what they gave. A named profile does not inherit keys
from ``[DEFAULT]``. Credentials (token, client id and secret) are taken together from the
first source that has any, so a token argument is never mixed with a client id from the
environment. Everything here is pure except reading the config file.
"""

from __future__ import annotations

import configparser
import datetime as dt
import ipaddress
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Literal, TypeAlias
from urllib.parse import urlsplit

import attrs

from ._errors import ConfigError

__all__ = [
    "AUTH_TYPES",
    "AuthType",
    "Config",
    "PoolLimits",
    "Timeouts",
    "normalize_host",
    "parse_bool",
    "resolve_config",
    "seconds",
]

AuthType: TypeAlias = Literal["pat", "oauth-m2m", "databricks-cli", "token-provider"]
AUTH_TYPES: Final[tuple[str, ...]] = ("pat", "oauth-m2m", "databricks-cli", "token-provider")

ENV_VARS: Final[Mapping[str, str]] = {
    "host": "DATABRICKS_HOST",
    "token": "DATABRICKS_TOKEN",
    "client_id": "DATABRICKS_CLIENT_ID",
    "client_secret": "DATABRICKS_CLIENT_SECRET",
    "auth_type": "DATABRICKS_AUTH_TYPE",
    "profile": "DATABRICKS_CONFIG_PROFILE",
    "config_file": "DATABRICKS_CONFIG_FILE",
    "databricks_cli_path": "DATABRICKS_CLI_PATH",
    "debug_headers": "DATABRICKS_DEBUG_HEADERS",
    "http_timeout_seconds": "DATABRICKS_HTTP_TIMEOUT_SECONDS",
    "retry_timeout_seconds": "DATABRICKS_RETRY_TIMEOUT_SECONDS",
}
"""Config keys and the environment variables that set them (the SDK's names)."""

CREDENTIAL_KEYS: Final[tuple[str, ...]] = ("token", "client_id", "client_secret")
PROFILE_KEYS: Final[tuple[str, ...]] = (
    "host",
    "token",
    "client_id",
    "client_secret",
    "auth_type",
    "databricks_cli_path",
    "debug_headers",
    "http_timeout_seconds",
    "retry_timeout_seconds",
)
DEFAULT_CONFIG_FILE: Final = "~/.databrickscfg"
_LOOPBACK_NAMES: Final = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
_TRUE: Final = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE: Final = frozenset({"0", "false", "f", "no", "n", "off", ""})

Seconds: TypeAlias = "float | int | dt.timedelta"


def seconds(value: Seconds, *, name: str = "value") -> float:
    """Return a duration in seconds from a number or a `timedelta`; refuse negatives and NaN."""
    result = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    if math.isnan(result) or result < 0:
        raise ValueError(f"{name} must be a duration of zero seconds or more, got {value!r}")
    return result


def _optional_seconds(value: Seconds | None) -> float | None:
    return None if value is None else seconds(value)


@attrs.frozen(kw_only=True)
class Timeouts:
    """Timeouts in seconds (numbers or `timedelta`), applied whichever transport is in use.

    `connect` bounds opening a connection, `read` and `write` each network read or write,
    `pool` the wait for a free pooled connection, and `total` one whole call including every
    retry and backoff (None: no overall deadline).
    """

    connect: float = attrs.field(default=10.0, converter=seconds)
    read: float = attrs.field(default=60.0, converter=seconds)
    write: float = attrs.field(default=60.0, converter=seconds)
    pool: float = attrs.field(default=60.0, converter=seconds)
    total: float | None = attrs.field(default=300.0, converter=_optional_seconds)


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be a positive integer, got {value!r}")


@attrs.frozen(kw_only=True)
class PoolLimits:
    """Connection-pool limits of the one HTTP client a Workspace owns."""

    max_connections: int = attrs.field(default=100, validator=_positive_int)
    max_keepalive_connections: int = attrs.field(default=20, validator=_positive_int)
    keepalive_expiry: float = attrs.field(default=5.0, converter=seconds)


@attrs.frozen(kw_only=True)
class Config:
    """A resolved configuration: where the workspace is and how to authenticate.

    Secrets are excluded from `repr`. `sources` says where each value came from
    (``argument``, ``env DATABRICKS_HOST``, ``profile prod (~/.databrickscfg)``).
    """

    host: str
    auth_type: AuthType
    token: str | None = attrs.field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = attrs.field(default=None, repr=False)
    profile: str | None = None
    config_file: str | None = None
    databricks_cli_path: str | None = None
    debug_headers: bool = False
    http_timeout_seconds: float | None = None
    retry_timeout_seconds: float | None = None
    sources: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    def describe(self) -> dict[str, str]:
        """Return the resolved values as text, secrets masked, each with its source."""
        shown: dict[str, str] = {}
        for field in attrs.fields(Config):
            if field.name == "sources":
                continue
            value = getattr(self, field.name)
            if value is None:
                continue
            text = "****" if field.name in ("token", "client_secret") else str(value)
            source = self.sources.get(field.name)
            shown[field.name] = f"{text}  ({source})" if source else text
        return shown


def parse_bool(value: str | bool, *, name: str) -> bool:
    """Parse a boolean as written in env vars and config files (``false`` is False)."""
    if isinstance(value, bool):
        return value
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name}: {value!r} is not a boolean (use true or false)")


def normalize_host(host: str) -> str:
    """Return ``scheme://host[:port]``: ``https://`` added when missing, ``:443`` and path dropped.

    Plain ``http://`` is refused unless the host is loopback (tests and the local emulator).
    """
    text = host.strip()
    if not text:
        raise ConfigError("host is empty")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise ConfigError(f"host {host!r}: the scheme must be https (got {parts.scheme!r})")
    try:
        hostname, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ConfigError(f"host {host!r} is not a valid URL: {exc}") from None
    if not hostname:
        raise ConfigError(f"host {host!r} has no host name")
    if scheme == "http" and not is_loopback(hostname):
        raise ConfigError(
            f"host {host!r}: plain http:// is refused for a non-loopback host, because the token "
            "would cross the network unencrypted; use https://"
        )
    shown = f"[{hostname}]" if ":" in hostname else hostname
    default_port = 443 if scheme == "https" else 80
    netloc = shown if port in (None, default_port) else f"{shown}:{port}"
    return f"{scheme}://{netloc}"


def is_loopback(hostname: str) -> bool:
    """Return True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    name = hostname.strip("[]").lower()
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@attrs.frozen
class _Layer:
    """Values from one source, and the label of that source."""

    values: Mapping[str, str]
    label: str | Mapping[str, str]

    def source_of(self, key: str) -> str:
        return self.label if isinstance(self.label, str) else self.label[key]


def resolve_config(
    arguments: Mapping[str, str | None],
    env: Mapping[str, str],
    *,
    has_token_provider: bool = False,
) -> Config:
    """Resolve a `Config` from explicit arguments, environment variables and a profile.

    `arguments` holds the keys of `ENV_VARS` that the caller passed (None means not given).
    Raises `ConfigError` for a missing host or credentials, a missing named profile, a
    malformed file, contradictory auth methods or an unsupported ``auth_type``.
    """
    given = {k: v for k, v in arguments.items() if v is not None and v != ""}
    unknown = set(given) - set(ENV_VARS)
    if unknown:
        raise ConfigError(f"unknown configuration keys: {', '.join(sorted(unknown))}")
    from_env = {k: env[name] for k, name in ENV_VARS.items() if env.get(name)}
    layers = [
        _Layer(given, "argument"),
        _Layer(from_env, {k: f"env {ENV_VARS[k]}" for k in from_env}),
    ]

    profile_name = given.get("profile") or from_env.get("profile")
    config_file = given.get("config_file") or from_env.get("config_file") or DEFAULT_CONFIG_FILE
    merged = _merge(layers)
    gave_credentials = has_token_provider or any(k in merged for k in CREDENTIAL_KEYS)
    if merged.get("auth_type") == "databricks-cli":
        gave_credentials = True
    if profile_name or "host" not in merged or not gave_credentials:
        profile = _read_profile(config_file, profile_name)
        if profile is not None:
            name, values = profile
            layers.append(_Layer(values, f"profile {name} ({config_file})"))
            given_profile = name
        else:
            given_profile = None
    else:
        given_profile = None

    values, sources = _merge_with_sources(layers, has_token_provider)
    if given_profile is not None:
        values["profile"] = given_profile
        sources.setdefault("profile", "selected")
    values.setdefault("config_file", config_file)
    return _build(values, sources, has_token_provider=has_token_provider)


def _merge(layers: list[_Layer]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for layer in layers:
        for key, value in layer.values.items():
            merged.setdefault(key, value)
    return merged


def _merge_with_sources(
    layers: list[_Layer], has_token_provider: bool
) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    credentials_taken = False
    for index, layer in enumerate(layers):
        # A token provider is an argument, so it counts as a credential of the first layer.
        layer_has_credentials = any(k in layer.values for k in CREDENTIAL_KEYS) or (
            index == 0 and has_token_provider
        )
        for key, value in layer.values.items():
            if key in CREDENTIAL_KEYS and credentials_taken:
                continue
            if key not in values:
                values[key] = value
                sources[key] = layer.source_of(key)
        credentials_taken = credentials_taken or layer_has_credentials
    return values, sources


def _read_profile(config_file: str, name: str | None) -> tuple[str, dict[str, str]] | None:
    """Return the chosen profile's keys, or None when no profile applies."""
    path = Path(os.path.expanduser(config_file))
    if not path.is_file():
        if name:
            raise ConfigError(
                f"profile {name!r} was asked for, but the config file {config_file} does not exist"
            )
        return None
    # A default_section nobody can write, so that [DEFAULT] is an ordinary profile and a named
    # profile never inherits its keys (configparser's default behaviour would mix them in).
    parser = configparser.ConfigParser(default_section="\x00none", interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"config file {config_file} is malformed: {reason}") from None
    chosen = name
    if not chosen and parser.has_option("__settings__", "default_profile"):
        chosen = parser.get("__settings__", "default_profile").strip() or None
    if not chosen:
        chosen = "DEFAULT"
        if not parser.has_section(chosen):
            return None
    if not parser.has_section(chosen):
        known = ", ".join(s for s in parser.sections() if s != "__settings__") or "none"
        raise ConfigError(
            f"profile {chosen!r} does not exist in {config_file} (profiles there: {known})"
        )
    values = {
        key: value.strip()
        for key, value in parser.items(chosen)
        if key in PROFILE_KEYS and value.strip()
    }
    return chosen, values


def _build(values: dict[str, str], sources: dict[str, str], *, has_token_provider: bool) -> Config:
    host = values.get("host")
    if not host:
        raise ConfigError(
            "no host: pass host=..., set DATABRICKS_HOST, or name a profile of "
            f"{values.get('config_file', DEFAULT_CONFIG_FILE)} that has one"
        )
    auth_type = _choose_auth(values, sources, has_token_provider=has_token_provider)
    return Config(
        host=normalize_host(host),
        auth_type=auth_type,
        token=values.get("token"),
        client_id=values.get("client_id"),
        client_secret=values.get("client_secret"),
        profile=values.get("profile"),
        config_file=values.get("config_file"),
        databricks_cli_path=values.get("databricks_cli_path"),
        debug_headers=parse_bool(values.get("debug_headers", "false"), name="debug_headers"),
        http_timeout_seconds=_float(values, "http_timeout_seconds"),
        retry_timeout_seconds=_float(values, "retry_timeout_seconds"),
        sources=sources,
    )


def _float(values: Mapping[str, str], key: str) -> float | None:
    if key not in values:
        return None
    try:
        return seconds(float(values[key]), name=key)
    except ValueError:
        raise ConfigError(f"{key}: {values[key]!r} is not a number of seconds") from None


def _choose_auth(
    values: Mapping[str, str], sources: Mapping[str, str], *, has_token_provider: bool
) -> AuthType:
    requested = values.get("auth_type")
    if requested is not None:
        requested = requested.strip().lower()
        if requested not in AUTH_TYPES:
            raise ConfigError(
                f"auth_type {requested!r} is not supported by brickjobs "
                f"(supported: {', '.join(AUTH_TYPES)})"
            )
        _require_for(requested, values, has_token_provider)
        return requested  # type: ignore[return-value]

    found: list[tuple[AuthType, str]] = []
    if has_token_provider:
        found.append(("token-provider", "argument token_provider"))
    if "token" in values:
        found.append(("pat", f"token from {sources['token']}"))
    if "client_id" in values or "client_secret" in values:
        where = sources.get("client_id") or sources["client_secret"]
        found.append(("oauth-m2m", f"client id/secret from {where}"))
    if not found:
        raise ConfigError(
            "no credentials: give a token, a client id and secret (OAuth M2M), a token "
            "provider, or auth_type=databricks-cli, as arguments, DATABRICKS_* variables or in "
            f"a profile of {values.get('config_file', DEFAULT_CONFIG_FILE)}"
        )
    if len(found) > 1:
        listed = "; ".join(f"{kind} ({where})" for kind, where in found)
        raise ConfigError(
            f"more than one auth method is configured: {listed}. Set auth_type "
            "(or DATABRICKS_AUTH_TYPE) to choose one"
        )
    kind = found[0][0]
    _require_for(kind, values, has_token_provider)
    return kind


def _require_for(kind: str, values: Mapping[str, str], has_token_provider: bool) -> None:
    if kind == "pat" and "token" not in values:
        raise ConfigError("auth_type pat needs a token (DATABRICKS_TOKEN or token=...)")
    if kind == "oauth-m2m":
        missing = [k for k in ("client_id", "client_secret") if k not in values]
        if missing:
            raise ConfigError(
                f"auth_type oauth-m2m needs a client id and secret; missing: {', '.join(missing)}"
            )
    if kind == "token-provider" and not has_token_provider:
        raise ConfigError("auth_type token-provider needs token_provider=... (an async callable)")
