"""Who may use the people's API (``/api/...``): the playground's own page, nobody else's.

A browser lets any web page send a POST to any address, loopback included: a ``text/plain``
form or ``fetch`` needs no permission, and once made the people's API would write as the
Operator - whom the bot, without BOT_TOKEN, treats as its admin, and who may send real
messages when PROVIDER_* holds real credentials. So every API request must

- name this playground as its Host: an IP address, ``localhost`` or a name we were told to
  answer to. A page that rebinds its own DNS name to 127.0.0.1 would otherwise be same-origin
  with us and could read the token from the page;
- come from the page's own origin: a foreign ``Origin`` (another port is another origin)
  or a browser's ``Sec-Fetch-Site`` saying cross-site or same-site is refused;
- carry the per-run token that only the page knows (``X-Playground-Token``). A custom
  header is also something no other page can add without a CORS preflight, which the
  playground never grants;
- send JSON with ``Content-Type: application/json`` when it has a body (a form cannot).

The Bot API (``/bot<token>/...``) is the bot's and is not guarded here.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets

from aiohttp import web

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Playground-Token"  # noqa: S105 - a header name, not a secret
TOKEN_QUERY = "token"  # noqa: S105 - a parameter name, not a secret
"""``GET /api/events?token=``: the page's EventSource cannot send headers."""
SAME_ORIGIN_FETCHES = frozenset({"same-origin", "none"})
"""``Sec-Fetch-Site`` values of the page's own requests (and of a person typing the URL)."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether listening on `host` keeps the playground to this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Refused(Exception):
    """A request the guard turns away: its HTTP status and the reason said in the answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class PageGuard:
    """The checks above; `token` is the page's, `hosts` the names answered besides
    ``localhost`` and IP addresses."""

    def __init__(self, token: str, hosts: frozenset[str] = frozenset()) -> None:
        self.token = token
        self.hosts = {h.lower() for h in hosts}

    def allow_host(self, host: str) -> None:
        """Answer to this name too (the one given to listen on)."""
        self.hosts.add(host.lower())

    def check_host(self, request: web.Request) -> None:
        """The page itself is refused under a foreign name too: it carries the token."""
        name = _host_name(request.headers.get("Host", ""))
        if name is None or not self._known(name):
            raise Refused(
                403,
                f"the playground does not answer to the name {name or '(none)'!r}: "
                "open it by IP address or localhost (or start it with --allow-host)",
            )

    def check_stream(self, request: web.Request) -> None:
        """`check_api` for the event stream, whose token may come in the query."""
        self._check_api(request, request.query.get(TOKEN_QUERY))

    def check_api(self, request: web.Request) -> None:
        self._check_api(request, None)

    def _check_api(self, request: web.Request, query_token: str | None) -> None:
        self.check_host(request)
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            raise Refused(403, "requests from other web pages are refused")
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in SAME_ORIGIN_FETCHES:
            raise Refused(403, "requests from other web pages are refused")
        given = request.headers.get(TOKEN_HEADER, query_token)
        if given is None:
            raise Refused(
                403, f"the API needs the {TOKEN_HEADER} header: the token of the page at /"
            )
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            raise Refused(403, f"wrong {TOKEN_HEADER}: reload the page at / for this run's")
        if request.method == "POST" and request.content_type != "application/json":
            raise Refused(415, "the body must be JSON, sent as Content-Type: application/json")

    def _known(self, name: str) -> bool:
        if name == "localhost" or name in self.hosts:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


def _host_name(header: str) -> str | None:
    """``host`` of a Host header ``host[:port]`` or ``[v6]:port``, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        name, bracket, _ = header[1:].partition("]")
        return name if bracket and name else None
    name = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
    return name or None
