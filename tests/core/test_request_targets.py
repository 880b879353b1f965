"""A request goes to the workspace's host and nowhere else, whatever path a caller gives.

The URL of a request is the base URL and the path joined as text, so a path that does not
start with ``/`` went on naming the host: ``@127.0.0.1:<port>/x`` sent the token to another
server (httpx), ``.evil.example/x`` to another name. Such paths are refused with a
`SpecError` before anything is built or sent.
"""

from __future__ import annotations

import anyio
import pytest

from databricks_jobs import ConfigError, SpecError, Workspace

from .loopback import Exchange, combos, loopback_server, workspace

pytestmark = pytest.mark.anyio

ELSEWHERE = [
    "@{other}/api/2.2/jobs/list",
    ".evil.example/api/2.2/jobs/list",
    "api/2.2/jobs/list",
    "//{other}/api/2.2/jobs/list",
    "/\\{other}/api/2.2/jobs/list",
    ":{port}@{other}/api/2.2/jobs/list",
]


@combos
@pytest.mark.parametrize("shape", ELSEWHERE)
async def test_a_path_that_would_name_another_host_is_refused(
    anyio_backend: str, transport: str, shape: str
) -> None:
    seen: dict[str, list[str]] = {"workspace": [], "other": []}

    def recording(name: str):  # type: ignore[no-untyped-def]
        async def behaviour(exchange: Exchange) -> None:
            seen[name].append(exchange.headers.get("authorization", ""))
            await exchange.respond(200, b"{}")

        return behaviour

    async with (
        loopback_server(recording("workspace")) as good,
        loopback_server(recording("other")) as other,
    ):
        authority = other.url.removeprefix("http://")
        path = shape.format(other=authority, port=authority.rpartition(":")[2])
        async with workspace(good.url, transport) as ws:
            with anyio.fail_after(10), pytest.raises(SpecError) as refused:
                await ws.request("GET", path)
            with pytest.raises(SpecError):
                ws.prepare_request("GET", path)
            await ws.request("GET", "/api/2.2/jobs/list")  # the workspace still answers
    assert "must be a path on the workspace" in str(refused.value)
    assert seen == {"workspace": ["Bearer dapi-loopback"], "other": []}


def test_a_prepared_request_stays_on_an_https_host() -> None:
    ws = Workspace(host="https://adb-1.2.azuredatabricks.net", token="dapi-x", env={})
    for path in (".evil.example/api", "@evil.example/api", "api/2.2/jobs/list"):
        with pytest.raises(SpecError, match="must be a path on the workspace"):
            ws.prepare_request("GET", path)
    request = ws.prepare_request("GET", "/api/2.2/jobs/list?limit=5")
    assert str(request.url) == "https://adb-1.2.azuredatabricks.net/api/2.2/jobs/list?limit=5"


FULLWIDTH = "https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com"


@pytest.mark.parametrize("host", [FULLWIDTH, "https://exa\u0300mple.com"])
def test_a_host_name_httpx_refuses_is_a_config_error(host: str) -> None:
    with pytest.raises(ConfigError, match="is not a valid host name"):
        Workspace(host=host, token="dapi-x", env={})
