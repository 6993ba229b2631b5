"""The platform's channels and every documented limit, written once.

The request models, the sandbox platform and the bot's validation messages all read these
numbers from here; nothing else in the project spells a limit out again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class MessageType(StrEnum):
    SMS = "SMS"
    VIBER = "VIBER"
    VK = "VK"
    PUSH = "PUSH"
    TELEGRAM = "TELEGRAM"
    WHATSAPP = "WHATSAPP"
    FLASHINGCALL = "FLASHINGCALL"


class TtlUnit(StrEnum):
    SECONDS = "SECONDS"
    MINUTES = "MINUTES"
    HOURS = "HOURS"

    @property
    def seconds(self) -> int:
        return _UNIT_SECONDS[self]


_UNIT_SECONDS = {TtlUnit.SECONDS: 1, TtlUnit.MINUTES: 60, TtlUnit.HOURS: 3600}

DEFAULT_TTL_UNIT = TtlUnit.MINUTES
"""The unit the platform assumes when a request gives `ttl` without `ttlUnit`."""


class CascadeState(StrEnum):
    """The status a cascade step must reach within its ttl, else the next link is sent."""

    DELIVERED = "DELIVERED"
    READ = "READ"


MINUTE = 60
HOUR = 3600
DAY = 86400


@dataclass(frozen=True, slots=True)
class ChannelRules:
    label: str
    """How people call the channel ("Viber", "FlashingCall")."""
    text_limit: int
    ttl_min: int
    """Shortest lifetime, seconds."""
    ttl_max: int
    """Longest lifetime, seconds."""
    ttl_step: int = 1
    """The lifetime must be a whole multiple of this many seconds (WhatsApp: whole days)."""
    sender_required: bool = False
    sender_allowed: bool = True
    reports_read: bool = True
    """Whether the channel ever reports READ (a cascade link after it may wait for READ)."""


INSTANT_TEXT_LIMIT = 1000
"""Viber and WhatsApp text, Push and Telegram text."""

CHANNEL_RULES: Mapping[MessageType, ChannelRules] = MappingProxyType(
    {
        MessageType.SMS: ChannelRules(
            "SMS", text_limit=2000, ttl_min=1 * MINUTE, ttl_max=2880 * MINUTE, reports_read=False
        ),
        MessageType.VIBER: ChannelRules(
            "Viber", text_limit=INSTANT_TEXT_LIMIT, ttl_min=30, ttl_max=DAY
        ),
        MessageType.VK: ChannelRules(
            "VK", text_limit=2000, ttl_min=60, ttl_max=DAY, sender_required=True
        ),
        MessageType.PUSH: ChannelRules(
            "Push", text_limit=INSTANT_TEXT_LIMIT, ttl_min=30, ttl_max=DAY
        ),
        MessageType.TELEGRAM: ChannelRules(
            "Telegram", text_limit=INSTANT_TEXT_LIMIT, ttl_min=30, ttl_max=DAY
        ),
        MessageType.WHATSAPP: ChannelRules(
            "WhatsApp",
            text_limit=INSTANT_TEXT_LIMIT,
            ttl_min=1 * DAY,
            ttl_max=7 * DAY,
            ttl_step=DAY,
        ),
        MessageType.FLASHINGCALL: ChannelRules(
            "FlashingCall",
            text_limit=2000,
            ttl_min=1 * MINUTE,
            ttl_max=5 * MINUTE,
            sender_allowed=False,
            reports_read=False,
        ),
    }
)

VIBER_CAPTION_LIMIT = 30
ACTION_URL_LIMIT = 2048
ACTION_URL_SCHEMES = ("http://", "https://", "viber://", "mailto:", "tel:")
"""A Viber button's action (REST). The legacy API's button_url states no scheme."""
PUSH_TITLE_LIMIT = 80
PUSH_CONTENT_URL_LIMIT = 512
PUSH_ACTION_TITLE_LIMIT = 64
PUSH_ACTION_LIMIT = 64
PUSH_ACTION_OPTIONS_LIMIT = 300
"""`content.actions[].action` and `.options` (issue #19, from the platform's Push page)."""
PUSH_OBJECT_OPTIONS = frozenset({"RICH", "LIVE_ACTIVITY", "SECURE"})
PUSH_LIST_OPTIONS = frozenset({"SENDING_PLATFORMS"})
"""`extraOptions[].param_name`s whose `param_value` is an object, a list; any other name's
value is a string."""
TELEGRAM_LINK_LIMIT = 256
TELEGRAM_LINK_SCHEMES = ("http://", "https://", "tg://")
"""The platform rejects a Telegram `link` that is empty or not a URL; a URL here is one of
these schemes followed by a host (a web link or Telegram's own tg:// link)."""
NOTIFY_URL_LIMIT = 2048
FLASHCALL_CODE_LENGTHS = (4, 6)
"""The code in a FlashingCall's text: four or six digits (seed 004, line 61)."""
VOICE_CODE_LENGTH = 4
"""A VoiceCode is read out as four digits (seed 004, line 69), and its text is the code
alone (line 10: the code goes to the operator without any text around it)."""
WEEKDAY_DIGITS = "1234567"
"""1 is Monday, 7 is Sunday."""
