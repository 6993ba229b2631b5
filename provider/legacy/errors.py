"""The legacy API's errors in the tree of `provider.errors`.

The legacy API has no error codes: it answers a bare text (plain text over GET,
``{"error": "..."}`` in JSON, ``<error>...</error>`` in XML, or an error per phone). Texts
are classified by the fragments in `provider.legacy.rules`; `code` is always None.
"""

from __future__ import annotations

from typing import ClassVar

from provider.errors import (
    AuthenticationError,
    BadRequestError,
    Outcome,
    PermissionDeniedError,
    ProviderAPIError,
    ProviderError,
    RateLimitError,
    ServiceUnavailableError,
    api_error,
)
from provider.legacy.rules import (
    AUTH_MARKERS,
    IDENTICAL_REQUEST_MARKERS,
    IDENTICAL_REQUEST_WINDOW,
    IP_MARKERS,
    UNAVAILABLE_MARKERS,
    has_marker,
)
from provider.phone import mask_phone

_GET_ERROR_PREFIX = "error:"


class IdenticalRequestError(RateLimitError):
    """The same request came twice within a minute; the platform refused the second one.

    Not retried automatically: a retry within the minute is refused again. The earlier,
    identical request DID reach the platform and may have sent the message, so the send's
    outcome is unknown: ask again after a minute with the same client_id_message (the
    platform does not send one client_id_message twice), or look before resending.
    """

    retryable: ClassVar[bool] = False
    outcome = Outcome.UNKNOWN

    def __init__(self, *, http_status: int, description: str) -> None:
        super().__init__(
            code=None,
            http_status=http_status,
            description=description,
            retry_after=IDENTICAL_REQUEST_WINDOW,
        )
        self.explanation = (
            "The platform accepts an identical request at most once a minute and refused "
            "this repeat. If it follows a request whose answer was lost, that request "
            "reached the platform: wait a minute and resend with the same "
            "client_id_message, which the platform never sends twice."
        )


class TooSoonError(ProviderError):
    """Not sent: an identical request went to the platform less than a minute ago, and the
    platform refuses an identical request within one (seed 003). Ask again after
    `retry_after` seconds."""

    outcome = Outcome.NOT_SENT

    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"an identical request went out {IDENTICAL_REQUEST_WINDOW:.0f} s ago or less; "
            f"the platform would refuse it: ask again in {retry_after:.1f} s"
        )
        self.retry_after = retry_after


class LegacyPhoneError(BadRequestError):
    """The platform refused one phone of a send (the others may have been sent)."""

    def __init__(
        self, *, phone: str, client_id_message: str | None, text: str, http_status: int = 200
    ) -> None:
        super().__init__(code=None, http_status=http_status, description=text)
        self.phone = phone
        self.client_id_message = client_id_message
        self.text = text
        self.partner_id = client_id_message
        self.explanation = "The platform refused this phone; the reason is its own text."

    def __str__(self) -> str:
        # The number is masked like in every log line: errors end up in logs.
        return f"phone {mask_phone(self.phone)}: {self.text}"


_EXPLANATIONS = {
    AuthenticationError: "The platform rejected the login or the password. "
    "Check the account's settings.",
    PermissionDeniedError: "The platform does not accept requests from this server's IP "
    "address. Ask the platform's support to allow it.",
    BadRequestError: "The platform refused the request; the reason is its own text.",
    ServiceUnavailableError: "The platform says it is unavailable for now. Try again in a minute.",
}


def legacy_error(text: str, http_status: int) -> ProviderAPIError:
    """The typed error for an error text the platform answered for a whole request."""
    description = text.strip()
    if description.casefold().startswith(_GET_ERROR_PREFIX):
        description = description[len(_GET_ERROR_PREFIX) :].strip()
    description = description or "the platform answered an empty error"
    if has_marker(description, IDENTICAL_REQUEST_MARKERS):
        return IdenticalRequestError(http_status=http_status, description=description)
    cls: type[ProviderAPIError]
    if http_status == 403 or has_marker(description, IP_MARKERS):
        cls = PermissionDeniedError
    elif http_status == 401 or has_marker(description, AUTH_MARKERS):
        cls = AuthenticationError
    elif http_status >= 400:
        # An HTTP failure (a proxy, an overloaded server) says more than its text.
        return api_error(code=None, http_status=http_status, description=description)
    elif has_marker(description, UNAVAILABLE_MARKERS):
        cls = ServiceUnavailableError
    else:
        cls = BadRequestError
    error = cls(code=None, http_status=http_status, description=description)
    error.explanation = _EXPLANATIONS[cls]
    return error
