from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import httpx
import pytest


@pytest.fixture(scope="session")
def tls_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~90 ms per client; loopback HTTP never uses it, so once.
    return ssl.create_default_context()


@pytest.fixture
async def http(tls_context: ssl.SSLContext) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client: the sandbox is tested on the wire, not through our REST client."""
    async with httpx.AsyncClient(timeout=5.0, verify=tls_context) as client:
        yield client
