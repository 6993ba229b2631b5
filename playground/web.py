"""The people's side over HTTP (``/api/...``, JSON) and the web chat page (``/``).

The page and out-of-process tests use the same endpoints; ``GET /api/events`` streams
changes as Server-Sent Events so the page updates live without polling. Every API request
passes `PageGuard` first: the page's token, its origin, JSON bodies (see playground.guard).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from playground.flood import FloodControl
from playground.guard import PageGuard, Refused
from playground.users import ActionError, find_button, press, resolve_chat, write
from playground.world import JsonObject, UserRecord, World

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
TOKEN_SLOT = "{{PLAYGROUND_TOKEN}}"  # noqa: S105 - a placeholder, not a secret
"""Where index.html holds the page's token (a meta tag the scripts read)."""
PAGE_HEADERS = {
    # The page carries this run's token: never kept by a cache, never framed by another
    # page (whose clicks would then be the page's), its scripts and requests ours only.
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
KEEPALIVE_SECONDS = 15.0
"""An SSE comment this often, so proxies keep the stream and dead peers are noticed."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


async def _body(request: web.Request) -> JsonObject:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "the body must be a JSON object"}),
            content_type="application/json",
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "the body must be a JSON object"}),
            content_type="application/json",
        )
    return body


def _int(body: JsonObject, key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ActionError(f"{key} must be an integer")
    return value


class WebApi:
    def __init__(self, world: World, flood: FloodControl, guard: PageGuard) -> None:
        self.world = world
        self.flood = flood
        self.guard = guard

    def install(self, app: web.Application) -> None:
        app.router.add_route("GET", "/", self._refusing(self.index, self.guard.check_host))
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/api/state", self.state),
            ("POST", "/api/users", self.create_user),
            ("POST", "/api/chats", self.create_group),
            ("GET", "/api/chats/{chat_id}", self.get_chat),
            ("POST", "/api/send", self.send),
            ("POST", "/api/click", self.click),
            ("GET", "/api/calls", self.get_calls),
            ("GET", "/api/callbacks", self.get_callbacks),
            ("GET", "/api/commands", self.get_commands),
            ("GET", "/api/flood", self.get_flood),
            ("POST", "/api/flood", self.set_flood),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, path, self._refusing(handler, self.guard.check_api))
        # The page's EventSource cannot send headers: its token comes in the query.
        app.router.add_route(
            "GET", "/api/events", self._refusing(self.events, self.guard.check_stream)
        )
        app.router.add_static("/static/", STATIC, append_version=False)

    @staticmethod
    def _refusing(handler: Handler, check: Callable[[web.Request], None]) -> Handler:
        """`handler` behind `check`, its refusals and bad input as JSON errors."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            try:
                check(request)
            except Refused as refused:
                # Origin and Host come from whoever sent them: repr'd, cut short.
                logger.warning(
                    "event=playground_api_refused status=%d path=%s origin=%.80r host=%.80r",
                    refused.status,
                    request.path,
                    request.headers.get("Origin"),
                    request.headers.get("Host"),
                )
                return _error(refused.status, refused.reason)
            try:
                return await handler(request)
            except ActionError as exc:
                return _error(400, str(exc))
            except KeyError as exc:
                return _error(404, str(exc.args[0]) if exc.args else "not found")

        return guarded

    def _user(self, body: JsonObject) -> UserRecord:
        user_id = _int(body, "user_id", 1)
        user = self.world.users.get(user_id)
        if user is None:
            raise KeyError(f"no user {user_id}: POST /api/users first")
        return user

    # -- page --------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        """The chat page with this run's token in it (read per request: edits to the static
        files show on reload)."""
        del request
        page = await asyncio.to_thread((STATIC / "index.html").read_text, encoding="utf-8")
        return web.Response(
            text=page.replace(TOKEN_SLOT, html.escape(self.guard.token)),
            content_type="text/html",
            headers=PAGE_HEADERS,
        )

    async def state(self, request: web.Request) -> web.StreamResponse:
        del request
        world = self.world
        return web.json_response(
            {
                "bot": world.bot.to_api(),
                "users": [u.to_api() for u in world.users.values()],
                "chats": [world.chat_json(c) for c in world.chats.values()],
                "flood_control": self.flood.enabled,
                "default_user_id": next(iter(world.users), None),
            }
        )

    # -- people and chats --------------------------------------------------------------

    async def create_user(self, request: web.Request) -> web.StreamResponse:
        """``{"id", "first_name", "username"?, "last_name"?, "language_code"?}``; an existing
        id is updated (its chat history kept)."""
        body = await _body(request)
        first_name = body.get("first_name")
        if not isinstance(first_name, str) or not first_name.strip():
            raise ActionError("first_name is required")
        optional = {k: body.get(k) for k in ("last_name", "username", "language_code")}
        if not all(v is None or isinstance(v, str) for v in optional.values()):
            raise ActionError("last_name, username and language_code are strings")
        try:
            user = self.world.add_user(_int(body, "id"), first_name, **optional)
        except ValueError as exc:
            raise ActionError(str(exc)) from None
        await self.world.notify()
        return web.json_response(user.to_api())

    async def create_group(self, request: web.Request) -> web.StreamResponse:
        """``{"title", "member_ids": [...], "id"?}``: a group chat with the bot in it."""
        body = await _body(request)
        title, members = body.get("title"), body.get("member_ids", [])
        if not isinstance(title, str) or not title.strip():
            raise ActionError("title is required")
        if not isinstance(members, list) or not all(isinstance(m, int) for m in members):
            raise ActionError("member_ids must be a list of user ids")
        chat_id = body.get("id")
        try:
            chat = self.world.add_group(
                title, members, chat_id if isinstance(chat_id, int) else None
            )
        except ValueError as exc:
            raise ActionError(str(exc)) from None
        await self.world.notify()
        return web.json_response(self.world.chat_json(chat))

    async def get_chat(self, request: web.Request) -> web.StreamResponse:
        """The chat, its messages (deleted ones flagged) and a plain-text transcript."""
        try:
            chat_id = int(request.match_info["chat_id"])
        except ValueError:
            raise ActionError("the chat id is an integer") from None
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise KeyError(f"no chat {chat_id}")
        return web.json_response(
            {
                "chat": self.world.chat_json(chat),
                "messages": [self.world.message_json(m) for m in chat.messages.values()],
                "transcript": self.world.transcript(chat_id),
            }
        )

    # -- actions -----------------------------------------------------------------------

    async def send(self, request: web.Request) -> web.StreamResponse:
        """``{"user_id"=1, "text", "chat_id"?, "reply_to"?, "wait"?: bool, "timeout"?: s}``.

        With ``wait`` the answer comes once the bot confirmed the update (see
        `PlaygroundUser.send_and_wait`) and lists the bot's new messages as ``replies``.
        """
        body = await _body(request)
        user = self._user(body)
        text = body.get("text")
        if not isinstance(text, str):
            raise ActionError("text is required")
        chat = resolve_chat(self.world, user, body.get("chat_id"))
        reply_to = body.get("reply_to")
        message = await write(
            self.world, user, chat, text, reply_to if isinstance(reply_to, int) else None
        )
        assert message.update_id is not None
        answer: JsonObject = {
            "message": self.world.message_json(message),
            "update_id": message.update_id,
        }
        if body.get("wait"):
            failed = await self._wait_processed(message.update_id, body, chat.id)
            if failed is not None:
                return failed
            answer["replies"] = [
                self.world.message_json(m)
                for m in chat.messages.values()
                if m.from_bot and m.message_id > message.message_id and not m.deleted
            ]
        return web.json_response(answer)

    async def click(self, request: web.Request) -> web.StreamResponse:
        """``{"user_id"=1, "chat_id"?, "message_id"?, "text"? | "data"?, "wait"?, "timeout"?}``:
        press the button whose text starts with ``text`` (on ``message_id``, else on the
        newest bot message having one), or send ``data`` for ``message_id`` as is."""
        body = await _body(request)
        user = self._user(body)
        chat = resolve_chat(self.world, user, body.get("chat_id"))
        message_id = body.get("message_id")
        if message_id is not None and not isinstance(message_id, int):
            raise ActionError("message_id must be an integer")
        if isinstance(body.get("data"), str):
            if message_id is None:
                raise ActionError("data needs a message_id")
            stored = chat.messages.get(message_id)
            if stored is None:
                raise KeyError(f"no message #{message_id} in chat {chat.id}")
            data: str = body["data"]
        elif isinstance(body.get("text"), str):
            try:
                stored, data = find_button(self.world, chat, body["text"], message_id)
            except AssertionError as exc:
                raise ActionError(str(exc)) from None
        else:
            raise ActionError("give the button's text (a prefix) or data")
        query = await press(self.world, user, chat, stored, data)
        if body.get("wait"):
            failed = await self._wait_processed(query.update_id, body, chat.id)
            if failed is not None:
                return failed
        return web.json_response(self.world.callback_json(query))

    async def _wait_processed(
        self, update_id: int, body: JsonObject, chat_id: int
    ) -> web.Response | None:
        timeout = body.get("timeout", 5.0)
        if not isinstance(timeout, int | float) or not 0 < timeout <= 60:
            raise ActionError("timeout is seconds, at most 60")
        updates = self.world.updates
        try:
            await self.world.wait_for(
                lambda: updates.is_processed(update_id),
                float(timeout),
                f"the bot to process update {update_id}",
                chat_id,
            )
        except AssertionError as exc:
            return _error(504, str(exc), update_id=update_id)
        return None

    # -- observation -------------------------------------------------------------------

    async def get_calls(self, request: web.Request) -> web.StreamResponse:
        """Recorded Bot API calls, ``?since=<seq>`` for the ones after a point."""
        try:
            since = int(request.query.get("since", "0"))
        except ValueError:
            raise ActionError("since is an integer") from None
        calls = [
            {
                "seq": c.seq,
                "method": c.method,
                "params": c.params,
                "at": c.at,
                "finished_at": c.finished_at,
                "ok": c.ok,
                "error_code": c.error_code,
                "description": c.description,
                "retry_after": c.retry_after,
            }
            for c in self.world.calls
            if c.seq > since
        ]
        return web.json_response({"calls": calls, "flood_refusals": self.flood.refusals})

    async def get_callbacks(self, request: web.Request) -> web.StreamResponse:
        del request
        return web.json_response(
            {"callbacks": [self.world.callback_json(q) for q in self.world.callbacks.values()]}
        )

    async def get_commands(self, request: web.Request) -> web.StreamResponse:
        """``?user_id=&chat_id=``: the menu that person sees there, and every stored list."""
        try:
            user_id = int(request.query.get("user_id", "1"))
            chat_raw = request.query.get("chat_id")
            chat_id = int(chat_raw) if chat_raw else None
        except ValueError:
            raise ActionError("user_id and chat_id are integers") from None
        stored = [
            {"scope": json.loads(scope), "language_code": lang, "commands": commands}
            for (scope, lang), commands in self.world.commands.items()
        ]
        return web.json_response(
            {"visible": self.world.visible_commands(user_id, chat_id), "all": stored}
        )

    async def get_flood(self, request: web.Request) -> web.StreamResponse:
        del request
        return web.json_response({"enabled": self.flood.enabled, "refusals": self.flood.refusals})

    async def set_flood(self, request: web.Request) -> web.StreamResponse:
        """``{"enabled": bool}``: switch Telegram's flood limits on or off."""
        enabled = (await _body(request)).get("enabled")
        if not isinstance(enabled, bool):
            raise ActionError("enabled must be true or false")
        self.flood.enabled = enabled
        self.world.events.publish({"type": "state"})
        return web.json_response({"enabled": self.flood.enabled, "refusals": self.flood.refusals})

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: one ``data:`` JSON per change; resumes from Last-Event-ID."""
        last = request.headers.get("Last-Event-ID", request.query.get("after", ""))
        queue = self.world.events.subscribe(int(last) if last.isdigit() else None)
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        try:
            await response.prepare(request)
            await response.write(b"retry: 1000\n: connected\n\n")
            while not self.world.closing:
                try:
                    async with asyncio.timeout(KEEPALIVE_SECONDS):
                        event = await queue.get()
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if event is None:
                    break
                data = json.dumps(event, ensure_ascii=False)
                await response.write(f"id: {event['id']}\ndata: {data}\n\n".encode())
        except ConnectionResetError:
            pass  # the page went away
        finally:
            self.world.events.unsubscribe(queue)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response
