"""Configuration records and their resolution from arguments, environment and `.databrickscfg`.

Resolution follows the official SDK and CLI: explicit arguments first, then the
``DATABRICKS_*`` environment variables, then a profile of the config file. A profile named
by ``profile=`` or ``DATABRICKS_CONFIG_PROFILE`` is always read (and must be for the same host
as an explicit host); a profile chosen implicitly (``[__settings__] default_profile``, then
``[DEFAULT]``) is read only when arguments and environment gave neither a host nor any
credential, so that its credentials never go to a host nobody paired them with. A profile
never overrides what arguments and environment gave, and a named profile does not inherit keys
from ``[DEFAULT]``. Credentials (token, client id and secret) are taken together from the
first source that has any, so a token argument is never mixed with a client id from the
environment; they are checked where they enter (surrounding whitespace stripped, control
characters refused, naming the setting and its source, never the value). Everything here is
pure except reading the config file.
"""

from __future__ import annotations

import configparser
import datetime as dt
import ipaddress
import logging
import math
import os
import re
from collections.abc import Callable, Mapping
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
    "check_header_text",
    "control_character",
    "normalize_host",
    "parse_bool",
    "resolve_config",
    "seconds",
]

logger = logging.getLogger("databricks_jobs.config")

AuthType: TypeAlias = Literal["pat", "oauth-m2m", "databricks-cli", "token-provider"]
"""An authentication method: a personal access token, OAuth M2M, the Databricks CLI's
tokens, or your own async token provider.
"""
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
_SCHEME_TYPO: Final = re.compile(r"(?i)https?:?/|https?:(?!\d)")
_TRUE: Final = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE: Final = frozenset({"0", "false", "f", "no", "n", "off", ""})

Seconds: TypeAlias = float | int | dt.timedelta
"""A duration: a number of seconds or a `datetime.timedelta` (never negative, never NaN)."""


def seconds(value: Seconds, *, name: str = "value") -> float:
    """Return a duration in seconds from a number or a `timedelta`; refuse negatives and NaN.

    Anything else (a boolean, None, text that is no number) is a `ConfigError` naming `name`.
    """
    if isinstance(value, dt.timedelta):
        result = value.total_seconds()
    elif isinstance(value, bool):  # an int to Python, but `timeout=True` is never a duration
        raise ConfigError(f"{name} must be a number of seconds or a timedelta, got {value!r}")
    else:
        try:
            result = float(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{name} must be a number of seconds or a timedelta, got {type(value).__name__}"
            ) from None
    if math.isnan(result) or result < 0:
        raise ConfigError(f"{name} must be a duration of zero seconds or more, got {value!r}")
    return result


# One named converter per field, so that an error names the field (`Timeouts(read=-1)`:
# "read must be ...") and type checkers still see the `Seconds` each field takes.
def timeout_seconds(value: Seconds, *, name: str) -> float:
    """A timeout: a duration above zero and finite (None, where allowed, is "no timeout").

    Zero meant no read timeout at all to aiohttp and an immediate one to httpx, and infinity
    none to either: both are refused, so that every read has a timeout as promised.
    """
    result = seconds(value, name=name)
    if not 0 < result < math.inf:
        raise ConfigError(f"{name} must be a timeout above zero seconds and finite, got {value!r}")
    return result


def _connect(value: Seconds) -> float:
    return timeout_seconds(value, name="connect")


def _read(value: Seconds) -> float:
    return timeout_seconds(value, name="read")


def _write(value: Seconds) -> float:
    return timeout_seconds(value, name="write")


def _pool(value: Seconds) -> float:
    return timeout_seconds(value, name="pool")


def _total(value: Seconds | None) -> float | None:
    return None if value is None else timeout_seconds(value, name="total")


def _keepalive_expiry(value: Seconds) -> float:
    return seconds(value, name="keepalive_expiry")


@attrs.frozen(kw_only=True)
class Timeouts:
    """Timeouts in seconds (numbers or `timedelta`), applied whichever transport is in use.

    `connect` bounds opening a connection, `read` and `write` each network read or write,
    `pool` the wait for a free pooled connection, and `total` one whole call including every
    retry and backoff (None: no overall deadline). The aiohttp transport does not apply
    `write` to the writes of a request's body: there, `total` bounds them.
    """

    connect: float = attrs.field(default=10.0, converter=_connect)
    read: float = attrs.field(default=60.0, converter=_read)
    write: float = attrs.field(default=60.0, converter=_write)
    pool: float = attrs.field(default=60.0, converter=_pool)
    total: float | None = attrs.field(default=300.0, converter=_total)


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{attribute.name} must be a positive integer, got {value!r}")


@attrs.frozen(kw_only=True)
class PoolLimits:
    """Connection-pool limits of the one HTTP client a Workspace owns."""

    max_connections: int = attrs.field(default=100, validator=_positive_int)
    max_keepalive_connections: int = attrs.field(default=20, validator=_positive_int)
    keepalive_expiry: float = attrs.field(default=5.0, converter=_keepalive_expiry)


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


