"""The emulated Telegram: people, chats, messages, callback queries, the bot's menu.

Everything runs on one event loop and is changed synchronously; after a change the changer
awaits `World.notify()`, which wakes every `wait_for` (tests, long polls) - there is no
polling anywhere. The page hears about changes through `events`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from playground.config import PlaygroundConfig
from playground.html_parser import Entity, ParsedText
from playground.updates import UpdateQueue

ChatType = Literal["private", "group", "supergroup"]
EditKind = Literal["text", "reply_markup"]
JsonObject = dict[str, Any]


@dataclass(slots=True)
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_api(self) -> JsonObject:
        user: JsonObject = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                user[key] = value
        return user


@dataclass(frozen=True, slots=True)
class Edit:
    at: float
    """The playground's clock (monotonic seconds) when the edit was accepted."""
    kind: EditKind


@dataclass(slots=True)
class StoredMessage:
    chat_id: int
    message_id: int
    sender_id: int
    from_bot: bool
    date: int
    sent_at: float
    text: str
    """Plain text, entities applied (what a reader sees, without formatting)."""
    entities: list[Entity]
    source: str
    """The text as sent (HTML when parse_mode is HTML)."""
    parse_mode: str | None = None
    reply_markup: JsonObject | None = None
    """The inline keyboard, normalized; reply keyboards belong to the chat, not a message."""
    reply_to_message_id: int | None = None
    disable_notification: bool = False
    link_preview_options: JsonObject | None = None
    update_id: int | None = None
    """For a user's message: the update that carried it to the bot."""
    edits: list[Edit] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def text_edited(self) -> bool:
        return any(edit.kind == "text" for edit in self.edits)


@dataclass(slots=True)
class ChatRecord:
    id: int
    type: ChatType
    title: str | None = None
    member_ids: list[int] = field(default_factory=list)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: JsonObject | None = None
    """The last ReplyKeyboardMarkup the bot sent here, until a ReplyKeyboardRemove."""
    menu_button: JsonObject | None = None
    last_action: str | None = None


@dataclass(slots=True)
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    update_id: int
    created_at: float
    answered: bool = False
    answered_at: float | None = None
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int | None = None


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API call as the playground answered it."""

    seq: int
    method: str
    params: JsonObject
    """Parameters as read: form strings typed, JSON strings decoded (the token is not kept)."""
    at: float
    """Arrival on the playground's clock (monotonic seconds)."""
    finished_at: float
    ok: bool
    error_code: int | None = None
    description: str | None = None
    retry_after: int | None = None


class EventHub:
    """Fan-out of change events to live page connections, with a short backlog so that a
    reconnecting EventSource (Last-Event-ID) misses nothing."""

    def __init__(self, backlog: int = 500) -> None:
        self._seq = 0
        self._log: deque[JsonObject] = deque(maxlen=backlog)
        self._queues: set[asyncio.Queue[JsonObject | None]] = set()

    def publish(self, event: JsonObject) -> None:
        self._seq += 1
        event = {"id": self._seq, **event}
        self._log.append(event)
        for queue in self._queues:
            queue.put_nowait(event)

    def subscribe(self, last_id: int | None = None) -> asyncio.Queue[JsonObject | None]:
        queue: asyncio.Queue[JsonObject | None] = asyncio.Queue()
        if last_id is not None:
            for event in self._log:
                if event["id"] > last_id:
                    queue.put_nowait(event)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[JsonObject | None]) -> None:
        self._queues.discard(queue)

    def close(self) -> None:
        """End every live stream (None is the end marker)."""
        for queue in self._queues:
            queue.put_nowait(None)


