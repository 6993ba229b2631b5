"""``reply_markup`` checked as Telegram checks it, kept in a normalized form.

Normalized means: the JSON object as sent, without null fields, so that "exactly the same
reply markup" (the not-modified rule) is a plain equality.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from playground.errors import bad_request
from playground.html_parser import normalize_url

MarkupKind = Literal["inline", "keyboard", "remove", "force_reply"]

CALLBACK_DATA_MAX_BYTES = 64
INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_BUTTON = "can't parse inline keyboard button: "


@dataclass(frozen=True, slots=True)
class ReplyMarkup:
    kind: MarkupKind
    data: dict[str, Any]


def parse_reply_markup(value: Any) -> ReplyMarkup:
    """Check a reply_markup object (already decoded from JSON); raise ApiError like Telegram."""
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    value = _drop_nulls(value)
    if "inline_keyboard" in value:
        return ReplyMarkup("inline", {"inline_keyboard": _inline_rows(value["inline_keyboard"])})
    if "keyboard" in value:
        rows = _keyboard_rows(value["keyboard"])
        return ReplyMarkup("keyboard", {**value, "keyboard": rows})
    if value.get("remove_keyboard") is True:
        return ReplyMarkup("remove", value)
    if value.get("force_reply") is True:
        return ReplyMarkup("force_reply", value)
    raise bad_request("can't parse reply keyboard markup JSON object")


def require_inline(markup: ReplyMarkup | None) -> dict[str, Any] | None:
    """Edits and message objects carry inline keyboards only."""
    if markup is None:
        return None
    if markup.kind != "inline":
        raise bad_request("inline keyboard expected")
    return markup.data


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _inline_rows(rows: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(rows, list):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    checked: list[list[dict[str, Any]]] = []
    for row in rows:
        if not isinstance(row, list):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        checked.append([_inline_button(button) for button in row])
    return checked


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request(_BUTTON + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(_BUTTON + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(_BUTTON + 'Field "text" must be of type String')
    actions = [name for name in INLINE_ACTIONS if name in button]
    if not actions:
        raise bad_request(_BUTTON + "Text buttons are unallowed in the inline keyboard")
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_MAX_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or normalize_url(url) is None:
            raise bad_request("BUTTON_URL_INVALID")
    return button


def _keyboard_rows(rows: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
    checked: list[list[dict[str, Any]]] = []
    for row in rows:
        buttons: list[dict[str, Any]] = []
        for button in row:
            # A reply keyboard button may be a bare string; Telegram reads it as {"text": s}.
            item = {"text": button} if isinstance(button, str) else button
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise bad_request("can't parse keyboard button: KeyboardButton must be an Object")
            if not item["text"].strip():
                raise bad_request("keyboard button text must be non-empty")
            buttons.append(item)
        checked.append(buttons)
    return checked
