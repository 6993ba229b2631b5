"""Settings of one playground: who the bot is, who the people are, how strict Telegram is."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class UserSpec(BaseModel):
    """A person known to the playground from the start (their private chat exists)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int = Field(gt=0)
    first_name: str = Field(min_length=1)
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"


OPERATOR = UserSpec(id=1, first_name="Operator", language_code="ru")
"""The web page's default user; the bot's playground mode treats this id as its admin."""


class PlaygroundConfig(BaseModel):
    """Everything a `Playground` needs; the defaults suit tests (flood control off)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bot_id: int = Field(default=7000000001, gt=0)
    bot_username: str = "desk_playground_bot"
    bot_first_name: str = "Delivery Desk"
    users: tuple[UserSpec, ...] = (OPERATOR,)

    flood_control: bool = False
    """Answer 429 like Telegram when the bot sends or edits too fast (on in the CLI)."""
    flood_chat_per_second: int = Field(default=1, ge=1)
    """Sends and edits per chat per second, once a burst is spent."""
    flood_chat_burst: int = Field(default=2, ge=1)
    """Sends and edits a chat takes at once before the per-second limit applies (Telegram
    allows short bursts: a reply and its follow-up never earn a 429 there)."""
    flood_group_per_minute: int = Field(default=20, ge=1)
    """Sends and edits per group chat per minute (Telegram's documented group limit)."""
    flood_global_per_second: int = Field(default=30, ge=1)
    """Chat-acting calls per second over all chats."""

    strict_html: bool = True
    """Refuse a bare "&" in HTML text. Telegram keeps it as text, but a bare "&" almost always
    means user input went into the message unescaped, and the next input may hold a "<"."""

    page_hosts: tuple[str, ...] = ()
    """Names besides localhost, IP addresses and the one listened on that the page and its
    API answer to (a name not listed may be a web page rebinding its DNS to us)."""

    shutdown_timeout: float = Field(default=1.0, ge=0)
    """Seconds in-flight requests get to finish when the playground stops."""
