"""Helpers for the playground tests: fake clocks, a quick-closing session, a tiny bot, the
page's token."""

from __future__ import annotations

import html
import re

from aiogram import F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message


class FakeClock:
    """The playground's monotonic clock, moved by hand (flood windows without sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeWallClock(FakeClock):
    """Unix seconds moved by hand: the dates of messages and edits."""

    def __init__(self, now: float) -> None:
        super().__init__()
        self.now = now


TOKEN_HEADER = "X-Playground-Token"
_TOKEN_META = re.compile(r'<meta name="playground-token" content="([^"]+)">')


def token_of_page(page: str) -> str:
    """The API token a page served at ``/`` holds, as its scripts read it."""
    found = _TOKEN_META.search(page)
    assert found is not None, "the page holds no playground-token"
    return html.unescape(found.group(1))


class LoopbackSession(AiohttpSession):
    """aiogram's own session; only closing skips the 250 ms aiogram waits for TLS
    connections to shut down, which loopback HTTP does not have."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons: ``keyboard(("✅ Send", "send"), ...)``."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in buttons]]
    )


def echo_router() -> Router:
    """A tiny bot: echoes text (escaped) under a confirm/cancel keyboard, handles presses."""
    router = Router(name="echo")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="✅ Confirm", callback_data="confirm"),
                    InlineKeyboardButton(text="✖️ Cancel", callback_data="cancel"),
                ]
            ]
        )
        await message.answer(
            f"<b>echo:</b> {html.escape(message.text or '')}", reply_markup=keyboard
        )

    @router.callback_query(F.data == "confirm")
    async def confirm(query: CallbackQuery) -> None:
        await query.answer("Confirmed")
        assert isinstance(query.message, Message)
        await query.message.edit_text("<i>confirmed</i> ✅")

    @router.callback_query(F.data == "cancel")
    async def cancel(query: CallbackQuery) -> None:
        await query.answer("Cancelled", show_alert=True)
        assert isinstance(query.message, Message)
        await query.message.delete()

    @router.callback_query()
    async def unknown(query: CallbackQuery) -> None:
        await query.answer("This button is no longer valid")

    return router
