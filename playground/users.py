"""What people do: write messages and press inline buttons, producing updates for the bot.

The functions are shared by the in-process API (`PlaygroundUser`) and the HTTP one
(`/api/send`, `/api/click`), so a test and the web page act exactly alike.
"""

from __future__ import annotations

from playground.html_parser import ParsedText, bot_command_entities, strip_text
from playground.views import CallbackView, ChatView, MessageView
from playground.world import CallbackRecord, ChatRecord, StoredMessage, UserRecord, World

ChatRef = int | ChatView | None
MessageRef = int | MessageView | None


class ActionError(ValueError):
    """A person cannot do that (unknown chat, not a member, empty text...)."""


def resolve_chat(world: World, user: UserRecord, chat: ChatRef) -> ChatRecord:
    chat_id = user.id if chat is None else chat.id if isinstance(chat, ChatView) else chat
    found = world.chats.get(chat_id)
    if found is None:
        raise ActionError(f"no chat {chat_id}")
    if user.id not in found.member_ids:
        raise ActionError(f"{user.name} ({user.id}) is not a member of chat {chat_id}")
    return found


async def write(
    world: World, user: UserRecord, chat: ChatRecord, text: str, reply_to: int | None = None
) -> StoredMessage:
    """The person sends `text` to `chat`; the bot gets a message update."""
    # Telegram clients trim the text and Telegram marks "/command" words as bot_command.
    parsed = strip_text(ParsedText(text, bot_command_entities(text)))
    if not parsed.text:
        raise ActionError("a message needs some text")
    if reply_to is not None:
        replied = chat.messages.get(reply_to)
        if replied is None or replied.deleted:
            raise ActionError(f"no message #{reply_to} to reply to in chat {chat.id}")
    message = world.post(chat, user.id, parsed, source=text, reply_to_message_id=reply_to)
    message.update_id = world.updates.add("message", world.message_to_api(message))
    world.publish_message(message)
    await world.notify()
    return message


async def press(
    world: World, user: UserRecord, chat: ChatRecord, message: StoredMessage, data: str
) -> CallbackRecord:
    """The person presses a button carrying `data` under `message`: a callback_query update."""
    if message.deleted:
        raise ActionError(f"message #{message.message_id} is deleted: nothing to press")
    query_id = world.new_callback_id()
    payload = {
        "id": query_id,
        "from": user.to_api(),
        "message": world.message_to_api(message),
        # Telegram's chat_instance is an opaque stable id of the chat (per bot).
        "chat_instance": str(9_000_000_000_000 + chat.id),
        "data": data,
    }
    update_id = world.updates.add("callback_query", payload)
    query = CallbackRecord(
        id=query_id,
        user_id=user.id,
        chat_id=chat.id,
        message_id=message.message_id,
        data=data,
        update_id=update_id,
        created_at=world.clock(),
    )
    world.callbacks[query_id] = query
    world.events.publish({"type": "callback", "callback": world.callback_json(query)})
    await world.notify()
    return query


def find_button(
    world: World, chat: ChatRecord, text_prefix: str, message_id: int | None
) -> tuple[StoredMessage, str]:
    """(message, callback_data) of the button whose text starts with the prefix: on the
    given message, else on the newest bot message that has one."""
    if message_id is not None:
        found = chat.messages.get(message_id)
        if found is None:
            raise ActionError(f"no message #{message_id} in chat {chat.id}")
        candidates = [found]
    else:
        candidates = [m for m in reversed(chat.messages.values()) if m.from_bot and not m.deleted]
    for message in candidates:
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if not button["text"].startswith(text_prefix):
                    continue
                if "callback_data" not in button:
                    kind = next((k for k in button if k != "text"), "?")
                    raise AssertionError(
                        f"button {button['text']!r} on #{message.message_id} is a {kind} "
                        "button, not a callback one"
                    )
                return message, button["callback_data"]
    present = {
        f"#{m.message_id}": [b["text"] for row in m.reply_markup["inline_keyboard"] for b in row]
        for m in candidates
        if m.reply_markup and not m.deleted
    }
    where = f"message #{message_id}" if message_id is not None else f"chat {chat.id}"
    raise AssertionError(
        f"no button starting with {text_prefix!r} in {where}; buttons present: {present or 'none'}"
    )


