"""Callback data of every inline button: opaque ids, never the data they act on.

A form's buttons carry the form's random id and the version of the form they were drawn
with: pressing a button of an older form (after a restart, or after the flow moved on), or
of a card that shows another version of the form, acts on nothing and is answered
politely. They also carry who the form is for and what started it, so that the answer to
such a press says whose form it is (in a group) or which command starts a new one. A
status card's buttons carry the send's row id; the handler checks the presser may act on
it.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class FormAction(StrEnum):
    SEND = "send"
    CANCEL = "cancel"
    JSON = "json"
    EDIT = "edit"
    """value: the field to edit (phone, text, title, link, image, button, schedule)."""
    TTL = "ttl"
    """value: empty to show the presets, else the lifetime in seconds ("0": default)."""
    SENDER = "sender"
    """On the form card: the account's next sender."""
    PICK_SENDER = "pick"
    """In /send: value = index of the sender in the account's list."""
    ACCOUNT = "account"
    """In /send: value = index of the account."""
    NEXT_ACCOUNT = "acct"
    """On the form card: the next configured account."""
    CHANNEL = "channel"
    """value: the message type (guided /send)."""
    PHONE = "phone"
    """value: index of a recent number offered as a button."""
    PRESET = "preset"
    """value: a cascade preset's place in `PRESETS`, or ``builder``."""
    STEP = "step"
    """Cascade builder: value = add, add.<TYPE>, del.<n>, up.<n>, state.<n> (":" separates
    callback fields, so it cannot appear in a value)."""
    FALLBACK = "fallback"
    """FlashingCall: toggle the SMS fallback."""
    REVEAL = "reveal"
    """In a group: the whole number, in an alert only the form's author sees."""
    CONFIRM_PHONE = "phone_ok"
    """The operator confirms the number as the card reads it (another country, a digit
    not in it)."""


FORM_KINDS: dict[str, str] = {
    "send": "d",
    "sms": "s",
    "flashcall": "f",
    "voicecode": "v",
    "cascade": "c",
}
"""A form's kind (`Draft.kind`) in one letter: callback data has 64 bytes in all."""
KINDS_BY_CODE = {code: kind for kind, code in FORM_KINDS.items()}


class FormCallback(CallbackData, prefix="f"):
    form: str
    action: FormAction
    value: str = ""
    version: int = 0
    """The draft version the button was drawn with (`Draft.version`)."""
    kind: str = ""
    """The form's kind, in `FORM_KINDS`' letter: the command that starts such a form."""
    author: int = 0
    """The Telegram user the form is for (0: not known, a button drawn before this)."""

    @property
    def command(self) -> str | None:
        """The command that starts a form like this one (``/sms``), if known."""
        kind = KINDS_BY_CODE.get(self.kind)
        return f"/{kind}" if kind else None


class CardAction(StrEnum):
    REFRESH = "refresh"
    REPEAT = "repeat"
    REPEAT_ANYWAY = "again"
    """"Send again" on a send the platform may already have: the second, warned tap."""
    RETRY = "retry"
    OPEN = "open"


class CardCallback(CallbackData, prefix="c"):
    send_id: int
    action: CardAction


class HistoryCallback(CallbackData, prefix="h"):
    """A page of /history: the sends older than `before`, or newer than `after` (neither:
    the newest), everyone's or the presser's own."""

    everyone: bool
    before: int = 0
    after: int = 0


class NumberAction(StrEnum):
    SMS = "sms"
    FLASHCALL = "flashcall"
    TRACE = "trace"


class NumberCallback(CallbackData, prefix="n"):
    """What to do with a number typed alone (the number itself waits in the person's FSM
    data, `bot.sending.form_state.TYPED_NUMBER_KEY`: buttons carry no data they act on)."""

    action: NumberAction


class InviteCallback(CallbackData, prefix="i"):
    """/invites: cancel the invite (an admin's button; the handler's router admits admins)."""

    invite_id: int


class LanguageCallback(CallbackData, prefix="l"):
    language: str
