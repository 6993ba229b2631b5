"""The Bot API at ``/bot<token>/<method>``: routing, call records, flood control, and the
service methods (getMe, getUpdates, webhook, commands, getChat, menu button); the message
methods are in `playground.messages`.

Each method reads typed parameters, checks them the way Telegram does (same error codes and
descriptions) and changes the world. Every call is recorded in `World.calls` and wakes the
waiters, so tests can wait for "the bot did X" without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from playground.errors import CONFLICT, ApiError, bad_request, retry_after
from playground.flood import CHAT_ACTING, FloodControl
from playground.messages import MessageMethods, find_chat
from playground.params import Params, read_params
from playground.world import ApiCall, ChatRecord, JsonObject, World

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"[0-9]+:.+")
SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
COMMAND = re.compile(r"[a-z0-9_]{1,32}")

Method = Callable[[Params], Awaitable[Any]]


class BotApi:
    def __init__(self, world: World, flood: FloodControl) -> None:
        self.world = world
        self.flood = flood
        messages = MessageMethods(world)
        methods: dict[str, Method] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setWebhook": self.set_webhook,
            "logOut": self.ok,
            "close": self.ok,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendMessage": messages.send_message,
            "editMessageText": messages.edit_message_text,
            "editMessageReplyMarkup": messages.edit_message_reply_markup,
            "deleteMessage": messages.delete_message,
            "deleteMessages": messages.delete_messages,
            "answerCallbackQuery": messages.answer_callback_query,
            "sendChatAction": messages.send_chat_action,
            "getChat": self.get_chat,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
        }
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): (name, method) for name, method in methods.items()}

    # -- HTTP --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        at = self.world.clock()
        name = request.match_info["method"]
        method = self._methods.get(name.lower(), (name, None))[0]
        params = Params({})
        result: Any = None
        try:
            if not TOKEN.fullmatch(request.match_info["token"]):
                raise ApiError(401, "Unauthorized")
            params = Params(await read_params(request))
            result = await self.call(name, params)
        except ApiError as exc:
            error: ApiError | None = exc
        else:
            error = None
        self._record(method, params, at, error)
        await self.world.notify()
        if error is not None:
            return web.json_response(error.body, status=error.error_code)
        return web.json_response({"ok": True, "result": result})

    async def call(self, name: str, params: Params) -> Any:
        found = self._methods.get(name.lower())
        if found is None:
            raise ApiError(404, "Not Found: method not found")
        method_name, method = found
        chat = self._flood_chat(params) if method_name.lower() in CHAT_ACTING else None
        chat_id, is_group = (chat.id, chat.type != "private") if chat else (None, False)
        retry = self.flood.check(method_name, chat_id, is_group=is_group)
        if retry is not None:
            raise retry_after(retry)
        result = await method(params)
        self.flood.record(method_name, chat_id, is_group=is_group)
        return result

    def _record(self, method: str, params: Params, at: float, error: ApiError | None) -> None:
        call = ApiCall(
            seq=len(self.world.calls) + 1,
            method=method,
            params=dict(params.values),
            at=at,
            finished_at=self.world.clock(),
            ok=error is None,
            error_code=error.error_code if error else None,
            description=error.description if error else None,
            retry_after=(error.parameters or {}).get("retry_after") if error else None,
        )
        self.world.calls.append(call)
        if error is None:
            return
        # A human trying the bot in the browser sees the failure in the chat it concerns.
        chat_id = params.values.get("chat_id")
        self.world.events.publish(
            {
                "type": "call_failed",
                "chat_id": chat_id if isinstance(chat_id, int) else None,
                "method": method,
                "error_code": error.error_code,
                "description": error.description,
            }
        )
        logger.info(
            "event=bot_api_refused method=%s error_code=%s description=%s",
            method,
            error.error_code,
            json.dumps(error.description, ensure_ascii=False),
        )

    def _flood_chat(self, params: Params) -> ChatRecord | None:
        try:
            chat_id = params.chat_id(required=False)
        except ApiError:
            return None
        return self.world.chats.get(chat_id) if isinstance(chat_id, int) else None

    # -- shared checks -----------------------------------------------------------------

    def _chat(self, params: Params) -> ChatRecord:
        return find_chat(self.world, params)

    def _scope(self, params: Params) -> JsonObject:
        invalid = bad_request("can't parse BotCommandScope JSON object")
        scope = params.json_value("scope", invalid=invalid)
        if scope is None:
            return {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
            raise invalid
        normalized: JsonObject = {"type": scope["type"]}
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            chat = self._chat(Params({"chat_id": scope.get("chat_id")}))
            normalized["chat_id"] = chat.id
        if scope["type"] == "chat_member":
            user_id = scope.get("user_id")
            if not isinstance(user_id, int) or user_id not in self.world.users:
                raise bad_request("user not found")
            normalized["user_id"] = user_id
        return normalized

    # -- service methods ---------------------------------------------------------------

    async def ok(self, params: Params) -> bool:
        del params
        return True

    async def get_me(self, params: Params) -> JsonObject:
        del params
        return {
            **self.world.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, params: Params) -> list[JsonObject]:
        updates = self.world.updates
        offset = params.integer("offset") or 0
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.integer("timeout") or 0, 0)
        allowed = params.json_value(
            "allowed_updates", invalid=bad_request("can't parse allowed updates JSON array")
        )
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise bad_request("can't parse allowed updates JSON array")
            updates.set_allowed(allowed)
        updates.confirm(offset)
        updates.poller += 1
        generation = updates.poller
        held = timeout > 0
        updates.waiting += held
        try:
            # Wake the waiters now: the confirmation is the "processed" signal tests wait
            # for, and an older long poll must learn it was superseded.
            await self.world.notify()
            if held:
                await self._wait_for_updates(generation, timeout)
        finally:
            updates.waiting -= held
        if updates.poller != generation:
            raise ApiError(409, CONFLICT)
        return updates.deliverable(limit)

    async def _wait_for_updates(
        self,
        generation: int,
        timeout: int,  # noqa: ASYNC109 - getUpdates' own parameter
    ) -> None:
        """Until an update is there, a newer getUpdates came, the server stops, or timeout."""
        updates = self.world.updates

        def woken() -> bool:
            return self.world.closing or updates.poller != generation or updates.has_deliverable()

        async with self.world.changed:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self.world.changed.wait_for(woken)

    async def delete_webhook(self, params: Params) -> bool:
        if params.flag("drop_pending_updates"):
            self.world.updates.drop_all()
        return True

    async def get_webhook_info(self, params: Params) -> JsonObject:
        del params
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates.pending),
        }

    async def set_webhook(self, params: Params) -> bool:
        del params
        raise bad_request("the playground delivers updates through getUpdates only")

    async def set_my_commands(self, params: Params) -> bool:
        commands = params.json_value(
            "commands", invalid=bad_request("can't parse commands JSON object")
        )
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        checked: list[JsonObject] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not COMMAND.fullmatch(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            checked.append({"command": command, "description": description})
        key = self._commands_key(params)
        if checked:
            self.world.commands[key] = checked
        else:
            self.world.commands.pop(key, None)
        self.world.events.publish({"type": "commands"})
        return True

    async def get_my_commands(self, params: Params) -> list[JsonObject]:
        return list(self.world.commands.get(self._commands_key(params), []))

    async def delete_my_commands(self, params: Params) -> bool:
        self.world.commands.pop(self._commands_key(params), None)
        self.world.events.publish({"type": "commands"})
        return True

    def _commands_key(self, params: Params) -> tuple[str, str]:
        language = params.string("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return self.world.scope_key(self._scope(params)), language

    async def get_chat(self, params: Params) -> JsonObject:
        chat = self._chat(params)
        return {
            **self.world.chat_to_api(chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def set_chat_menu_button(self, params: Params) -> bool:
        chat = self._chat(params) if params.values.get("chat_id") not in (None, "") else None
        invalid = bad_request("can't parse menu button JSON object")
        button = params.json_value("menu_button", invalid=invalid)
        if button is None:
            button = {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise invalid
        if chat is None:
            self.world.default_menu_button = button
        else:
            chat.menu_button = button
        self.world.events.publish({"type": "state"})
        return True

    async def get_chat_menu_button(self, params: Params) -> JsonObject:
        chat = self._chat(params) if params.values.get("chat_id") not in (None, "") else None
        button = chat.menu_button if chat is not None else None
        return button or self.world.default_menu_button or {"type": "default"}
