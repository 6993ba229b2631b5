"""Typed errors of the platform's APIs.

    ProviderError
    ├── ProviderAPIError            the platform answered with an error (code, HTTP status, texts)
    │   ├── AuthenticationError     5 invalid login, 6 invalid password
    │   ├── PermissionDeniedError   2 invalid IP address
    │   ├── BadRequestError         4, 7, 8, 9, 11: the request breaks a rule
    │   ├── DuplicateError          10 prohibited sending duplicates
    │   ├── RateLimitError          3 too many connections            (retried)
    │   ├── ServiceUnavailableError 1 service is unavailable          (retried)
    │   └── InternalServerError     100, or an answer we cannot read
    └── ProviderConnectionError     no answer: connection refused/reset (retried)
        └── ProviderTimeoutError    no answer in time                    (retried)

No error message ever contains the request body: it carries the password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
                "The platform refused a duplicate: this id was already used for another "
                "message. Send again as a new message.",
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


class ProviderError(Exception):
    """Anything that went wrong talking to the platform."""

    partner_id: str | None = None
    """The `id` of the send this error is about: retry with it, never with a new one."""


class ProviderAPIError(ProviderError):
    """The platform answered, with an error."""

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


class ProviderConnectionError(ProviderError):
    """No answer from the platform (refused, reset, DNS). The send may or may not have happened."""


class ProviderTimeoutError(ProviderConnectionError):
    """The platform did not answer in time. The send may or may not have happened."""
