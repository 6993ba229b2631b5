"""The message methods: sendMessage, edits, deletes, callback answers, chat actions.

Text goes through Telegram's checks in Telegram's order: chat, text (parse mode, empty,
length), reply_markup, reply target. An edit that changes nothing is refused as
"message is not modified", and an edit without reply_markup removes the keyboard - both as
in Telegram, and both things a status card that is edited in place must cope with.
"""

from __future__ import annotations

from playground.errors import NOT_MODIFIED, QUERY_TOO_OLD, ApiError, bad_request
from playground.html_parser import (
    MAX_TEXT_LENGTH,
    EntityParseError,
    ParsedText,
    parse_html,
    strip_text,
    utf16_len,
)
from playground.markup import ReplyMarkup, parse_reply_markup, require_inline
from playground.params import Params
from playground.world import ChatRecord, Edit, EditKind, JsonObject, StoredMessage, World

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
CALLBACK_TEXT_MAX = 200


def find_chat(world: World, params: Params) -> ChatRecord:
    """The chat named by ``chat_id``, or Telegram's "chat not found"."""
    chat_id = params.chat_id()
    chat = world.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None:
        raise bad_request("chat not found")
    return chat


class MessageMethods:
    def __init__(self, world: World) -> None:
        self.world = world

    def _chat(self, params: Params) -> ChatRecord:
        return find_chat(self.world, params)

    def _text(self, params: Params) -> ParsedText:
        text = params.string("text")
        if text is None:
            raise bad_request("message text is empty")
        parse_mode = params.string("parse_mode")
        if parse_mode is None:
            parsed = ParsedText(text, self._entities(params, text))
        elif parse_mode.lower() == "html":
            try:
                parsed = parse_html(text, strict=self.world.config.strict_html)
            except EntityParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        elif parse_mode.lower() in ("markdown", "markdownv2"):
            raise bad_request(
                f"unsupported parse_mode {parse_mode}: the playground implements HTML only"
            )
        else:
            raise bad_request("unsupported parse_mode")
        parsed = strip_text(parsed)
        if not parsed.text:
            raise bad_request("message text is empty")
        if len(parsed.text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return parsed

    @staticmethod
    def _entities(params: Params, text: str) -> tuple[JsonObject, ...]:
        invalid = bad_request("can't parse entities JSON object")
        entities = params.json_value("entities", invalid=invalid)
        if entities is None:
            return ()
        if not isinstance(entities, list):
            raise invalid
        limit = utf16_len(text)
        for entity in entities:
            if not (
                isinstance(entity, dict)
                and isinstance(entity.get("type"), str)
                and isinstance(entity.get("offset"), int)
                and isinstance(entity.get("length"), int)
                and entity["offset"] >= 0
                and entity["length"] > 0
                and entity["offset"] + entity["length"] <= limit
            ):
                raise bad_request(f"can't parse entities: invalid entity {entity!r}")
        return tuple(entities)

    @staticmethod
    def _markup(params: Params) -> ReplyMarkup | None:
        value = params.json_value(
            "reply_markup", invalid=bad_request("can't parse reply keyboard markup JSON object")
        )
        return None if value is None else parse_reply_markup(value)

    def _reply_to(self, params: Params, chat: ChatRecord) -> int | None:
        reply = params.json_value(
            "reply_parameters", invalid=bad_request("can't parse reply parameters JSON object")
        )
        if reply is not None:
            if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
                raise bad_request("can't parse reply parameters JSON object")
            message_id: int | None = reply["message_id"]
            allow = bool(reply.get("allow_sending_without_reply"))
        else:
            message_id = params.integer("reply_to_message_id")
            allow = params.flag("allow_sending_without_reply")
        if message_id is None:
            return None
        replied = chat.messages.get(message_id)
        if replied is None or replied.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return message_id

    def _link_preview(self, params: Params) -> JsonObject | None:
        options = params.json_value(
            "link_preview_options",
            invalid=bad_request("can't parse link preview options JSON object"),
        )
        if options is None and params.flag("disable_web_page_preview"):
            options = {"is_disabled": True}
        if options is not None and not isinstance(options, dict):
            raise bad_request("can't parse link preview options JSON object")
        return options

    def _editable(self, params: Params) -> StoredMessage:
        if params.string("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
        chat = self._chat(params)
        message_id = params.integer("message_id", missing="message identifier is not specified")
        message = chat.messages.get(message_id or 0)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    async def send_message(self, params: Params) -> JsonObject:
        chat = self._chat(params)
        parsed = self._text(params)
        markup = self._markup(params)
        reply_to = self._reply_to(params, chat)
        message = self.world.post(
            chat,
            self.world.bot.id,
            parsed,
            source=params.string("text") or "",
            parse_mode=params.string("parse_mode"),
            reply_markup=markup.data if markup and markup.kind == "inline" else None,
            reply_to_message_id=reply_to,
            disable_notification=params.flag("disable_notification"),
            link_preview_options=self._link_preview(params),
        )
        if markup is not None and markup.kind in ("keyboard", "remove"):
            chat.reply_keyboard = markup.data if markup.kind == "keyboard" else None
            self.world.events.publish({"type": "chat", "chat": self.world.chat_json(chat)})
        chat.last_action = None  # Telegram clears "typing..." when the message arrives.
        self.world.publish_message(message)
        return self.world.message_to_api(message)

    async def edit_message_text(self, params: Params) -> JsonObject:
        message = self._editable(params)
        parsed = self._text(params)
        # No reply_markup in an edit removes the keyboard, as in Telegram.
        markup = require_inline(self._markup(params))
        if (
            parsed.text == message.text
            and list(parsed.entities) == message.entities
            and markup == message.reply_markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.text = parsed.text
        message.entities = [dict(e) for e in parsed.entities]
        message.source = params.string("text") or ""
        message.parse_mode = params.string("parse_mode")
        message.reply_markup = markup
        if (options := self._link_preview(params)) is not None:
            message.link_preview_options = options
        self._edited(message, "text")
        return self.world.message_to_api(message)

    async def edit_message_reply_markup(self, params: Params) -> JsonObject:
        message = self._editable(params)
        markup = require_inline(self._markup(params))
        if markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        message.reply_markup = markup
        self._edited(message, "reply_markup")
        return self.world.message_to_api(message)

    def _edited(self, message: StoredMessage, kind: EditKind) -> None:
        message.edits.append(Edit(self.world.clock(), kind))
        message.edit_date = int(self.world.wall_clock())
        self.world.publish_message(message)

    async def delete_message(self, params: Params) -> bool:
        chat = self._chat(params)
        message_id = params.integer("message_id", missing="message identifier is not specified")
        message = chat.messages.get(message_id or 0)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        self.world.publish_message(message)
        return True

    async def delete_messages(self, params: Params) -> bool:
        chat = self._chat(params)
        ids = params.json_value(
            "message_ids", invalid=bad_request("can't parse message identifiers JSON array")
        )
        if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
            raise bad_request("message identifiers are not specified")
        found = [chat.messages[i] for i in ids if i in chat.messages]
        for message in found:
            if not message.deleted:
                message.deleted = True
                self.world.publish_message(message)
        return True

    async def answer_callback_query(self, params: Params) -> bool:
        query_id = params.string("callback_query_id")
        query = self.world.callbacks.get(query_id or "")
        if query is None or query.answered:
            raise ApiError(400, QUERY_TOO_OLD)
        text = params.string("text")
        if text is not None and len(text) > CALLBACK_TEXT_MAX:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answered_at = self.world.clock()
        query.text = text
        query.show_alert = params.flag("show_alert")
        query.url = params.string("url")
        query.cache_time = params.integer("cache_time")
        self.world.events.publish(
            {"type": "callback_answer", "callback": self.world.callback_json(query)}
        )
        return True

    async def send_chat_action(self, params: Params) -> bool:
        chat = self._chat(params)
        action = params.string("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.last_action = action
        self.world.events.publish({"type": "chat_action", "chat_id": chat.id, "action": action})
        return True
