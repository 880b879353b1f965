"""Auth: PATs, OAuth M2M client credentials with expiry on the clock, discovery documents."""

from __future__ import annotations

import httpx
import pytest

from databricks_jobs.testing import DEFAULT_CLIENT, Emulator, VirtualClock

pytestmark = pytest.mark.anyio


async def _token(client: httpx.AsyncClient, secret: str = DEFAULT_CLIENT[1]) -> httpx.Response:
    return await client.post(
        "/oidc/v1/token",
        data={"grant_type": "client_credentials", "scope": "all-apis"},
        auth=(DEFAULT_CLIENT[0], secret),
    )


async def test_missing_and_wrong_tokens_are_401(emulator: Emulator, anyio_backend: str) -> None:
    async with emulator.serve() as url, httpx.AsyncClient(base_url=url) as client:
        missing = await client.get("/api/2.2/jobs/list")
        wrong = await client.get(
            "/api/2.2/jobs/list", headers={"Authorization": "Bearer dapi-wrong"}
        )
        right = await client.get(
            "/api/2.2/jobs/list", headers={"Authorization": "Bearer dapi-emulator"}
        )
    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["error_code"] == "UNAUTHENTICATED"
    assert "Credential was not sent" in missing.json()["message"]
    assert wrong.json()["message"] == "Invalid access token."
    assert right.status_code == 200


async def test_configured_pats(clock: VirtualClock, anyio_backend: str) -> None:
    emulator = Emulator(clock, tokens=["dapi-one", "dapi-two"])
    transport = emulator.transport()
    async with httpx.AsyncClient(base_url="http://x", transport=transport) as client:
        two = await client.get("/api/2.2/jobs/list", headers={"Authorization": "Bearer dapi-two"})
        default = await client.get(
            "/api/2.2/jobs/list", headers={"Authorization": "Bearer dapi-emulator"}
        )
    assert two.status_code == 200
    assert default.status_code == 401
    assert emulator.token == "dapi-one"


async def test_oauth_client_credentials_and_expiry(
    emulator: Emulator, clock: VirtualClock, anyio_backend: str
) -> None:
    async with emulator.serve() as url, httpx.AsyncClient(base_url=url) as client:
        issued = await _token(client)
        body = issued.json()
        assert issued.status_code == 200
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 3600
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        assert (await client.get("/api/2.2/jobs/list", headers=headers)).status_code == 200
        clock.advance(3601)
        expired = await client.get("/api/2.2/jobs/list", headers=headers)
        assert expired.status_code == 401
        bad = await _token(client, secret="nope")
        assert bad.status_code == 401
        assert bad.json()["error"] == "invalid_client"
    assert emulator.token_requests == 2
    logged = emulator.requests_to("/oidc/v1/token")
    assert all(r.headers["authorization"] == "***" and r.body == "***" for r in logged)


async def test_expire_tokens_forces_a_refresh(emulator: Emulator, anyio_backend: str) -> None:
    async with httpx.AsyncClient(
        base_url="http://emulator.local", transport=emulator.transport()
    ) as client:
        token = (await _token(client)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert (await client.get("/api/2.2/jobs/list", headers=headers)).status_code == 200
        emulator.expire_tokens()
        assert (await client.get("/api/2.2/jobs/list", headers=headers)).status_code == 401


async def test_discovery_documents_need_no_auth(emulator: Emulator, anyio_backend: str) -> None:
    async with emulator.serve() as url, httpx.AsyncClient(base_url=url) as client:
        config = (await client.get("/.well-known/databricks-config")).json()
        oidc = (await client.get("/oidc/.well-known/oauth-authorization-server")).json()
    assert config["oidc_endpoint"] == f"{url}/oidc"
    assert oidc["token_endpoint"] == f"{url}/oidc/v1/token"


async def test_request_log_masks_secrets(emulator: Emulator, anyio_backend: str) -> None:
    async with emulator.serve() as url, httpx.AsyncClient(base_url=url) as client:
        await client.post(
            "/api/2.2/jobs/create",
            json={"name": "logged"},
            headers={"Authorization": "Bearer dapi-emulator"},
        )
        await client.get("/api/2.2/jobs/list?limit=5", headers={"Authorization": "Bearer x"})
    create, listing = emulator.requests
    assert create.method == "POST"
    assert create.path == "/api/2.2/jobs/create"
    assert create.body == {"name": "logged"}
    assert create.status == 200
    assert create.headers["authorization"] == "***"
    assert listing.query == {"limit": "5"}
    assert listing.status == 401
    assert "dapi-emulator" not in repr(emulator.requests)
