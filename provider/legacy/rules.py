"""Every rule and fixed text of the legacy HTTPS API (GET / JSON / XML), written once.

The request models, the client, the sandbox's legacy endpoints and the bot's messages read
these from here. Facts shared with the REST API (a Viber text's length, a Viber lifetime's
range, SMS length) come from `provider.channels`, so they stay one fact.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic_core import PydanticCustomError

from provider.channels import CHANNEL_RULES, MessageType


class LegacyChannel(StrEnum):
    """The only channels of the legacy API; the value is the wire suffix (send_viber)."""

    VIBER = "viber"
    VK = "vk"
    SMS = "sms"

    @property
    def message_type(self) -> MessageType:
        return _MESSAGE_TYPES[self]

    @property
    def label(self) -> str:
        return CHANNEL_RULES[self.message_type].label

    @property
    def priority_field(self) -> str:
        return f"send_{self.value}"


_MESSAGE_TYPES = {
    LegacyChannel.VIBER: MessageType.VIBER,
    LegacyChannel.VK: MessageType.VK,
    LegacyChannel.SMS: MessageType.SMS,
}

CHANNEL_ORDER: tuple[LegacyChannel, ...] = (
    LegacyChannel.VIBER,
    LegacyChannel.VK,
    LegacyChannel.SMS,
)
"""Ties between equal priorities are broken in this order (the seed's own listing order);
the page does not say what the platform does with equal priorities."""

PRIORITY_UNUSED = 0
PRIORITY_MIN = 1
PRIORITY_MAX = 9
"""send_viber / send_vk / send_sms: 0 = channel not used, 1..9 = order of trial (1 first)."""

VIBER_TEXT_LIMIT = CHANNEL_RULES[MessageType.VIBER].text_limit
"""text_viber: at most 1000 characters (seed 003, lines 16, 77, 226), as in the REST API."""
BUTTON_TEXT_LIMIT = 19
"""button_text: at most 19 characters (seed 003, lines 17, 78, 227); REST's caption allows 30.
The page states no form for button_url or image_url, and no limit for text_sms: none is
checked."""

VALIDITY_PERIOD_VIBER_DEFAULT = 60
"""Minutes, when validity_period_viber is absent (seed 003, lines 25, 81, 230). The page
gives no range: any whole number of minutes from 1 goes."""

NAME_DELIVERY_DEFAULT = "Шлюз"
"""The campaign name the platform uses when name_delivery is empty (seed 003, line 73)."""

TIME_SEND_FORMAT = "%Y-%m-%d %H:%M"
"""time_send: ``YYYY-MM-DD hh:mm`` (seed 003, line 74)."""
TIME_CHANGE_STATE_FORMAT = "%Y-%m-%d %H:%M:%S"
"""time_change_state in state answers: ``YYYY-MM-DD hh:mm:ss`` (seed 003, line 151)."""

STATE_FIELDS = (
    "time_change_state",
    "state_sms",
    "state_viber",
    "state_vk",
    "num_parts_sms",
    "price_sms",
    "price_viber",
    "price_vk",
)
"""What a state answer gives per message besides its id and overall state (seed 003, lines
144-146 and 285): the fields a client reads and the sandbox writes, every one of them."""

JSON_XML_ONLY_FIELDS = ("name_delivery", "time_send")
"""Fields the page gives for the JSON and XML sends only (seed 003, lines 73-74, 222-223;
the GET list, lines 9-32, has neither): a GET send carrying them is refused before it
leaves, rather than sent now under the default name."""

CLIENT_ID_DIGITS = 18
"""The length of the client_id_message numbers we make. The page asks only for a number
(seed 003, line 98): any length is accepted."""

IDENTICAL_REQUEST_WINDOW = 60.0
"""Seconds: an identical request is accepted at most once in this window."""

GET_URL_ADVISED_LIMIT = 2000
"""The page advises keeping GET URLs under about 2000 characters."""

TEMPLATE_KEY_PATTERN = r"[^\W\d][\w-]*"
"""templateData keys: names the XML transport can write as element names (seed 003,
line 217: ``<templateData><Name>Имя</Name>``), so one request goes over any transport."""

# --- endpoints (paths under the base URL the partner is given) --------------------------

GET_PATH = "/sendmessage.php"
"""GET: send (phone=...) and state (id_message=...)."""
JSON_PATH = "/sendmessagejson.php"
"""JSON POST: send ({"message": [...]}) and state ({"state": [...]})."""
XML_SEND_PATH = "/xml/message.php"
XML_STATE_PATH = "/xml/state_message.php"

# --- the platform's texts ---------------------------------------------------------------

IDENTICAL_REQUEST_TEXT = "Попытка отправки более одного одинакового запроса в течение минуты"
"""The seed's error text (GET prefixes it with ``error: ``)."""
UNKNOWN_ID_TEXT = "Сообщение с таким ID не принималось"
"""The seed's example of a state that is an error text."""

IDENTICAL_REQUEST_MARKERS = (
    "более одного одинакового запроса",
    "more than one identical request",
)
AUTH_MARKERS = ("логин", "парол", "авториз", "login", "password", "authori")
IP_MARKERS = ("ip-адрес", "ip адрес", "ip address", "ip-address")
UNAVAILABLE_MARKERS = (
    "недоступ",
    "временно",
    "перегруж",
    "попробуйте позже",
    "unavailable",
    "temporarily",
    "overload",
    "try again later",
)
"""The legacy API answers errors as bare text with no codes, and the page documents only
the identical-request text; these fragments (Russian and English) classify the rest. A
service that is down says so in words: such a text is never a message's own final state."""


def has_marker(text: str, markers: tuple[str, ...]) -> bool:
    folded = text.casefold()
    return any(marker in folded for marker in markers)


# --- rule kinds -------------------------------------------------------------------------


class LegacyRule(StrEnum):
    """Violation kinds only the legacy API has (the shared ones are `provider.violations.Rule`).

    They are raised exactly like `rule_error` raises a `Rule` (the type names the rule,
    ``at`` the field), so `provider.violations.describe` reads both alike.
    """

    NO_CHANNEL = "no_channel"
    PRIORITY = "priority"
    BUTTON_INCOMPLETE = "button_incomplete"
    IMAGE_WITHOUT_BUTTON = "image_without_button"
    TEMPLATE_REQUIRED = "template_required"
    TEMPLATE_DATA = "template_data"
    TIME_SEND = "time_send"
    CLIENT_ID = "client_id_message"
    NO_PHONE = "no_phone"
    JSON_XML_ONLY = "json_xml_only"


def legacy_rule_error(
    rule: LegacyRule, message: str, *, at: str | None = None, **context: Any
) -> PydanticCustomError:
    """`provider.violations.rule_error` for a `LegacyRule` (same contract, same shape)."""
    if at is not None:
        context["at"] = at
    return PydanticCustomError(rule.value, message, context or None)
