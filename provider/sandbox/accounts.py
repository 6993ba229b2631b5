"""The emulated account: who may send (IP allow-list, login, password)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from ipaddress import ip_address
from typing import Any

from provider.sandbox.config import SandboxConfig

INVALID_IP = 2
INVALID_LOGIN = 5
INVALID_PASSWORD = 6


class Account:
    def __init__(self, config: SandboxConfig) -> None:
        self._login = config.login
        self._password = config.password
        self._allowed = config.allowed_ips

    def refusal(self, peer: str | None, body: Mapping[str, Any]) -> int | None:
        """The platform's error code refusing this request, or None when it may proceed.

        The order is the platform's: the IP allow-list, then the login, then the password.
        """
        if self._allowed is not None and not self._peer_allowed(peer):
            return INVALID_IP
        login = body.get("login")
        if not isinstance(login, str) or not _same(login, self._login):
            return INVALID_LOGIN
        password = body.get("password")
        if not isinstance(password, str) or not _same(password, self._password.get_secret_value()):
            return INVALID_PASSWORD
        return None

    def _peer_allowed(self, peer: str | None) -> bool:
        if peer is None or self._allowed is None:
            return False
        try:
            address = ip_address(peer)
        except ValueError:
            return False
        # A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
        mapped = getattr(address, "ipv4_mapped", None)
        return any(
            address in network or (mapped is not None and mapped in network)
            for network in self._allowed
        )


def _same(given: str, expected: str) -> bool:
    # Constant-time, so the sandbox does not teach a bad habit to code copied from it.
    return hmac.compare_digest(given.encode(), expected.encode())
