"""Who posted a report: the address the receiver's allow-list is checked against.

The TCP peer, as an IPv4 address when it is one written as IPv6 (``::ffff:a.b.c.d``: how
IPv4 clients arrive on a socket bound to ``[::]``). When the peer is one of the trusted
proxies (REPORTS_TRUSTED_PROXIES), ``X-Forwarded-For`` is read from its right end: each
trusted proxy names the hop before it, and the first address that is not a trusted proxy is
the client. Nobody else's ``X-Forwarded-For`` is believed: anyone can write one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address


@dataclass(frozen=True, slots=True)
class PeerAccess:
    allowed: Sequence[Network] | None = None
    """The platform's addresses; None: anyone (who knows the secret)."""
    trusted_proxies: Sequence[Network] = ()

    def client(self, peer: str | None, forwarded_for: Sequence[str] = ()) -> Address | None:
        """The client's address (None: cannot be told), from the TCP peer and the
        ``X-Forwarded-For`` headers as received."""
        address = parse_address(peer)
        hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
        while address is not None and hops and _within(address, self.trusted_proxies):
            address = parse_address(hops.pop())
        return address

    def allows(self, address: Address | None) -> bool:
        if self.allowed is None:
            return True
        return address is not None and _within(address, self.allowed)


def parse_address(text: str | None) -> Address | None:
    """An address as a peer or a proxy writes it (``::ffff:`` IPv4 as IPv4; a port after
    an IPv4 address or a bracketed IPv6 one is dropped); None if it is not one."""
    if not text:
        return None
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _within(address: Address, networks: Sequence[Network]) -> bool:
    return any(address in network for network in networks)
