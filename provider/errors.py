"""Typed errors of the platform's APIs, each with the outcome of the send it is about.

    ProviderError                   outcome: REFUSED, NOT_SENT or UNKNOWN (see `Outcome`)
    ├── ProviderAPIError            the platform answered with an error: REFUSED
    │   ├── AuthenticationError     5 invalid login, 6 invalid password
    │   ├── PermissionDeniedError   2 invalid IP address
    │   ├── BadRequestError         4, 7, 8, 9, 11: the request breaks a rule
    │   ├── DuplicateError          10 prohibited sending duplicates
    │   ├── RateLimitError          3 too many connections            (temporary: resent)
    │   ├── ServiceUnavailableError 1 service is unavailable          (temporary: resent)
    │   └── InternalServerError     100 (the platform's own answer)
    ├── UnreadableAnswerError       an answer that is not the platform's (a proxy's 502 page,
    │                               a cut or unreadable 200): UNKNOWN
    └── ProviderConnectionError     no answer: NOT_SENT when no connection was made,
        └── ProviderTimeoutError    else UNKNOWN (read timeout, connection dropped)

Whether a send may be made again automatically follows from the outcome alone
(`resend_is_safe`): only what provably did not reach the platform, or what it refused as
temporary, or anything when the account has duplicate control by id.

No error message ever contains the request body: it carries the password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class ErrorCode:
    code: int
    description: str
    """The platform's own short text."""
    http_status: int
    explanation: str
    """What it means for the person sending, and what to do."""


ERROR_CODES: Mapping[int, ErrorCode] = MappingProxyType(
    {
        e.code: e
        for e in (
            ErrorCode(
                1,
                "Service is unavailable",
                503,
                "The platform is temporarily unavailable. Try again in a minute.",
            ),
            ErrorCode(
                2,
                "Invalid IP-address",
                403,
                "The platform does not accept requests from this server's IP address. "
                "Ask the platform's support to add it to the account's allow-list.",
            ),
            ErrorCode(
                3,
                "Too many connections",
                429,
                "The account sent too many requests at once. Wait a few seconds and retry.",
            ),
            ErrorCode(
                4,
                "Invalid request",
                400,
                "The platform rejected the request as invalid; the details say which field.",
            ),
            ErrorCode(
                5,
                "Invalid login",
                401,
                "The platform does not know this login. Check the account's login setting.",
            ),
            ErrorCode(
                6,
                "Invalid password",
                401,
                "The platform rejected the password. Check the account's password setting.",
            ),
            ErrorCode(
                7,
                "serviceNumber is not defined",
                400,
                "No sender name (serviceNumber) was given, or it is not registered for "
                "this account and channel. Pick a sender the account has.",
            ),
            ErrorCode(
                8,
                "destAddr is not correct",
                406,
                "The platform did not accept the phone number. Check it: country code first.",
            ),
            ErrorCode(
                9,
                "Message type is not correct",
                406,
                "This message type is unknown or not enabled for the account.",
            ),
            ErrorCode(
                10,
                "Prohibited sending duplicates",
                409,
                'The platform answered code 10, "Prohibited sending duplicates"; its '
                "documentation says nothing more about it. Before sending again, check "
                "whether the subscriber already got this message (/status, /trace).",
            ),
            ErrorCode(
                11,
                "Invalid TTL",
                406,
                "The message lifetime (ttl) is outside the range this channel allows.",
            ),
            ErrorCode(
                100,
                "Internal error",
                500,
                "The platform failed internally. Try again later; if it repeats, tell "
                "the platform's support.",
            ),
        )
    }
)


class Outcome(StrEnum):
    """What a failed call says about the send: the only three things it can say."""

    REFUSED = "refused"
    """The platform answered, with an error saying it did not take the message."""
    NOT_SENT = "not_sent"
    """No connection was made: the platform cannot have the request."""
    UNKNOWN = "unknown"
    """The request may have been read (read timeout, connection dropped after writing, a
    5xx that is not the platform's answer, an unreadable 200): the platform may have it."""


class ProviderError(Exception):
    """Anything that went wrong talking to the platform."""

    partner_id: str | None = None
    """The `id` of the send this error is about: retry with it, never with a new one."""

    outcome: Outcome = Outcome.UNKNOWN
    """What this says about the send; unknown unless the error proves otherwise."""