class World:
    def __init__(
        self,
        config: PlaygroundConfig,
        clock: Callable[[], float],
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.clock = clock
        self.wall_clock = wall_clock
        """Unix seconds: the dates of messages and edits, as Telegram gives them."""
        self.bot = UserRecord(
            id=config.bot_id,
            first_name=config.bot_first_name,
            username=config.bot_username,
            is_bot=True,
        )
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[JsonObject]] = {}
        """Command lists by (scope as canonical JSON, language_code)."""
        self.default_menu_button: JsonObject | None = None
        self.calls: list[ApiCall] = []
        self.updates = UpdateQueue()
        self.events = EventHub()
        self.changed = asyncio.Condition()
        self.closing = False
        self._callback_ids = itertools.count(4_200_000_000_000_000_001)
        for spec in config.users:
            self.add_user(
                spec.id, spec.first_name, spec.last_name, spec.username, spec.language_code
            )

    # -- people and chats --------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> UserRecord:
        """Create a person (or update one) with their private chat with the bot."""
        if user_id <= 0 or user_id == self.bot.id:
            raise ValueError(f"a user id must be positive and not the bot's: {user_id}")
        user = UserRecord(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        if user_id not in self.chats:
            self.chats[user_id] = ChatRecord(id=user_id, type="private", member_ids=[user_id])
        self.events.publish({"type": "state"})
        return user

    def add_group(
        self, title: str, member_ids: list[int], chat_id: int | None = None
    ) -> ChatRecord:
        for member in member_ids:
            if member not in self.users:
                raise ValueError(f"unknown user {member}: create it first")
        if chat_id is None:
            chat_id = -1001 - sum(1 for c in self.chats.values() if c.type != "private")
        if chat_id >= 0:
            raise ValueError(f"a group chat id is negative: {chat_id}")
        if chat_id in self.chats:
            raise ValueError(f"chat {chat_id} exists")
        chat = ChatRecord(id=chat_id, type="group", title=title, member_ids=list(member_ids))
        self.chats[chat_id] = chat
        self.events.publish({"type": "state"})
        return chat

    def person(self, user_id: int) -> UserRecord:
        if user_id == self.bot.id:
            return self.bot
        return self.users.get(user_id) or UserRecord(user_id, f"user {user_id}")

    def chat_title(self, chat: ChatRecord) -> str:
        if chat.type == "private":
            return self.person(chat.id).name
        return chat.title or str(chat.id)

    # -- messages ----------------------------------------------------------------------

    def post(
        self,
        chat: ChatRecord,
        sender_id: int,
        parsed: ParsedText,
        *,
        source: str,
        parse_mode: str | None = None,
        reply_markup: JsonObject | None = None,
        reply_to_message_id: int | None = None,
        disable_notification: bool = False,
        link_preview_options: JsonObject | None = None,
    ) -> StoredMessage:
        message = StoredMessage(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            sender_id=sender_id,
            from_bot=sender_id == self.bot.id,
            date=int(self.wall_clock()),
            sent_at=self.clock(),
            text=parsed.text,
            entities=[dict(e) for e in parsed.entities],
            source=source,
            parse_mode=parse_mode,
            reply_markup=reply_markup,
            reply_to_message_id=reply_to_message_id,
            disable_notification=disable_notification,
            link_preview_options=link_preview_options,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def chat_to_api(self, chat: ChatRecord) -> JsonObject:
        if chat.type == "private":
            user = self.person(chat.id)
            result: JsonObject = {"id": chat.id, "type": "private", "first_name": user.first_name}
            if user.last_name:
                result["last_name"] = user.last_name
            if user.username:
                result["username"] = user.username
            return result
        return {"id": chat.id, "type": chat.type, "title": chat.title or ""}

    def message_to_api(self, message: StoredMessage, *, nested: bool = True) -> JsonObject:
        """The Message object of the Bot API (what aiogram parses)."""
        chat = self.chats[message.chat_id]
        result: JsonObject = {
            "message_id": message.message_id,
            "from": self.person(message.sender_id).to_api(),
            "chat": self.chat_to_api(chat),
            "date": message.date,
            "text": message.text,
        }
        if message.entities:
            result["entities"] = message.entities
        if message.edit_date is not None:
            result["edit_date"] = message.edit_date
        if message.reply_markup is not None:
            result["reply_markup"] = message.reply_markup
        if message.link_preview_options is not None:
            result["link_preview_options"] = message.link_preview_options
        replied = chat.messages.get(message.reply_to_message_id or 0)
        # Telegram nests the replied-to message one level deep only.
        if nested and replied is not None and not replied.deleted:
            result["reply_to_message"] = self.message_to_api(replied, nested=False)
        return result

    def message_json(self, message: StoredMessage) -> JsonObject:
        """A message as the web page and the /api/ endpoints show it."""
        chat = self.chats[message.chat_id]
        sender = self.person(message.sender_id)
        replied = chat.messages.get(message.reply_to_message_id or 0)
        keyboard = (message.reply_markup or {}).get("inline_keyboard", [])
        return {
            "chat_id": message.chat_id,
            "message_id": message.message_id,
            "from": {"id": sender.id, "name": sender.name, "is_bot": sender.is_bot},
            "date": message.date,
            "text": message.text,
            "entities": message.entities,
            "source": message.source,
            "parse_mode": message.parse_mode,
            "buttons": [
                [{k: b[k] for k in ("text", "callback_data", "url") if k in b} for b in row]
                for row in keyboard
            ],
            "reply_to": None
            if replied is None
            else {
                "message_id": replied.message_id,
                "from_name": self.person(replied.sender_id).name,
                "text": replied.text[:100],
                "deleted": replied.deleted,
            },
            "edited": message.text_edited,
            "edit_date": message.edit_date,
            "edit_count": len(message.edits),
            "deleted": message.deleted,
            "update_id": message.update_id,
        }

    def chat_json(self, chat: ChatRecord) -> JsonObject:
        keyboard = (chat.reply_keyboard or {}).get("keyboard")
        return {
            "id": chat.id,
            "type": chat.type,
            "title": self.chat_title(chat),
            "member_ids": chat.member_ids,
            "reply_keyboard": None
            if keyboard is None
            else [[button["text"] for button in row] for row in keyboard],
            "menu_button": chat.menu_button or self.default_menu_button,
        }

    def callback_json(self, query: CallbackRecord) -> JsonObject:
        return {
            "id": query.id,
            "user_id": query.user_id,
            "chat_id": query.chat_id,
            "message_id": query.message_id,
            "data": query.data,
            "update_id": query.update_id,
            "answered": query.answered,
            "text": query.text,
            "show_alert": query.show_alert,
            "url": query.url,
        }

    def publish_message(self, message: StoredMessage) -> None:
        self.events.publish(
            {"type": "message", "chat_id": message.chat_id, "message": self.message_json(message)}
        )

    def new_callback_id(self) -> str:
        return str(next(self._callback_ids))

    # -- the bot's menu ----------------------------------------------------------------

    @staticmethod
    def scope_key(scope: JsonObject) -> str:
        return json.dumps(scope, sort_keys=True, separators=(",", ":"))

    def visible_commands(self, user_id: int, chat_id: int | None = None) -> list[JsonObject]:
        """The command menu a person sees in a chat, resolved in Telegram's order: the most
        specific scope first, each with the person's language, then without one."""
        chat = self.chats.get(user_id if chat_id is None else chat_id)
        user = self.users.get(user_id)
        language = (user.language_code if user else None) or ""
        if chat is None or chat.type == "private":
            scopes: list[JsonObject] = [
                {"type": "chat", "chat_id": user_id},
                {"type": "all_private_chats"},
            ]
        else:
            scopes = [
                {"type": "chat_member", "chat_id": chat.id, "user_id": user_id},
                {"type": "chat", "chat_id": chat.id},
                {"type": "all_group_chats"},
            ]
        scopes.append({"type": "default"})
        for scope in scopes:
            for lang in (language, ""):
                found = self.commands.get((self.scope_key(scope), lang))
                if found is not None:
                    return found
        return []

    # -- waiting -----------------------------------------------------------------------

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float,  # noqa: ASYNC109 - a deadline built in is what callers want
        what: str,
        chat_id: int | None = None,
    ) -> None:
        """Wait until predicate() holds, woken by every change; AssertionError on timeout
        showing the chat(s) and the bot's failed calls."""
        async with self.changed:
            try:
                async with asyncio.timeout(timeout):
                    await self.changed.wait_for(predicate)
            except TimeoutError:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what}\n{self.report(chat_id)}"
                ) from None

    # -- what a person reads -----------------------------------------------------------

    def transcript(self, chat_id: int) -> str:
        chat = self.chats[chat_id]
        lines = [f"chat {chat.id} ({chat.type}, {self.chat_title(chat)}):"]
        for message in chat.messages.values():
            marks = []
            if message.text_edited:
                marks.append("edited")
            if message.deleted:
                marks.append("deleted")
            if message.reply_to_message_id is not None:
                marks.append(f"reply to #{message.reply_to_message_id}")
            mark = f" ({', '.join(marks)})" if marks else ""
            sender = "bot" if message.from_bot else self.person(message.sender_id).name
            text = message.text.replace("\n", "\n      ")
            lines.append(f"  #{message.message_id} {sender}{mark}: {text}")
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                lines.append("      " + " ".join(f"[{button['text']}]" for button in row))
        if chat.reply_keyboard is not None:
            rows = chat.reply_keyboard.get("keyboard", [])
            lines.append("  reply keyboard: " + " | ".join(b["text"] for r in rows for b in r))
        if len(lines) == 1:
            lines.append("  (no messages)")
        return "\n".join(lines)

    def report(self, chat_id: int | None = None) -> str:
        chats = (
            [chat_id]
            if chat_id in self.chats
            else [c.id for c in self.chats.values() if c.messages]
        )
        parts = [self.transcript(c) for c in chats] or ["(no messages in any chat)"]
        failed = [call for call in self.calls if not call.ok][-10:]
        if failed:
            parts.append("failed Bot API calls (latest last):")
            parts += [f"  {c.method}: {c.error_code} {c.description}" for c in failed]
        pending = self.updates.pending
        if pending:
            parts.append(
                f"updates not yet confirmed by the bot: {[u['update_id'] for u in pending]}"
            )
        return "\n".join(parts)
