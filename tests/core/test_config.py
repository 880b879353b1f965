"""Config resolution (arguments, env, `.databrickscfg`), host normalisation, timeouts."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from databricks_jobs._config import (
    Config,
    PoolLimits,
    Timeouts,
    is_loopback,
    normalize_host,
    parse_bool,
    resolve_config,
    seconds,
)
from databricks_jobs._errors import ConfigError

WriteConfig = Callable[[str], str]

MALFORMED = "host = https://nowhere.example.com\nthis line has no section and no equals sign\n"


@pytest.fixture
def cfg(tmp_path: Path) -> WriteConfig:
    """Write a `.databrickscfg` in tmp_path and return its path as text."""

    def write(text: str) -> str:
        path = tmp_path / ".databrickscfg"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def no_file(tmp_path: Path) -> str:
    """A config file path that does not exist (never the real home)."""
    return str(tmp_path / "missing.databrickscfg")


def resolve(
    arguments: Mapping[str, str | None] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    config_file: str,
    has_token_provider: bool = False,
) -> Config:
    """Resolve with the config file passed through the env mapping (never os.environ)."""
    full_env = {"DATABRICKS_CONFIG_FILE": config_file, **(env or {})}
    return resolve_config(dict(arguments or {}), full_env, has_token_provider=has_token_provider)


# --- precedence of each key -------------------------------------------------------------------

PROFILE_CREDENTIALS = (
    "token = profile-token\nclient_id = profile-id\nclient_secret = profile-secret\n"
)

PRECEDENCE = [
    # key, env var, (argument, env, profile) values, (expected from each)
    (
        # A named profile must be for the same host as an explicit one: three spellings of it.
        "host",
        "DATABRICKS_HOST",
        ("https://profile.example.com:443/", "PROFILE.example.com", "profile.example.com"),
        ("https://profile.example.com",) * 3,
    ),
    (
        "auth_type",
        "DATABRICKS_AUTH_TYPE",
        ("pat", "databricks-cli", "oauth-m2m"),
        ("pat", "databricks-cli", "oauth-m2m"),
    ),
    (
        "databricks_cli_path",
        "DATABRICKS_CLI_PATH",
        ("/arg/databricks", "/env/databricks", "/profile/databricks"),
        ("/arg/databricks", "/env/databricks", "/profile/databricks"),
    ),
    (
        "debug_headers",
        "DATABRICKS_DEBUG_HEADERS",
        ("true", "false", "yes"),
        (True, False, True),
    ),
    (
        "http_timeout_seconds",
        "DATABRICKS_HTTP_TIMEOUT_SECONDS",
        ("10", "20.5", "30"),
        (10.0, 20.5, 30.0),
    ),
    (
        "retry_timeout_seconds",
        "DATABRICKS_RETRY_TIMEOUT_SECONDS",
        ("100", "200", "300"),
        (100.0, 200.0, 300.0),
    ),
]


@pytest.mark.parametrize(
    ("key", "env_var", "values", "expected"), PRECEDENCE, ids=[row[0] for row in PRECEDENCE]
)
def test_arguments_beat_env_beat_profile(
    cfg: WriteConfig,
    key: str,
    env_var: str,
    values: tuple[str, str, str],
    expected: tuple[object, object, object],
) -> None:
    arg_value, env_value, profile_value = values
    lines = [f"{key} = {profile_value}"]
    if key != "host":
        lines.append("host = profile.example.com")
    # auth_type picks one method out of several; every other key runs with a token alone.
    credentials = PROFILE_CREDENTIALS if key == "auth_type" else "token = profile-token\n"
    path = cfg("[p]\n" + "\n".join(lines) + "\n" + credentials)
    profile_source = f"profile p ({path})"

    all_three = resolve({key: arg_value, "profile": "p"}, {env_var: env_value}, config_file=path)
    assert getattr(all_three, key) == expected[0]
    assert all_three.sources[key] == "argument"

    env_and_profile = resolve({"profile": "p"}, {env_var: env_value}, config_file=path)
    assert getattr(env_and_profile, key) == expected[1]
    assert env_and_profile.sources[key] == f"env {env_var}"

    profile_only = resolve({"profile": "p"}, {}, config_file=path)
    assert getattr(profile_only, key) == expected[2]
    assert profile_only.sources[key] == profile_source


def test_empty_argument_or_env_value_counts_as_not_given(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = profile.example.com\ntoken = t\n")
    config = resolve({"host": "", "profile": "p"}, {"DATABRICKS_HOST": ""}, config_file=path)
    assert config.host == "https://profile.example.com"


def test_unknown_argument_key_is_refused(no_file: str) -> None:
    with pytest.raises(ConfigError, match="unknown configuration keys: colour"):
        resolve({"host": "h.example.com", "token": "t", "colour": "red"}, config_file=no_file)


# --- credentials as a group -------------------------------------------------------------------


def test_explicit_token_is_not_mixed_with_client_id_from_env(no_file: str) -> None:
    config = resolve(
        {"host": "h.example.com", "token": "arg-token"},
        {"DATABRICKS_CLIENT_ID": "env-id", "DATABRICKS_CLIENT_SECRET": "env-secret"},
        config_file=no_file,
    )
    assert config.auth_type == "pat"
    assert config.token == "arg-token"
    assert config.client_id is None
    assert config.client_secret is None
    assert config.sources["token"] == "argument"
    assert "client_id" not in config.sources


def test_explicit_token_is_not_mixed_with_client_id_from_profile(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = p.example.com\nclient_id = p-id\nclient_secret = p-secret\n")
    config = resolve({"token": "arg-token", "profile": "p"}, config_file=path)
    assert config.auth_type == "pat"
    assert config.host == "https://p.example.com"
    assert (config.token, config.client_id, config.client_secret) == ("arg-token", None, None)


def test_env_client_credentials_are_not_mixed_with_profile_token(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = p.example.com\ntoken = p-token\n")
    config = resolve(
        {},
        {
            "DATABRICKS_CONFIG_PROFILE": "p",
            "DATABRICKS_CLIENT_ID": "env-id",
            "DATABRICKS_CLIENT_SECRET": "env-secret",
        },
        config_file=path,
    )
    assert config.auth_type == "oauth-m2m"
    assert config.token is None
    assert (config.client_id, config.client_secret) == ("env-id", "env-secret")
    assert config.sources["client_id"] == "env DATABRICKS_CLIENT_ID"


def test_env_token_beats_profile_token(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = p.example.com\ntoken = p-token\n")
    config = resolve({"profile": "p"}, {"DATABRICKS_TOKEN": "env-token"}, config_file=path)
    assert config.token == "env-token"
    assert config.sources["token"] == "env DATABRICKS_TOKEN"


def test_client_secret_is_not_borrowed_from_a_later_source(no_file: str) -> None:
    # The client id came as an argument, so the secret must come from the arguments too.
    with pytest.raises(ConfigError, match="client_secret"):
        resolve(
            {"host": "h.example.com", "client_id": "arg-id"},
            {"DATABRICKS_CLIENT_SECRET": "env-secret"},
            config_file=no_file,
        )


def test_token_provider_takes_precedence_over_env_token(no_file: str) -> None:
    config = resolve(
        {"host": "h.example.com"},
        {"DATABRICKS_TOKEN": "env-token"},
        config_file=no_file,
        has_token_provider=True,
    )
    assert config.auth_type == "token-provider"
    assert config.token is None


def test_token_provider_alone(no_file: str) -> None:
    config = resolve({"host": "h.example.com"}, config_file=no_file, has_token_provider=True)
    assert config.auth_type == "token-provider"


def test_token_provider_and_token_argument_are_two_auth_methods(no_file: str) -> None:
    # Both come from the same source (the caller's arguments): a conflict, not a silent pick.
    with pytest.raises(ConfigError, match="more than one auth method") as caught:
        resolve(
            {"host": "h.example.com", "token": "arg-token"},
            config_file=no_file,
            has_token_provider=True,
        )
    assert "token-provider" in str(caught.value)
    assert "pat" in str(caught.value)


def test_explicit_pat_with_token_argument_beside_a_token_provider(no_file: str) -> None:
    config = resolve(
        {"host": "h.example.com", "token": "arg-token", "auth_type": "pat"},
        config_file=no_file,
        has_token_provider=True,
    )
    assert config.auth_type == "pat"
    assert config.token == "arg-token"


# --- when the profile is read -----------------------------------------------------------------


def test_profile_named_by_argument_is_read(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = p.example.com\ntoken = p-token\nhttp_timeout_seconds = 7\n")
    config = resolve({"profile": "p"}, config_file=path)
    assert (config.host, config.token, config.profile) == ("https://p.example.com", "p-token", "p")
    assert config.http_timeout_seconds == 7.0
    assert config.sources["profile"] == "argument"
    assert config.config_file == path


def test_profile_named_by_env_is_read(cfg: WriteConfig) -> None:
    path = cfg("[DEFAULT]\nhost = d.example.com\ntoken = d\n[p]\nhost = p.example.com\ntoken = t\n")
    config = resolve({}, {"DATABRICKS_CONFIG_PROFILE": "p"}, config_file=path)
    assert config.host == "https://p.example.com"
    assert config.profile == "p"
    assert config.sources["profile"] == "env DATABRICKS_CONFIG_PROFILE"


def test_profile_named_even_when_host_and_token_are_given(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = a.example.com\ntoken = p-token\nretry_timeout_seconds = 11\n")
    config = resolve(
        {"host": "https://A.example.com/", "token": "a", "profile": "p"}, config_file=path
    )
    assert config.host == "https://a.example.com"
    assert config.token == "a"
    assert config.retry_timeout_seconds == 11.0


# --- credential scoping: a profile's credentials stay with its host ---------------------------

DEFAULT_PROFILE = "[DEFAULT]\nhost = d.example.com\ntoken = d-token\n"


def test_implicit_profile_host_is_not_paired_with_a_given_token(cfg: WriteConfig) -> None:
    # Was: the host came from [DEFAULT] and the token from the argument went there.
    path = cfg(DEFAULT_PROFILE)
    with pytest.raises(ConfigError, match="no host") as caught:
        resolve({"token": "arg-token"}, config_file=path)
    assert "not named is read only when neither a host nor credentials" in str(caught.value)


def test_implicit_profile_token_is_not_sent_to_a_given_host(cfg: WriteConfig) -> None:
    # Was: [DEFAULT]'s token, written for d.example.com, went to the host from the environment.
    path = cfg(DEFAULT_PROFILE)
    with pytest.raises(ConfigError, match="no credentials") as caught:
        resolve({}, {"DATABRICKS_HOST": "env.example.com"}, config_file=path)
    assert "DATABRICKS_CONFIG_PROFILE" in str(caught.value)
    assert "d-token" not in str(caught.value)


@pytest.mark.parametrize(
    ("arguments", "env", "has_token_provider"),
    [
        ({"host": "h.example.com"}, {}, False),
        ({}, {"DATABRICKS_HOST": "h.example.com"}, False),
        ({"token": "t"}, {}, False),
        ({}, {"DATABRICKS_TOKEN": "t"}, False),
        ({"client_id": "i"}, {}, False),
        ({}, {"DATABRICKS_CLIENT_SECRET": "s"}, False),
        ({}, {}, True),
    ],
    ids=["host-arg", "host-env", "token-arg", "token-env", "client-id", "secret-env", "provider"],
)
def test_implicit_profile_is_not_read_at_all_when_anything_is_given(
    cfg: WriteConfig, arguments: dict[str, str], env: dict[str, str], has_token_provider: bool
) -> None:
    # A malformed file raises whenever it is read: these resolutions must never read it.
    path = cfg(MALFORMED)
    with pytest.raises(ConfigError) as caught:
        resolve(arguments, env, config_file=path, has_token_provider=has_token_provider)
    assert "malformed" not in str(caught.value)


@pytest.mark.parametrize("kind", ["settings", "DEFAULT"])
def test_implicit_profile_settings_default_is_scoped_too(cfg: WriteConfig, kind: str) -> None:
    text = (
        "[__settings__]\ndefault_profile = s\n[s]\nhost = s.example.com\ntoken = s-token\n"
        if kind == "settings"
        else DEFAULT_PROFILE
    )
    path = cfg(text)
    with pytest.raises(ConfigError, match="no credentials"):
        resolve({"host": "other.example.com"}, config_file=path)
    assert resolve({}, config_file=path).token in ("s-token", "d-token")  # read when alone


def test_implicit_profile_is_read_when_nothing_is_given(cfg: WriteConfig) -> None:
    path = cfg(DEFAULT_PROFILE + "http_timeout_seconds = 3\n")
    config = resolve({}, {"DATABRICKS_DEBUG_HEADERS": "true"}, config_file=path)
    assert (config.host, config.token, config.profile) == (
        "https://d.example.com",
        "d-token",
        "DEFAULT",
    )
    assert config.debug_headers is True
    assert config.http_timeout_seconds == 3.0


def test_named_profile_is_paired_with_a_given_token(cfg: WriteConfig) -> None:
    # Naming the profile says "its host, my token": the caller paired them.
    path = cfg(DEFAULT_PROFILE)
    config = resolve({"token": "arg-token", "profile": "DEFAULT"}, config_file=path)
    assert (config.host, config.token) == ("https://d.example.com", "arg-token")


def test_named_profile_without_host_takes_the_given_host(cfg: WriteConfig) -> None:
    path = cfg("[p]\ntoken = p-token\n")
    config = resolve({"profile": "p"}, {"DATABRICKS_HOST": "env.example.com"}, config_file=path)
    assert (config.host, config.token) == ("https://env.example.com", "p-token")


@pytest.mark.parametrize("where", ["argument", "env"])
def test_named_profile_for_another_host_is_refused(cfg: WriteConfig, where: str) -> None:
    path = cfg("[prod]\nhost = https://prod.example.com/\ntoken = prod-token\n")
    arguments = {"profile": "prod"}
    env = {}
    if where == "argument":
        arguments["host"] = "other.example.com"
    else:
        env["DATABRICKS_HOST"] = "other.example.com:443"
    with pytest.raises(ConfigError, match="is not the host of profile prod") as caught:
        resolve(arguments, env, config_file=path)
    message = str(caught.value)
    assert "https://other.example.com" in message
    assert "https://prod.example.com" in message
    assert ("(argument)" if where == "argument" else "(env DATABRICKS_HOST)") in message
    assert "prod-token" not in message


def test_named_profile_for_another_host_is_refused_even_with_given_credentials(
    cfg: WriteConfig,
) -> None:
    # Stricter than the SDK (docs/decisions.md): a mismatch is a mistake whichever token wins.
    path = cfg("[prod]\nhost = prod.example.com\ntoken = prod-token\n")
    with pytest.raises(ConfigError, match="is not the host of profile prod"):
        resolve({"profile": "prod", "host": "dev.example.com", "token": "t"}, config_file=path)


def test_malformed_file_raises_when_it_is_read(cfg: WriteConfig) -> None:
    # The control for the tests below: this file does raise when read.
    path = cfg(MALFORMED)
    with pytest.raises(ConfigError, match="malformed") as caught:
        resolve({"host": "h.example.com"}, config_file=path)
    assert path in str(caught.value)


@pytest.mark.parametrize(
    ("arguments", "env", "has_token_provider", "auth_type"),
    [
        ({"host": "h.example.com", "token": "t"}, {}, False, "pat"),
        ({}, {"DATABRICKS_HOST": "h.example.com", "DATABRICKS_TOKEN": "t"}, False, "pat"),
        (
            {"host": "h.example.com"},
            {"DATABRICKS_CLIENT_ID": "i", "DATABRICKS_CLIENT_SECRET": "s"},
            False,
            "oauth-m2m",
        ),
        ({"host": "h.example.com", "auth_type": "databricks-cli"}, {}, False, "databricks-cli"),
        ({"host": "h.example.com"}, {}, True, "token-provider"),
    ],
)
def test_profile_is_not_read_when_host_and_credentials_are_given(
    cfg: WriteConfig,
    arguments: dict[str, str],
    env: dict[str, str],
    has_token_provider: bool,
    auth_type: str,
) -> None:
    path = cfg(MALFORMED)
    config = resolve(arguments, env, config_file=path, has_token_provider=has_token_provider)
    assert config.auth_type == auth_type
    assert config.host == "https://h.example.com"
    assert config.profile is None


def test_named_profile_does_not_inherit_from_default(cfg: WriteConfig) -> None:
    path = cfg(
        "[DEFAULT]\nhost = d.example.com\ntoken = d-token\nhttp_timeout_seconds = 99\n"
        "debug_headers = true\n"
        "[p]\nhost = p.example.com\nclient_id = p-id\nclient_secret = p-secret\n"
    )
    config = resolve({"profile": "p"}, config_file=path)
    assert config.auth_type == "oauth-m2m"
    assert config.token is None
    assert config.http_timeout_seconds is None
    assert config.debug_headers is False


def test_named_profile_without_credentials_does_not_borrow_default_token(cfg: WriteConfig) -> None:
    path = cfg("[DEFAULT]\nhost = d.example.com\ntoken = d-token\n[p]\nhost = p.example.com\n")
    with pytest.raises(ConfigError, match="no credentials"):
        resolve({"profile": "p"}, config_file=path)


def test_settings_default_profile_is_used_without_a_name(cfg: WriteConfig) -> None:
    path = cfg(
        "[__settings__]\ndefault_profile = staging\n"
        "[DEFAULT]\nhost = d.example.com\ntoken = d\n"
        "[staging]\nhost = staging.example.com\ntoken = s\n"
    )
    config = resolve({}, config_file=path)
    assert config.host == "https://staging.example.com"
    assert config.profile == "staging"
    assert config.sources["profile"] == "selected"


def test_default_section_is_used_without_a_name_or_settings(cfg: WriteConfig) -> None:
    path = cfg(
        "[other]\nhost = o.example.com\ntoken = o\n[DEFAULT]\nhost = d.example.com\ntoken = d\n"
    )
    config = resolve({}, config_file=path)
    assert config.host == "https://d.example.com"
    assert config.profile == "DEFAULT"


def test_default_can_be_named_explicitly(cfg: WriteConfig) -> None:
    path = cfg(
        "[__settings__]\ndefault_profile = other\n"
        "[other]\nhost = o.example.com\ntoken = o\n[DEFAULT]\nhost = d.example.com\ntoken = d\n"
    )
    config = resolve({"profile": "DEFAULT"}, config_file=path)
    assert config.host == "https://d.example.com"
    assert config.profile == "DEFAULT"


def test_a_name_beats_settings_default_profile(cfg: WriteConfig) -> None:
    path = cfg(
        "[__settings__]\ndefault_profile = staging\n"
        "[staging]\nhost = staging.example.com\ntoken = s\n"
        "[prod]\nhost = prod.example.com\ntoken = p\n"
    )
    config = resolve({"profile": "prod"}, config_file=path)
    assert config.host == "https://prod.example.com"


def test_settings_default_profile_that_does_not_exist(cfg: WriteConfig) -> None:
    path = cfg("[__settings__]\ndefault_profile = ghost\n[real]\nhost = r.example.com\ntoken = r\n")
    with pytest.raises(ConfigError, match="ghost") as caught:
        resolve({}, config_file=path)
    assert "real" in str(caught.value)


def test_no_default_profile_and_no_name_reads_nothing(cfg: WriteConfig) -> None:
    path = cfg("[other]\nhost = o.example.com\ntoken = o\n")
    with pytest.raises(ConfigError, match="no host"):
        resolve({}, config_file=path)


def test_config_file_argument_beats_env(tmp_path: Path) -> None:
    arg_file = tmp_path / "arg.cfg"
    arg_file.write_text("[DEFAULT]\nhost = arg-file.example.com\ntoken = a\n")
    env_file = tmp_path / "env.cfg"
    env_file.write_text("[DEFAULT]\nhost = env-file.example.com\ntoken = e\n")
    config = resolve_config(
        {"config_file": str(arg_file)}, {"DATABRICKS_CONFIG_FILE": str(env_file)}
    )
    assert config.host == "https://arg-file.example.com"
    assert config.config_file == str(arg_file)
    assert config.sources["config_file"] == "argument"


def test_profile_keys_are_stripped_and_unknown_keys_ignored(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost =   p.example.com   \ntoken = t\nazure_tenant_id = x\ncluster_id = c\n")
    config = resolve({"profile": "p"}, config_file=path)
    assert config.host == "https://p.example.com"
    assert "azure_tenant_id" not in config.sources
    assert "cluster_id" not in config.sources


# --- errors -----------------------------------------------------------------------------------


def test_no_host(no_file: str) -> None:
    with pytest.raises(ConfigError, match="no host"):
        resolve({"token": "t"}, config_file=no_file)


def test_no_credentials(no_file: str) -> None:
    with pytest.raises(ConfigError, match="no credentials"):
        resolve({"host": "h.example.com"}, config_file=no_file)


def test_named_profile_that_does_not_exist_lists_the_profiles(cfg: WriteConfig) -> None:
    path = cfg(
        "[__settings__]\ndefault_profile = alpha\n"
        "[alpha]\nhost = a.example.com\ntoken = a\n[beta]\nhost = b.example.com\ntoken = b\n"
    )
    with pytest.raises(ConfigError) as caught:
        resolve({"profile": "nope"}, config_file=path)
    message = str(caught.value)
    assert "'nope'" in message
    assert "does not exist" in message
    assert "alpha, beta" in message
    assert "__settings__" not in message


def test_named_profile_without_a_config_file(no_file: str) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve({"host": "h.example.com", "token": "t", "profile": "prod"}, config_file=no_file)
    message = str(caught.value)
    assert "'prod'" in message
    assert no_file in message
    assert "does not exist" in message


def test_two_auth_methods_in_env_name_both_and_their_sources(no_file: str) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(
            {"host": "h.example.com"},
            {
                "DATABRICKS_TOKEN": "t",
                "DATABRICKS_CLIENT_ID": "i",
                "DATABRICKS_CLIENT_SECRET": "s",
            },
            config_file=no_file,
        )
    message = str(caught.value)
    assert "more than one auth method" in message
    assert "pat (token from env DATABRICKS_TOKEN)" in message
    assert "oauth-m2m (client id/secret from env DATABRICKS_CLIENT_ID)" in message
    assert "auth_type" in message


def test_two_auth_methods_in_a_profile_name_the_profile(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = p.example.com\n" + PROFILE_CREDENTIALS)
    with pytest.raises(ConfigError) as caught:
        resolve({"profile": "p"}, config_file=path)
    message = str(caught.value)
    assert f"pat (token from profile p ({path}))" in message
    assert f"oauth-m2m (client id/secret from profile p ({path}))" in message


@pytest.mark.parametrize("auth_type", ["azure-cli", "github-oidc", "basic"])
def test_unsupported_auth_type_is_named(no_file: str, auth_type: str) -> None:
    with pytest.raises(ConfigError, match="not supported") as caught:
        resolve(
            {"host": "h.example.com", "token": "t", "auth_type": auth_type}, config_file=no_file
        )
    assert repr(auth_type) in str(caught.value)


def test_unsupported_auth_type_from_env(no_file: str) -> None:
    with pytest.raises(ConfigError, match="azure-cli"):
        resolve(
            {"host": "h.example.com", "token": "t"},
            {"DATABRICKS_AUTH_TYPE": "azure-cli"},
            config_file=no_file,
        )


@pytest.mark.parametrize(
    "env",
    [
        {"DATABRICKS_CLIENT_ID": "only-id"},
        {"DATABRICKS_CLIENT_ID": "only-id", "DATABRICKS_AUTH_TYPE": "oauth-m2m"},
    ],
)
def test_oauth_m2m_with_only_a_client_id(no_file: str, env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="oauth-m2m needs a client id and secret") as caught:
        resolve({"host": "h.example.com"}, env, config_file=no_file)
    assert "missing: client_secret" in str(caught.value)


def test_oauth_m2m_with_only_a_client_secret(no_file: str) -> None:
    with pytest.raises(ConfigError, match="missing: client_id"):
        resolve({"host": "h.example.com"}, {"DATABRICKS_CLIENT_SECRET": "s"}, config_file=no_file)


def test_auth_type_pat_without_a_token(no_file: str) -> None:
    with pytest.raises(ConfigError, match="pat needs a token"):
        resolve(
            {"host": "h.example.com", "auth_type": "pat"},
            {"DATABRICKS_CLIENT_ID": "i", "DATABRICKS_CLIENT_SECRET": "s"},
            config_file=no_file,
        )


def test_auth_type_token_provider_without_a_provider(no_file: str) -> None:
    with pytest.raises(ConfigError, match="token-provider needs"):
        resolve(
            {"host": "h.example.com", "token": "t", "auth_type": "token-provider"},
            config_file=no_file,
        )


@pytest.mark.parametrize(
    "text",
    [
        MALFORMED,
        "[p]\nhost = a\n[p]\nhost = b\n",
        "[p]\nhost = a\nhost = b\n",
        "[unclosed\nhost = a\n",
    ],
    ids=["no-section", "duplicate-section", "duplicate-key", "unclosed-section"],
)
def test_malformed_config_file(cfg: WriteConfig, text: str) -> None:
    path = cfg(text)
    with pytest.raises(ConfigError, match="malformed") as caught:
        resolve({"profile": "p"}, config_file=path)
    assert path in str(caught.value)


def test_config_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.cfg"
    path.write_bytes(b"[p]\nhost = caf\xe9.example.com\ntoken = t\n")
    with pytest.raises(ConfigError, match="malformed"):
        resolve({"profile": "p"}, config_file=str(path))


@pytest.mark.parametrize("value", ["soon", "ten", "-5", "nan"])
def test_non_numeric_http_timeout(no_file: str, value: str) -> None:
    with pytest.raises(ConfigError, match="http_timeout_seconds") as caught:
        resolve(
            {"host": "h.example.com", "token": "t"},
            {"DATABRICKS_HTTP_TIMEOUT_SECONDS": value},
            config_file=no_file,
        )
    assert repr(value) in str(caught.value)


def test_non_numeric_retry_timeout_in_a_profile(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = p.example.com\ntoken = t\nretry_timeout_seconds = forever\n")
    with pytest.raises(ConfigError, match="retry_timeout_seconds"):
        resolve({"profile": "p"}, config_file=path)


def test_bad_host_in_env_is_a_config_error(no_file: str) -> None:
    with pytest.raises(ConfigError, match="http://"):
        resolve({"token": "t"}, {"DATABRICKS_HOST": "http://h.example.com"}, config_file=no_file)


# --- auth_type chooses ------------------------------------------------------------------------

ALL_CREDENTIALS_ENV = {
    "DATABRICKS_TOKEN": "env-token",
    "DATABRICKS_CLIENT_ID": "env-id",
    "DATABRICKS_CLIENT_SECRET": "env-secret",
}


@pytest.mark.parametrize(
    ("auth_type", "expected"),
    [("pat", "pat"), ("oauth-m2m", "oauth-m2m"), ("OAuth-M2M", "oauth-m2m"), (" PAT ", "pat")],
)
def test_explicit_auth_type_picks_the_method(no_file: str, auth_type: str, expected: str) -> None:
    env = {**ALL_CREDENTIALS_ENV, "DATABRICKS_AUTH_TYPE": auth_type}
    config = resolve({"host": "h.example.com"}, env, config_file=no_file)
    assert config.auth_type == expected


def test_explicit_auth_type_argument_beats_env_auth_type(no_file: str) -> None:
    env = {**ALL_CREDENTIALS_ENV, "DATABRICKS_AUTH_TYPE": "pat"}
    config = resolve({"host": "h.example.com", "auth_type": "oauth-m2m"}, env, config_file=no_file)
    assert config.auth_type == "oauth-m2m"
    assert (config.client_id, config.client_secret) == ("env-id", "env-secret")


def test_explicit_auth_type_in_a_profile_picks_the_method(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = p.example.com\nauth_type = oauth-m2m\n" + PROFILE_CREDENTIALS)
    config = resolve({"profile": "p"}, config_file=path)
    assert config.auth_type == "oauth-m2m"


def test_databricks_cli_needs_no_secret(no_file: str) -> None:
    config = resolve(
        {"host": "h.example.com"}, {"DATABRICKS_AUTH_TYPE": "databricks-cli"}, config_file=no_file
    )
    assert config.auth_type == "databricks-cli"
    assert (config.token, config.client_id, config.client_secret) == (None, None, None)


def test_databricks_cli_profile_as_written_by_auth_login(cfg: WriteConfig) -> None:
    path = cfg("[dev]\nhost = https://dbc-1234.cloud.databricks.com/\nauth_type = databricks-cli\n")
    config = resolve(
        {"profile": "dev", "databricks_cli_path": "/opt/bin/databricks"}, config_file=path
    )
    assert config.auth_type == "databricks-cli"
    assert config.host == "https://dbc-1234.cloud.databricks.com"
    assert config.databricks_cli_path == "/opt/bin/databricks"


# --- booleans ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("false", False),
        ("False", False),
        ("0", False),
        ("no", False),
        ("off", False),
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("on", True),
        (" true ", True),
    ],
)
def test_debug_headers_env(no_file: str, value: str, expected: bool) -> None:
    config = resolve(
        {"host": "h.example.com", "token": "t"},
        {"DATABRICKS_DEBUG_HEADERS": value},
        config_file=no_file,
    )
    assert config.debug_headers is expected


def test_debug_headers_default_is_false(no_file: str) -> None:
    config = resolve({"host": "h.example.com", "token": "t"}, config_file=no_file)
    assert config.debug_headers is False


@pytest.mark.parametrize("value", ["maybe", "2", "ture", "yes please"])
def test_debug_headers_garbage(no_file: str, value: str) -> None:
    with pytest.raises(ConfigError, match="debug_headers") as caught:
        resolve(
            {"host": "h.example.com", "token": "t"},
            {"DATABRICKS_DEBUG_HEADERS": value},
            config_file=no_file,
        )
    assert "not a boolean" in str(caught.value)


def test_parse_bool_passes_bools_through_and_names_the_setting() -> None:
    assert parse_bool(True, name="x") is True
    assert parse_bool(False, name="x") is False
    with pytest.raises(ConfigError, match="my_flag: 'perhaps'"):
        parse_bool("perhaps", name="my_flag")


# --- hosts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("dbc-1234.cloud.databricks.com", "https://dbc-1234.cloud.databricks.com"),
        ("https://dbc-1234.cloud.databricks.com", "https://dbc-1234.cloud.databricks.com"),
        ("https://dbc-1234.cloud.databricks.com/", "https://dbc-1234.cloud.databricks.com"),
        ("https://adb-1.2.azuredatabricks.net/?o=1", "https://adb-1.2.azuredatabricks.net"),
        ("https://h.example.com/some/path/", "https://h.example.com"),
        ("https://h.example.com:443", "https://h.example.com"),
        ("https://h.example.com:443/", "https://h.example.com"),
        ("h.example.com:443", "https://h.example.com"),
        ("https://h.example.com:8443", "https://h.example.com:8443"),
        ("h.example.com:8443/x", "https://h.example.com:8443"),
        ("  https://H.Example.COM  ", "https://h.example.com"),
        ("HTTPS://h.example.com", "https://h.example.com"),
        ("http://localhost", "http://localhost"),
        ("http://localhost:8080/", "http://localhost:8080"),
        ("http://localhost:80", "http://localhost"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://127.0.0.2:5000", "http://127.0.0.2:5000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("http://[::1]", "http://[::1]"),
        ("https://[::1]:443", "https://[::1]"),
        ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"),
        ("https://emulator.localhost:9000", "https://emulator.localhost:9000"),
    ],
)
def test_normalize_host(host: str, expected: str) -> None:
    assert normalize_host(host) == expected


@pytest.mark.parametrize(
    "host",
    [
        "http://dbc-1234.cloud.databricks.com",
        "http://10.0.0.5:8080",
        "http://[2001:db8::1]",
        "http://127.evil.example.com",
        "http://localhost.evil.example.com",
        "http://0.0.0.0:8080",
        # names that should mean this machine, but that DNS answers where the hosts file
        # lacks them: whoever answers would get the token in clear text
        "http://emulator.localhost:9000",
        "http://localhost.localdomain",
        "http://ip6-localhost:8080",
    ],
)
def test_plain_http_is_refused_for_non_loopback_hosts(host: str) -> None:
    with pytest.raises(ConfigError, match="plain http:// is refused"):
        normalize_host(host)


@pytest.mark.parametrize(
    ("host", "match"),
    [
        ("", "host is empty"),
        ("   ", "host is empty"),
        ("ftp://h.example.com", "scheme must be https"),
        ("ws://localhost:8080", "scheme must be https"),
        ("file:///etc/passwd", "scheme must be https"),
        ("https://", "no host name"),
        ("https://h.example.com:notaport", "not a valid URL"),
        ("https://h.example.com:99999", "not a valid URL"),
        # a scheme typo would make the scheme word the host ("https://https")
        ("https:/adb-1.2.azuredatabricks.net", "write the scheme as https://"),
        ("https//adb-1.2.azuredatabricks.net", "write the scheme as https://"),
        ("HTTPS:/h.example/?o=1", "write the scheme as https://"),
        ("http:/localhost:8080", "write the scheme as https://"),
        ("https:h.example", "write the scheme as https://"),
        ("https:\\\\h.example", "a backslash"),
        ("https://h.example\\x", "a backslash"),
        # an "@" anywhere: a password with a "/" or "?" splits the URL before its "@"
        ("https://svc:8443/x7@adb-1.2.azuredatabricks.net", "user name or password"),
        ("https://svc:8443?x7@adb-1.2.azuredatabricks.net", "user name or password"),
    ],
)
def test_invalid_hosts(host: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        normalize_host(host)


@pytest.mark.parametrize(
    ("host", "hidden"),
    [
        ("http://h.example/?access_token=dapiSECRET0123", "dapiSECRET0123"),
        ("https://h.example/?access_token=dapiSECRET0123#x", "dapiSECRET0123"),
        ("https://h.example:99999/?token=dapiSECRET0123", "dapiSECRET0123"),
        ("https://svc:8443/pa55word@h.example", "pa55word"),
        ("https://user:dapiSECRET0123%40h.example", "dapiSECRET0123"),  # "@" encoded: a "port"
        ("https:/h.example/?token=dapiSECRET0123", "dapiSECRET0123"),
    ],
)
def test_a_refused_host_shows_no_query_path_or_credential(host: str, hidden: str) -> None:
    with pytest.raises(ConfigError) as refused:
        normalize_host(host)
    assert hidden not in str(refused.value)
    assert "h.example" in str(refused.value) or "https:" in str(refused.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("[::1]", True),
        ("api.localhost", False),  # RFC 6761 says loopback, but resolvers may ask DNS
        ("localhost.localdomain", False),
        ("example.com", False),
        ("10.0.0.1", False),
        ("::2", False),
        ("127.example.com", False),
        ("notlocalhost", False),
    ],
)
def test_is_loopback(name: str, expected: bool) -> None:
    assert is_loopback(name) is expected


# --- secrets, describe, sources ---------------------------------------------------------------

SECRET_TOKEN = "dapi0123456789abcdefSECRET"
SECRET_CLIENT = "dose-CLIENT-SECRET-xyz"


def _config_with_secrets(no_file: str) -> Config:
    return resolve(
        {"host": "h.example.com", "token": SECRET_TOKEN, "auth_type": "pat"},
        {"DATABRICKS_CLIENT_ID": "visible-id"},
        config_file=no_file,
    )


def test_repr_and_str_hide_secrets(no_file: str) -> None:
    config = resolve(
        {},
        {
            "DATABRICKS_HOST": "h.example.com",
            "DATABRICKS_TOKEN": SECRET_TOKEN,
            "DATABRICKS_CLIENT_ID": "visible-id",
            "DATABRICKS_CLIENT_SECRET": SECRET_CLIENT,
            "DATABRICKS_AUTH_TYPE": "oauth-m2m",
        },
        config_file=no_file,
    )
    assert config.token == SECRET_TOKEN
    assert config.client_secret == SECRET_CLIENT
    for text in (repr(config), str(config), repr(config.describe()), str(config.sources)):
        assert SECRET_TOKEN not in text
        assert SECRET_CLIENT not in text
    assert "visible-id" in repr(config)
    assert "https://h.example.com" in repr(config)


def test_describe_masks_secrets_and_names_sources(tmp_path: Path) -> None:
    path = tmp_path / "cfg"
    path.write_text(
        f"[p]\nhost = p.example.com\nhttp_timeout_seconds = 12\ntoken = {SECRET_TOKEN}\n"
    )
    config = resolve_config(
        {"profile": "p", "config_file": str(path)},
        {"DATABRICKS_HOST": "https://p.example.com/", "DATABRICKS_TOKEN": SECRET_TOKEN},
    )
    shown = config.describe()
    assert shown["host"] == "https://p.example.com  (env DATABRICKS_HOST)"
    assert shown["token"] == "****  (env DATABRICKS_TOKEN)"
    assert shown["http_timeout_seconds"] == f"12.0  (profile p ({path}))"
    assert shown["profile"] == "p  (argument)"
    assert shown["auth_type"] == "pat"
    assert "client_secret" not in shown
    assert "client_id" not in shown
    assert all(SECRET_TOKEN not in value for value in shown.values())


def test_describe_masks_client_secret(no_file: str) -> None:
    config = resolve(
        {"host": "h.example.com", "client_id": "cid", "client_secret": SECRET_CLIENT},
        config_file=no_file,
    )
    shown = config.describe()
    assert shown["client_secret"] == "****  (argument)"
    assert shown["client_id"] == "cid  (argument)"


def test_sources_say_where_each_value_came_from(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = ARG.example.com:443\ntoken = p-token\nretry_timeout_seconds = 5\n")
    config = resolve(
        {"host": "arg.example.com", "profile": "p"},
        {"DATABRICKS_TOKEN": "env-token", "DATABRICKS_DEBUG_HEADERS": "true"},
        config_file=path,
    )
    assert config.sources["host"] == "argument"
    assert config.sources["token"] == "env DATABRICKS_TOKEN"
    assert config.sources["debug_headers"] == "env DATABRICKS_DEBUG_HEADERS"
    assert config.sources["retry_timeout_seconds"] == f"profile p ({path})"
    assert config.sources["profile"] == "argument"
    assert config.sources["config_file"] == "env DATABRICKS_CONFIG_FILE"


def test_resolved_config_defaults(no_file: str) -> None:
    config = _config_with_secrets(no_file)
    assert config.auth_type == "pat"
    assert config.client_id is None
    assert config.http_timeout_seconds is None
    assert config.retry_timeout_seconds is None
    assert config.profile is None
    assert config.config_file == no_file


# --- durations, timeouts, pool limits ---------------------------------------------------------


def test_seconds_accepts_numbers_and_timedelta() -> None:
    assert seconds(3) == 3.0
    assert seconds(0) == 0.0
    assert seconds(1.25) == 1.25
    assert seconds(dt.timedelta(minutes=2, milliseconds=500)) == 120.5


@pytest.mark.parametrize("value", [-1, -0.001, math.nan, dt.timedelta(seconds=-1)])
def test_seconds_refuses_negatives_and_nan(value: float | dt.timedelta) -> None:
    with pytest.raises(ValueError, match="read_timeout"):
        seconds(value, name="read_timeout")


def test_timeouts_defaults_and_timedelta() -> None:
    default = Timeouts()
    assert (default.connect, default.read, default.write, default.pool) == (10.0, 60.0, 60.0, 60.0)
    assert default.total == 300.0
    custom = Timeouts(
        connect=dt.timedelta(seconds=2),
        read=dt.timedelta(milliseconds=1500),
        total=dt.timedelta(minutes=5),
    )
    assert (custom.connect, custom.read, custom.total) == (2.0, 1.5, 300.0)
    assert isinstance(custom.connect, float)
    assert Timeouts(total=None).total is None


@pytest.mark.parametrize("field", ["connect", "read", "write", "pool", "total"])
@pytest.mark.parametrize("value", [-1, math.nan, dt.timedelta(seconds=-5)])
def test_timeouts_refuse_negatives_and_nan(field: str, value: float | dt.timedelta) -> None:
    with pytest.raises(ValueError, match="zero seconds or more"):
        Timeouts(**{field: value})


def test_pool_limits_defaults_and_timedelta() -> None:
    limits = PoolLimits(max_connections=64, keepalive_expiry=dt.timedelta(seconds=1.5))
    assert limits.max_connections == 64
    assert limits.max_keepalive_connections == 20
    assert limits.keepalive_expiry == 1.5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_connections": 0}, "max_connections must be a positive integer"),
        ({"max_connections": -3}, "max_connections must be a positive integer"),
        ({"max_connections": 2.5}, "max_connections must be a positive integer"),
        ({"max_keepalive_connections": 0}, "max_keepalive_connections must be a positive"),
        ({"keepalive_expiry": -1}, "zero seconds or more"),
        ({"keepalive_expiry": math.nan}, "zero seconds or more"),
    ],
)
def test_pool_limits_refuse_bad_values(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        PoolLimits(**kwargs)  # type: ignore[arg-type]


# --- credentials are checked where they enter -------------------------------------------------

HIDDEN = "dapi-Hidden-0123456789"


@pytest.mark.parametrize("key", ["token", "client_id", "client_secret"])
@pytest.mark.parametrize("source", ["argument", "env", "profile"])
def test_surrounding_whitespace_of_a_credential_is_stripped(
    cfg: WriteConfig, key: str, source: str
) -> None:
    # A token read from a mounted secret file ends in a line break.
    value = f"\t {HIDDEN}\r\n"
    others = {"token": {}, "client_id": {"client_secret": "s"}, "client_secret": {"client_id": "i"}}
    arguments: dict[str, str] = {"host": "h.example.com"}
    env: dict[str, str] = {}
    path = cfg("[p]\nhost = h.example.com\n")
    if source == "argument":
        arguments.update({key: value, **others[key]})
    elif source == "env":
        env.update({f"DATABRICKS_{k.upper()}": v for k, v in {key: value, **others[key]}.items()})
    else:
        # configparser strips the line itself: a continuation line is the way to hide a break.
        lines = "".join(f"{k} = {v}\n" for k, v in others[key].items())
        path = cfg(f"[p]\nhost = h.example.com\n{key} = {HIDDEN}  \n{lines}")
        arguments["profile"] = "p"
    config = resolve(arguments, env, config_file=path)
    assert getattr(config, key) == HIDDEN


CONTROL_CHARACTERS = ["\n", "\r", "\x00", "\x1b", "\t", "\x7f", "\x85"]
# and the invisible ones: line and paragraph separators, a zero-width space, a no-break
# space, a byte-order mark, a soft hyphen
CONTROL_CHARACTERS += ["\u2028", "\u2029", "\u200b", "\u00a0", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("key", ["token", "client_id", "client_secret"])
@pytest.mark.parametrize("source", ["argument", "env", "profile"])
@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_character_inside_a_credential_is_refused(
    cfg: WriteConfig, key: str, source: str, char: str
) -> None:
    value = f"{HIDDEN[:8]}{char}{HIDDEN[8:]}"
    partner = {
        "token": {},
        "client_id": {"client_secret": "s"},
        "client_secret": {"client_id": "i"},
    }
    given = {key: value, **partner[key]}
    arguments: dict[str, str] = {"host": "h.example.com"}
    env: dict[str, str] = {}
    path = cfg("[unused]\n")
    if source == "argument":
        arguments.update(given)
        where = "(argument)"
    elif source == "env":
        env.update({f"DATABRICKS_{k.upper()}": v for k, v in given.items()})
        where = f"(env DATABRICKS_{key.upper()})"
    else:
        # configparser keeps an inner line break from a continuation line, and the rest as is.
        text = value.replace("\n", "\n  ").replace("\r", "\n  ")
        body = "".join(f"{k} = {v}\n" for k, v in {key: text, **partner[key]}.items())
        path = cfg(f"[p]\nhost = h.example.com\n{body}")
        arguments["profile"] = "p"
        where = f"(profile p ({path}))"
    with pytest.raises(ConfigError, match="control character") as caught:
        resolve(arguments, env, config_file=path)
    message = str(caught.value)
    assert f"{key} {where}" in message
    assert HIDDEN[:8] not in message
    assert HIDDEN[8:] not in message


@pytest.mark.parametrize("source", ["argument", "env", "profile"])
def test_a_token_with_a_space_inside_is_refused(cfg: WriteConfig, source: str) -> None:
    # The usual way: an inline comment after the token in .databrickscfg.
    value = f"{HIDDEN} ; the prod one"
    arguments: dict[str, str] = {"host": "h.example.com"}
    env: dict[str, str] = {}
    path = cfg("[unused]\n")
    if source == "argument":
        arguments["token"] = value
    elif source == "env":
        env["DATABRICKS_TOKEN"] = value
    else:
        path = cfg(f"[p]\nhost = h.example.com\ntoken = {value}\n")
        arguments["profile"] = "p"
    with pytest.raises(ConfigError, match="contains a space; a token is one word") as caught:
        resolve(arguments, env, config_file=path)
    assert HIDDEN not in str(caught.value)


@pytest.mark.parametrize("field", ["connect", "read", "write", "pool", "total"])
@pytest.mark.parametrize("value", [0, 0.0, -0.0, math.inf, 1e400, dt.timedelta(0)])
def test_a_timeout_of_zero_or_infinity_is_refused(field: str, value: object) -> None:
    # Zero meant no read timeout at all to aiohttp and an immediate one to httpx.
    with pytest.raises(ConfigError, match=f"{field} must be a timeout above zero"):
        Timeouts(**{field: value})  # type: ignore[arg-type]


def test_a_config_file_name_too_long_is_a_config_error(no_file: str) -> None:
    too_long = "/tmp/" + "x" * 5000
    for arguments in ({"profile": "p"}, {}):
        with pytest.raises(ConfigError, match="cannot be read"):
            resolve(arguments, {}, config_file=too_long)


def test_a_credential_of_only_whitespace_counts_as_not_given(no_file: str) -> None:
    config = resolve(
        {"host": "h.example.com", "token": " \n"},
        {"DATABRICKS_CLIENT_ID": "env-id", "DATABRICKS_CLIENT_SECRET": "env-secret"},
        config_file=no_file,
    )
    assert config.auth_type == "oauth-m2m"


def test_an_unused_credential_is_not_checked(no_file: str) -> None:
    # The argument's token wins; the broken one in the environment is never used.
    config = resolve(
        {"host": "h.example.com", "token": "arg-token"},
        {"DATABRICKS_TOKEN": "env\ntoken"},
        config_file=no_file,
    )
    assert config.token == "arg-token"


# --- hosts that are refused, and what is dropped ----------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "https://h.example.com  # prod workspace",
        "https://h.example.com/ ;staging",
        "h.example .com",
        "https://h.example.com\r\nX-Injected: 1",
        "https://h.example.com\x00",
    ],
)
def test_hosts_with_whitespace_or_control_characters_are_refused(host: str) -> None:
    with pytest.raises(ConfigError, match="whitespace, a backslash or a control character"):
        normalize_host(host)


def test_an_inline_comment_in_a_profile_host_names_the_profile(cfg: WriteConfig) -> None:
    path = cfg("[p]\nhost = https://h.example.com  # the prod one\ntoken = t\n")
    with pytest.raises(ConfigError, match=r"comments in \.databrickscfg go on lines") as caught:
        resolve({"profile": "p"}, config_file=path)
    assert f"host (profile p ({path}))" in str(caught.value)


@pytest.mark.parametrize(
    "host",
    [
        "https://zAlice:Pa55-Qzx@h.example.com",
        "https://zAlice@h.example.com",
        "zAlice:Pa55-Qzx@h.example.com:8443",
        "https://zAlice:Pa55/Qzx@h.example.com",  # a slash ends the authority early
        "https://zAlice:Pa55?Qzx@h.example.com",
        "https://zAlice:Pa55#Qzx@h.example.com",
        "https://zAlice:Pa55 Qzx@h.example.com",
    ],
)
def test_hosts_with_userinfo_are_refused_without_echoing_it(host: str) -> None:
    with pytest.raises(ConfigError) as caught:
        normalize_host(host, source="env DATABRICKS_HOST")
    message = str(caught.value)
    assert "(env DATABRICKS_HOST)" in message
    for part in ("zAlice", "Pa55", "Qzx"):
        assert part not in message


def test_userinfo_message_says_what_to_do() -> None:
    with pytest.raises(ConfigError, match="never in the URL") as caught:
        normalize_host("https://alice:Pa55-word@h.example.com")
    assert "****@h.example.com" in str(caught.value)


@pytest.mark.parametrize(
    "host", ["https://h.example.com#frag", "https://h.example.com/#", "h.example.com/x#y"]
)
def test_hosts_with_a_fragment_are_refused(host: str) -> None:
    with pytest.raises(ConfigError, match="#fragment"):
        normalize_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "https://adb-1.2.azuredatabricks.net/?o=1234567890",
        "https://h.example.com/browse/folders/123?o=4",
        "https://h.example.com/jobs",
    ],
)
def test_a_path_or_query_is_dropped_with_a_debug_line(
    host: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="databricks_jobs.config")
    result = normalize_host(host, source="argument")
    assert result.count("/") == 2
    assert "the path and query after" in caplog.text
    assert "(argument)" in caplog.text
    assert "o=" not in caplog.text
    assert "browse" not in caplog.text


def test_a_bare_host_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="databricks_jobs.config")
    assert normalize_host("https://h.example.com/") == "https://h.example.com"
    assert caplog.text == ""


# --- every refusal of a bad option is a DatabricksError (and still a ValueError) ---------------


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Timeouts(read=-1), "zero seconds or more"),
        (lambda: PoolLimits(max_connections=0), "positive integer"),
        (lambda: _workspace(transport="carrier-pigeon"), "transport must be one of"),
        (lambda: _workspace(verify=False), "TLS verification cannot be turned off"),
        (lambda: _workspace(max_response_bytes=0), "max_response_bytes"),
        (lambda: _workspace(user_agent_extra="a\nb"), "user_agent_extra"),
    ],
    ids=["timeout", "pool", "transport", "verify", "max-bytes", "user-agent"],
)
def test_bad_options_are_config_errors(build: Callable[[], object], match: str) -> None:
    from databricks_jobs import DatabricksError

    with pytest.raises(ConfigError, match=match) as caught:
        build()
    assert isinstance(caught.value, DatabricksError)
    assert isinstance(caught.value, ValueError)  # what these raised before


def _workspace(**options: object) -> object:
    from databricks_jobs import Workspace

    return Workspace(host="h.example.com", token="t", env={}, **options)  # type: ignore[arg-type]