def control_character(text: str) -> str | None:
    """Return ``U+XXXX`` for the first control or invisible character of `text`, else None.

    Control characters (C0, DEL, C1) would end a header line or start another; the other
    characters Python does not print (format characters such as U+200B, the line and
    paragraph separators U+2028 and U+2029, spaces other than the ASCII one, unassigned code
    points) are no part of a credential or header value anyone means to write.
    """
    if text.isprintable():  # one C call for the common text
        return None
    for char in text:
        if not char.isprintable():  # control characters (Cc) included
            return f"U+{ord(char):04X}"
    return None


def _one_line(value: str, refusal: Callable[[str], str]) -> str:
    """`value` without surrounding whitespace; a control character inside is a `ConfigError`.

    `refusal` makes the message from the character found (``U+000A``); it never shows the value.
    """
    text = value.strip()
    found = control_character(text)
    if found is not None:
        raise ConfigError(refusal(found))
    return text


def clean_credential(value: str, *, name: str, source: str) -> str:
    """Return a credential without surrounding whitespace; refuse a control character inside.

    A token read from a mounted secret file often ends in a line break: that is stripped. Any
    other control character would make the Authorization header invalid HTTP, or inject a
    header, so it is refused. The message names the setting and its source, never the value.
    """
    text = _one_line(
        value,
        lambda found: (
            f"{name} ({source}) contains a control character ({found}) inside it; a "
            "credential is one line of printable characters (the value is not shown)"
        ),
    )
    if name == "token" and " " in text:  # a bearer token has no spaces (RFC 6750's b64token)
        raise ConfigError(
            f"{name} ({source}) contains a space; a token is one word (a comment after it in "
            ".databrickscfg goes on a line of its own; the value is not shown)"
        )
    return text


def check_header_text(value: str | None, *, name: str) -> str | None:
    """Return `value` (a caller's text that goes into a header) stripped; refuse control chars."""
    if value is None:
        return None
    text = _one_line(
        value,
        lambda found: (
            f"{name} contains a control character ({found}); it goes into an HTTP header, "
            "where a line break would start another header"
        ),
    )
    return text or None


def _shown_host(text: str, *, port: bool = True) -> str:
    """The host as an error may show it: scheme, host and port only (without `port`: no port).

    A ``user:password@`` part becomes ``****@``; a path, query and fragment are cut, since a
    URL pasted from elsewhere may carry a token there (``?access_token=...``). A port that is
    not a number may be a password whose ``@`` was percent-encoded: not shown.
    """
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    authority = re.split(r"[/?#\\]", rest, maxsplit=1)[0]
    cut = "..." if len(authority) < len(rest) else ""
    if "@" in rest:
        authority = "****@" + rest.rpartition("@")[2]
        authority, cut = re.split(r"[/?#\\]", authority, maxsplit=1)[0], "..."
    if not port and ":" in authority.rpartition("]")[2]:
        authority, cut = authority[: authority.rindex(":")], ":..."
    return repr(f"{scheme}{sep}{authority}{cut}")


def normalize_host(host: str, *, source: str | None = None) -> str:
    """Return ``scheme://host[:port]``: ``https://`` added when missing, ``:443`` dropped.

    A path or query (a workspace URL pasted from the browser, such as Azure's ``/?o=<id>``)
    is dropped with a DEBUG log line, as the official SDK keeps only scheme and host.
    Whitespace or a control character inside (an inline comment in ``.databrickscfg``), a
    ``user:password@`` part and a ``#fragment`` are refused; no message shows a user or
    password. Plain ``http://`` is refused unless the host is loopback (tests and the local
    emulator). `source` (``env DATABRICKS_HOST``) is named in errors.
    """
    where = f"host ({source})" if source else "host"
    text = host.strip()
    if not text:
        raise ConfigError(f"{where} is empty")
    shown = _shown_host(text)
    if any(c.isspace() or c == "\\" for c in text) or control_character(text) is not None:
        raise ConfigError(
            f"{where} {shown} contains whitespace, a backslash or a control character; comments in "
            ".databrickscfg go on lines of their own, not after a value"
        )
    if "://" not in text:
        if _SCHEME_TYPO.match(text):  # "https:/host", "https//host": the host would be "https"
            raise ConfigError(f"{where} {shown}: write the scheme as https:// (or leave it out)")
        text = "https://" + text
    parts = urlsplit(text)
    if "@" in text:  # anywhere: "https://svc:8443/x7@host" splits at the "/", so test the text
        raise ConfigError(
            f"{where} {shown} holds a user name or password (user:password@host); give "
            "credentials as a token or client id and secret, never in the URL"
        )
    if "#" in text:
        raise ConfigError(f"{where} {shown} has a #fragment; give the workspace URL only")
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise ConfigError(f"{where} {shown}: the scheme must be https (got {parts.scheme!r})")
    try:
        hostname, port = parts.hostname, parts.port
    except ValueError:
        shown = _shown_host(text, port=False)
        raise ConfigError(f"{where} {shown} is not a valid URL: its port is not valid") from None
    if not hostname:
        raise ConfigError(f"{where} {shown} has no host name")
    if scheme == "http" and not is_loopback(hostname):
        raise ConfigError(
            f"{where} {shown}: plain http:// is refused for a non-loopback host, because the "
            "token would cross the network unencrypted; use https://"
        )
    name = f"[{hostname}]" if ":" in hostname else hostname
    default_port = 443 if scheme == "https" else 80
    netloc = name if port in (None, default_port) else f"{name}:{port}"
    normalized = f"{scheme}://{netloc}"
    if parts.path.strip("/") or parts.query:
        logger.debug(
            "%s: the path and query after %s are ignored (only scheme, host and port are used)",
            where,
            normalized,
        )
    return normalized


