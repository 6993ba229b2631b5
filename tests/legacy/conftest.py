from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from provider.legacy import LegacyClient, Transport
from provider.sandbox import RunningSandbox
from tests.legacy.helpers import TLS, TRANSPORTS, legacy_client


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> Transport:
    value: Transport = request.param
    return value


@pytest.fixture
async def client(sandbox: RunningSandbox, transport: Transport) -> AsyncIterator[LegacyClient]:
    """The legacy client of the sandbox account, over each transport in turn."""
    async with legacy_client(sandbox, transport) as c:
        yield c


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client, for what our client would never send."""
    async with httpx.AsyncClient(timeout=5.0, verify=TLS) as c:
        yield c