class PlaygroundUser:
    """A person in the playground; get one with ``Playground.user(...)``."""

    def __init__(self, world: World, user_id: int) -> None:
        self._world = world
        self.id = user_id

    @property
    def record(self) -> UserRecord:
        return self._world.users[self.id]

    @property
    def first_name(self) -> str:
        return self.record.first_name

    @property
    def language_code(self) -> str | None:
        return self.record.language_code

    @property
    def chat(self) -> ChatView:
        """The person's private chat with the bot."""
        return ChatView(self._world, self.id)

    async def send(
        self, text: str, chat: ChatRef = None, *, reply_to: MessageRef = None
    ) -> MessageView:
        """Write a message (default: in the private chat with the bot)."""
        target = resolve_chat(self._world, self.record, chat)
        reply_id = reply_to.message_id if isinstance(reply_to, MessageView) else reply_to
        message = await write(self._world, self.record, target, text, reply_id)
        return MessageView.of(self._world, message)

    async def click(
        self, text_prefix: str, message: MessageRef = None, *, chat: ChatRef = None
    ) -> CallbackView:
        """Press the inline button whose text starts with `text_prefix`, on `message` or on
        the newest bot message having such a button. AssertionError lists the buttons
        present when none matches."""
        target = resolve_chat(self._world, self.record, chat)
        message_id = message.message_id if isinstance(message, MessageView) else message
        stored, data = find_button(self._world, target, text_prefix, message_id)
        return CallbackView.of(await press(self._world, self.record, target, stored, data))

    async def click_data(
        self, message: int | MessageView, data: str, *, chat: ChatRef = None
    ) -> CallbackView:
        """Send a callback query with any data for `message` (a forged or stale button)."""
        target = resolve_chat(self._world, self.record, chat)
        message_id = message.message_id if isinstance(message, MessageView) else message
        stored = target.messages.get(message_id)
        if stored is None:
            raise ActionError(f"no message #{message_id} in chat {target.id}")
        return CallbackView.of(await press(self._world, self.record, target, stored, data))

    async def send_and_wait(
        self,
        text: str,
        chat: ChatRef = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline built in is what callers want
    ) -> list[MessageView]:
        """Send, wait until the bot has processed the update, return the bot's new messages.

        "Processed" is the bot confirming the update with a higher getUpdates offset, which
        aiogram does after the handler returned when polling with ``handle_as_tasks=False``.
        With other set-ups use `Playground.wait_for` or `ChatView.wait_for_bot_message`.
        """
        sent = await self.send(text, chat)
        await self._wait_processed(sent.update_id, timeout, sent.chat_id)
        view = ChatView(self._world, sent.chat_id)
        return [m for m in view.bot_messages if m.message_id > sent.message_id]

    async def click_and_wait(
        self,
        text_prefix: str,
        message: MessageRef = None,
        *,
        chat: ChatRef = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - as send_and_wait
    ) -> CallbackView:
        """Click, wait until the bot has processed the callback query (see send_and_wait),
        return the query with its answer."""
        query = await self.click(text_prefix, message, chat=chat)
        await self._wait_processed(query.update_id, timeout, query.chat_id)
        return CallbackView.of(self._world.callbacks[query.id])

    async def _wait_processed(
        self,
        update_id: int | None,
        timeout: float,  # noqa: ASYNC109 - as send_and_wait
        chat_id: int,
    ) -> None:
        assert update_id is not None
        updates = self._world.updates
        await self._world.wait_for(
            lambda: updates.is_processed(update_id),
            timeout,
            f"the bot to process update {update_id}",
            chat_id,
        )
