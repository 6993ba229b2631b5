"""The playground: a Bot API server, a world of people and chats, a web chat page.

One `Playground` object owns everything (no module globals), so several can run side by
side in one process and the bot's playground mode can embed one (`make_app`).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Self

from aiohttp import web

from playground.botapi import BotApi
from playground.config import PlaygroundConfig
from playground.flood import FloodControl
from playground.guard import TOKEN_HEADER, PageGuard, is_loopback, new_token
from playground.users import PlaygroundUser
from playground.views import CallbackView, ChatView
from playground.web import WebApi
from playground.world import ApiCall, JsonObject, World
from serving import start_site

logger = logging.getLogger(__name__)


class Playground:
    """A local Telegram for one bot.

    ``async with Playground(config).running(port=0) as pg`` serves it on a free port:
    point aiogram at it with ``AiohttpSession(api=TelegramAPIServer.from_base(pg.base_url))``
    and any ``<digits>:<text>`` token (`token` is one). `clock` (monotonic seconds) drives
    flood control and the recorded times, `wall_clock` (Unix seconds) the dates of messages
    and edits; tests may pass fake ones.
    """

    def __init__(
        self,
        config: PlaygroundConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config or PlaygroundConfig()
        self._world = World(self.config, clock, wall_clock)
        self._flood = FloodControl(
            enabled=self.config.flood_control,
            chat_per_second=self.config.flood_chat_per_second,
            chat_burst=self.config.flood_chat_burst,
            group_per_minute=self.config.flood_group_per_minute,
            global_per_second=self.config.flood_global_per_second,
            clock=clock,
        )
        self._bot_api = BotApi(self._world, self._flood)
        self._guard = PageGuard(new_token(), frozenset(self.config.page_hosts))
        self._web = WebApi(self._world, self._flood, self._guard)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # -- connection --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://host:port``: give it to ``TelegramAPIServer.from_base``."""
        if self._base_url is None:
            raise RuntimeError("the playground is not running; use start() or running()")
        return self._base_url

    @property
    def token(self) -> str:
        """A token naming the configured bot (any ``<digits>:<text>`` is accepted)."""
        return f"{self.config.bot_id}:playground"

    @property
    def page_token(self) -> str:
        """This run's token for the people's API (``/api/...``), which refuses requests
        without it: the page holds it in ``<meta name="playground-token">``; scripts and
        out-of-process tests send it as `api_headers` do."""
        return self._guard.token

    @property
    def api_headers(self) -> dict[str, str]:
        """Headers for requests to ``/api/...``: the token (JSON bodies need their
        ``Content-Type: application/json`` besides)."""
        return {TOKEN_HEADER: self._guard.token}

    @property
    def bot_user(self) -> JsonObject:
        return self._world.bot.to_api()

    # -- people and chats --------------------------------------------------------------

    def user(
        self,
        id: int = 1,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> PlaygroundUser:
        """The person with this id (default: the page's Operator). A new person is created
        with these details (first name "User <id>", language "ru" unless given); for a known
        one, the details given replace the stored ones."""
        known = self._world.users.get(id)
        if known is None:
            self._world.add_user(
                id,
                first_name or f"User {id}",
                last_name,
                username,
                language_code or "ru",
            )
        elif any(v is not None for v in (first_name, last_name, username, language_code)):
            self._world.add_user(
                id,
                first_name or known.first_name,
                last_name if last_name is not None else known.last_name,
                username if username is not None else known.username,
                language_code if language_code is not None else known.language_code,
            )
        return PlaygroundUser(self._world, id)

    def group(
        self, title: str, members: list[PlaygroundUser], *, chat_id: int | None = None
    ) -> ChatView:
        """A group chat (negative id) with the bot and these people in it."""
        chat = self._world.add_group(title, [m.id for m in members], chat_id)
        return ChatView(self._world, chat.id)

    def chat(self, chat_id: int) -> ChatView:
        return ChatView(self._world, chat_id)

    def transcript(self, chat_id: int | None = None) -> str:
        """The chat (default: every chat with messages) as text, with failed bot calls."""
        return self._world.report(chat_id)

    # -- what the bot did --------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API call answered so far, oldest first."""
        return list(self._world.calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self._world.calls if c.method.lower() == method.lower()]

    def callback(self, query_id: str) -> CallbackView:
        return CallbackView.of(self._world.callbacks[query_id])

    @property
    def callbacks(self) -> list[CallbackView]:
        return [CallbackView.of(q) for q in self._world.callbacks.values()]

    def commands(
        self, scope: JsonObject | None = None, language_code: str = ""
    ) -> list[JsonObject]:
        """The command list stored by setMyCommands for exactly this scope and language."""
        key = (self._world.scope_key(scope or {"type": "default"}), language_code)
        return list(self._world.commands.get(key, []))

    def visible_commands(self, user_id: int, chat_id: int | None = None) -> list[JsonObject]:
        """The menu this person sees (Telegram's scope and language fallbacks applied)."""
        return self._world.visible_commands(user_id, chat_id)

    @property
    def flood_control(self) -> bool:
        return self._flood.enabled

    @flood_control.setter
    def flood_control(self, enabled: bool) -> None:
        self._flood.enabled = enabled

    @property
    def flood_refusals(self) -> int:
        """How many 429s were answered."""
        return self._flood.refusals

    @property
    def long_polls_waiting(self) -> int:
        """getUpdates calls held open right now: 1 means "the bot is polling and idle"."""
        return self._world.updates.waiting

    def take_updates(self) -> list[JsonObject]:
        """Pending updates, confirmed at once: for tests feeding ``dp.feed_raw_update``
        instead of polling."""
        return self._world.updates.take_all()

    # -- waiting -----------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline built in is what callers want
        *,
        what: str = "the condition",
        chat_id: int | None = None,
    ) -> None:
        """Wait until ``predicate()`` is true; re-checked on every Bot API call and user
        action (no polling). AssertionError with the transcript on timeout."""
        await self._world.wait_for(lambda: bool(predicate()), timeout, what, chat_id)

    async def wait_processed(
        self,
        update_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - as wait_for
    ) -> None:
        """Wait until the bot confirmed the update (a later getUpdates offset)."""
        updates = self._world.updates
        await self._world.wait_for(
            lambda: updates.is_processed(update_id), timeout, f"update {update_id}"
        )

    # -- lifecycle ---------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("GET", "/bot{token}/{method}", self._bot_api.handle)
        app.router.add_route("POST", "/bot{token}/{method}", self._bot_api.handle)
        self._web.install(app)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, app: web.Application) -> None:
        del app
        # Long polls and event streams would otherwise hold the shutdown for their timeout.
        self._world.closing = True
        self._world.events.close()
        await self._world.notify()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the playground is already running")
        self._world.closing = False
        self._runner, self._base_url = await start_site(
            self.make_app(), host, port, shutdown_timeout=self.config.shutdown_timeout
        )
        self._guard.allow_host(host)
        if not is_loopback(host):
            logger.warning(
                "event=playground_exposed host=%s: other machines can reach the chat page"
                " (and with it write as its people) and the Bot API",
                host or "*",
            )
        logger.info(
            "event=playground_started url=%s bot=@%s flood_control=%s",
            self._base_url,
            self.config.bot_username,
            self._flood.enabled,
        )

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        await runner.cleanup()
        logger.info("event=playground_stopped url=%s", self._base_url)
        self._base_url = None

    @contextlib.asynccontextmanager
    async def running(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[Self]:
        await self.start(host, port)
        try:
            yield self
        finally:
            await self.stop()