def is_loopback(hostname: str) -> bool:
    """Return True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``.

    Only these: ``localhost`` resolves from the hosts file, but other names that should
    (``*.localhost``, ``localhost.localdomain``, ``ip6-localhost``) fall through to DNS where
    the hosts file lacks them, and whoever answers would receive the token in clear text.
    """
    name = hostname.strip("[]").lower()
    if name == "localhost":  # other names (*.localhost, ip6-localhost) may be looked up in DNS
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
    given = _present(arguments)
    unknown = set(given) - set(ENV_VARS)
    if unknown:
        raise ConfigError(f"unknown configuration keys: {', '.join(sorted(unknown))}")
    from_env = _present({k: env.get(name) for k, name in ENV_VARS.items()})
    layers = [
        _Layer(given, "argument"),
        _Layer(from_env, {k: f"env {ENV_VARS[k]}" for k in from_env}),
    ]

    named = given.get("profile") or from_env.get("profile")
    config_file = given.get("config_file") or from_env.get("config_file") or DEFAULT_CONFIG_FILE
    explicit, explicit_sources = _merge_with_sources(layers, has_token_provider)
    gave_credentials = has_token_provider or any(k in explicit for k in CREDENTIAL_KEYS)
    # A named profile is always read; an implicit one only when nothing was given that it
    # could be paired with (the official SDK's rule): its token was written for its own host.
    profile = None
    if named or ("host" not in explicit and not gave_credentials):
        profile = _read_profile(config_file, named)
    if profile is not None:
        name, profile_values = profile
        label = f"profile {name} ({config_file})"
        if "host" in explicit and "host" in profile_values:
            _check_same_host(explicit["host"], explicit_sources["host"], profile_values, label)
        layers.append(_Layer(profile_values, label))

    values, sources = _merge_with_sources(layers, has_token_provider)
    if profile is not None:
        values["profile"] = profile[0]
        sources.setdefault("profile", "selected")
    values.setdefault("config_file", config_file)
    for key in CREDENTIAL_KEYS:
        if key in values:
            values[key] = clean_credential(values[key], name=key, source=sources[key])
    return _build(values, sources, has_token_provider=has_token_provider)


def _present(values: Mapping[str, str | None]) -> dict[str, str]:
    """The keys given a value; a credential of only whitespace counts as not given."""
    present: dict[str, str] = {}
    for key, value in values.items():
        if value is None or not (value.strip() if key in CREDENTIAL_KEYS else value):
            continue
        present[key] = value
    return present


def _check_same_host(
    host: str, source: str, profile_values: Mapping[str, str], profile_label: str
) -> None:
    """Refuse a named profile written for another host than the explicit one.

    Stricter than the official SDK, which would send the profile's credentials to the
    explicit host: a profile's token belongs to the workspace the profile names.
    """
    explicit = normalize_host(host, source=source)
    written = normalize_host(profile_values["host"], source=profile_label)
    if explicit != written:
        raise ConfigError(
            f"host {explicit} ({source}) is not the host of {profile_label}, which is "
            f"{written}; its credentials are not sent to another workspace. Give the "
            "profile's host, or no profile"
        )


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
    try:
        found = path.is_file()
    except OSError as exc:  # a name too long for the system, say
        raise ConfigError(f"the config file {config_file} cannot be read: {exc.strerror}") from None
    if not found:
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
            f"{values.get('config_file', DEFAULT_CONFIG_FILE)} that has one (a profile that is "
            "not named is read only when neither a host nor credentials were given)"
        )
    normalized = normalize_host(host, source=sources.get("host"))
    auth_type = _choose_auth(values, sources, has_token_provider=has_token_provider)
    return Config(
        host=normalized,
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
            f"a profile of {values.get('config_file', DEFAULT_CONFIG_FILE)} (a profile that is "
            "not named is read only when neither a host nor credentials were given: name it "
            "with profile=... or DATABRICKS_CONFIG_PROFILE to use its credentials)"
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