class ProviderAPIError(ProviderError):
    """The platform answered, with an error: it did not take the message."""

    outcome = Outcome.REFUSED

    def __init__(
        self,
        *,
        code: int | None,
        http_status: int,
        description: str,
        extended_description: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.code = code
        self.http_status = http_status
        self.description = description
        self.extended_description = extended_description
        self.retry_after = retry_after
        """Seconds the platform asked us to wait (Retry-After), if it said."""
        known = ERROR_CODES.get(code) if code is not None else None
        self.explanation = known.explanation if known else "The platform returned an error."
        details = f": {extended_description}" if extended_description else ""
        super().__init__(f"code {code} (HTTP {http_status}) {description}{details}")

    retryable: ClassVar[bool] = False
    """Whether sending the same request again (with the same id) may succeed."""


class AuthenticationError(ProviderAPIError):
    pass


class PermissionDeniedError(ProviderAPIError):
    pass


class BadRequestError(ProviderAPIError):
    pass


class DuplicateError(ProviderAPIError):
    pass


class RateLimitError(ProviderAPIError):
    retryable = True


class ServiceUnavailableError(ProviderAPIError):
    retryable = True


class InternalServerError(ProviderAPIError):
    pass


_CLASS_BY_CODE: Mapping[int, type[ProviderAPIError]] = MappingProxyType(
    {
        1: ServiceUnavailableError,
        2: PermissionDeniedError,
        3: RateLimitError,
        4: BadRequestError,
        5: AuthenticationError,
        6: AuthenticationError,
        7: BadRequestError,
        8: BadRequestError,
        9: BadRequestError,
        10: DuplicateError,
        11: BadRequestError,
        100: InternalServerError,
    }
)


def api_error(
    *,
    code: int | None,
    http_status: int,
    description: str,
    extended_description: str | None = None,
    retry_after: float | None = None,
) -> ProviderAPIError:
    """The right subclass for a code; an unknown code is classified by its HTTP status."""
    cls = _CLASS_BY_CODE.get(code) if code is not None else None
    if cls is None:
        if http_status == 429:
            cls = RateLimitError
        elif http_status == 503:
            cls = ServiceUnavailableError
        elif http_status in (401, 403):
            cls = AuthenticationError if http_status == 401 else PermissionDeniedError
        elif 400 <= http_status < 500:
            cls = BadRequestError
        else:
            cls = InternalServerError
    return cls(
        code=code,
        http_status=http_status,
        description=description,
        extended_description=extended_description,
        retry_after=retry_after,
    )


class UnreadableAnswerError(ProviderError):
    """Something answered, but not the platform: a load balancer's 5xx page, a 200 whose
    body was cut or is not a send result. The request may have been read and sent."""

    outcome = Outcome.UNKNOWN

    def __init__(self, *, http_status: int, snippet: str | None) -> None:
        self.http_status = http_status
        self.snippet = snippet
        """The first characters of what came back (never the request)."""
        details = f": {snippet}" if snippet else ""
        super().__init__(f"an answer that is not the platform's (HTTP {http_status}){details}")


class ProviderConnectionError(ProviderError):
    """No answer from the platform. `outcome` says whether the request can have arrived:
    NOT_SENT when no connection was made (refused, DNS, connect timeout), else UNKNOWN."""

    def __init__(self, message: str, *, outcome: Outcome = Outcome.UNKNOWN) -> None:
        super().__init__(message)
        self.outcome = outcome


class ProviderTimeoutError(ProviderConnectionError):
    """The platform did not answer in time (UNKNOWN), or no connection in time (NOT_SENT)."""


def resend_is_safe(error: ProviderError, *, duplicate_control: bool) -> bool:
    """Whether the same request may go out again without risking a second message.

    What never reached the platform, and what it refused as temporary (codes 1 and 3), may
    always go again; an unknown outcome only where the account has duplicate control by
    id (a service switched on separately, off unless the customer asked: seed 001), which
    makes the platform send one id once.
    """
    if error.outcome is Outcome.NOT_SENT:
        return True
    if error.outcome is Outcome.REFUSED:
        return isinstance(error, ProviderAPIError) and error.retryable
    return duplicate_control
