"""The platform's legacy HTTPS API: GET, JSON and XML transports of the same operations.

    async with LegacyClient(url, login, SecretStr(password), transport="json") as client:
        sent = await client.send(
            LegacySendRequest(phones=["79001234567"], send_sms=1, text_sms="Code 1234")
        )
        [state] = await client.states([sent.id_message])

Statuses are polled (the API has no callbacks); an identical request is accepted at most
once a minute. Rules and texts: `provider.legacy.rules`; errors: `provider.legacy.errors`.
"""

from provider.legacy.client import STATE_BATCH_LIMIT, LegacyClient, Transport, refused_phones
from provider.legacy.errors import IdenticalRequestError, LegacyPhoneError, legacy_error
from provider.legacy.request import (
    LegacyMessage,
    LegacyRecipient,
    LegacySendRequest,
    new_client_id_message,
)
from provider.legacy.results import ERROR_STATE, LegacySendResult, LegacyState, LegacyStatus
from provider.legacy.rules import LegacyChannel, LegacyRule

__all__ = [
    "ERROR_STATE",
    "STATE_BATCH_LIMIT",
    "IdenticalRequestError",
    "LegacyChannel",
    "LegacyClient",
    "LegacyMessage",
    "LegacyPhoneError",
    "LegacyRecipient",
    "LegacyRule",
    "LegacySendRequest",
    "LegacySendResult",
    "LegacyState",
    "LegacyStatus",
    "Transport",
    "legacy_error",
    "new_client_id_message",
    "refused_phones",
]
