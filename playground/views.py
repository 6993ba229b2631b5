"""Read-only views of the world for tests: what a person sees in a chat.

Views are snapshots (frozen) taken when read, so an assertion describes one moment; a
`ChatView` is a live handle whose properties take fresh snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.html_parser import Entity
from playground.world import CallbackRecord, ChatRecord, Edit, JsonObject, StoredMessage, World


@dataclass(frozen=True, slots=True)
class ButtonView:
    text: str
    callback_data: str | None
    url: str | None
    raw: JsonObject


@dataclass(frozen=True, slots=True)
class MessageView:
    chat_id: int
    message_id: int
    sender_id: int
    sender_name: str
    from_bot: bool
    text: str
    """Plain text as a reader sees it (entities applied, no markup)."""
    entities: tuple[Entity, ...]
    source: str
    """The text as the sender wrote it (HTML for parse_mode HTML)."""
    parse_mode: str | None
    buttons: tuple[tuple[ButtonView, ...], ...]
    reply_markup: JsonObject | None
    reply_to_message_id: int | None
    date: int
    sent_at: float
    edits: tuple[Edit, ...]
    deleted: bool
    disable_notification: bool
    link_preview_options: JsonObject | None
    update_id: int | None
    api: JsonObject
    """The Bot API Message object of this message, as the bot receives it."""

    @classmethod
    def of(cls, world: World, message: StoredMessage) -> MessageView:
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        return cls(
            chat_id=message.chat_id,
            message_id=message.message_id,
            sender_id=message.sender_id,
            sender_name=world.person(message.sender_id).name,
            from_bot=message.from_bot,
            text=message.text,
            entities=tuple(dict(e) for e in message.entities),
            source=message.source,
            parse_mode=message.parse_mode,
            buttons=tuple(
                tuple(
                    ButtonView(b["text"], b.get("callback_data"), b.get("url"), dict(b))
                    for b in row
                )
                for row in rows
            ),
            reply_markup=message.reply_markup,
            reply_to_message_id=message.reply_to_message_id,
            date=message.date,
            sent_at=message.sent_at,
            edits=tuple(message.edits),
            deleted=message.deleted,
            disable_notification=message.disable_notification,
            link_preview_options=message.link_preview_options,
            update_id=message.update_id,
            api=world.message_to_api(message),
        )

    @property
    def edited(self) -> bool:
        """Shown as "edited" in Telegram: the text changed (keyboard-only edits do not count)."""
        return any(edit.kind == "text" for edit in self.edits)

    @property
    def edit_count(self) -> int:
        return len(self.edits)

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def button(self, text_prefix: str) -> ButtonView:
        for row in self.buttons:
            for button in row:
                if button.text.startswith(text_prefix):
                    return button
        raise AssertionError(
            f"message #{self.message_id} has no button starting with {text_prefix!r}; "
            f"buttons: {self.button_texts}"
        )

    def entities_of(self, kind: str) -> list[str]:
        """The texts covered by entities of one type, e.g. ``entities_of("bold")``."""
        units = self.text.encode("utf-16-le", "surrogatepass")
        return [
            units[e["offset"] * 2 : (e["offset"] + e["length"]) * 2].decode(
                "utf-16-le", "surrogatepass"
            )
            for e in self.entities
            if e["type"] == kind
        ]


@dataclass(frozen=True, slots=True)
class CallbackView:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    update_id: int
    answered: bool
    text: str | None
    """The answer's notification text."""
    show_alert: bool
    url: str | None

    @classmethod
    def of(cls, query: CallbackRecord) -> CallbackView:
        return cls(
            id=query.id,
            user_id=query.user_id,
            chat_id=query.chat_id,
            message_id=query.message_id,
            data=query.data,
            update_id=query.update_id,
            answered=query.answered,
            text=query.text,
            show_alert=query.show_alert,
            url=query.url,
        )


class ChatView:
    """A live handle on one chat; every property reads the current state."""

    def __init__(self, world: World, chat_id: int) -> None:
        if chat_id not in world.chats:
            raise KeyError(f"no chat {chat_id}; known: {sorted(world.chats)}")
        self._world = world
        self.id = chat_id

    @property
    def _chat(self) -> ChatRecord:
        return self._world.chats[self.id]

    @property
    def type(self) -> str:
        return self._chat.type

    @property
    def title(self) -> str:
        return self._world.chat_title(self._chat)

    @property
    def history(self) -> list[MessageView]:
        """Every message ever posted here, deleted ones included."""
        return [
            MessageView.of(self._world, m) for m in self._world.chats[self.id].messages.values()
        ]

    @property
    def messages(self) -> list[MessageView]:
        """What the chat shows: messages not deleted, oldest first."""
        return [m for m in self.history if not m.deleted]

    @property
    def bot_messages(self) -> list[MessageView]:
        return [m for m in self.messages if m.from_bot]

    @property
    def last_message(self) -> MessageView | None:
        shown = self.messages
        return shown[-1] if shown else None

    @property
    def last_bot_message(self) -> MessageView | None:
        shown = self.bot_messages
        return shown[-1] if shown else None

    def message(self, message_id: int) -> MessageView:
        stored = self._chat.messages.get(message_id)
        if stored is None:
            raise KeyError(f"no message #{message_id} in chat {self.id}")
        return MessageView.of(self._world, stored)

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Button texts of the reply keyboard shown under the input box, if any."""
        keyboard: list[list[str]] | None = self._world.chat_json(self._world.chats[self.id])[
            "reply_keyboard"
        ]
        return keyboard

    @property
    def last_action(self) -> str | None:
        """The last sendChatAction ("typing"...), cleared by the next bot message."""
        return self._chat.last_action

    def transcript(self) -> str:
        return self._world.transcript(self.id)

    async def wait_for_bot_message(
        self,
        after: int | MessageView | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline built in is what callers want
    ) -> MessageView:
        """The first bot message newer than `after` (a message or its id; None: any),
        waiting for it to arrive."""
        after_id = after.message_id if isinstance(after, MessageView) else (after or 0)
        chat = self._world.chats[self.id]

        def arrived() -> bool:
            return any(m.from_bot and m.message_id > after_id for m in chat.messages.values())

        await self._world.wait_for(
            arrived, timeout, f"a bot message after #{after_id} in chat {self.id}", self.id
        )
        first = next(m for m in chat.messages.values() if m.from_bot and m.message_id > after_id)
        return MessageView.of(self._world, first)
