"""Errors no handler expected: the operator hears about it in words, the log gets the rest."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.ui.i18n import Translator
from provider.errors import ProviderError

log = logging.getLogger(__name__)


async def platform_unreachable(event: ErrorEvent, t: Translator) -> None:
    """A platform call outside the sending flow (which handles its own) went wrong."""
    log.warning("event=provider_error error=%s", type(event.exception).__name__)
    await _tell(event, t("error-platform"))


async def unexpected(event: ErrorEvent, t: Translator) -> None:
    log.error("event=handler_failed", exc_info=event.exception)
    await _tell(event, t("error-unexpected"))


async def _tell(event: ErrorEvent, text: str) -> None:
    update = event.update
    if update.callback_query is not None:
        await update.callback_query.answer(text[:190], show_alert=True)
    elif update.message is not None:
        await update.message.answer(text)


def register(root: Router) -> None:
    """On the root router: an error bubbles up from the router that raised it to its parents."""
    root.errors.register(platform_unreachable, ExceptionTypeFilter(ProviderError))
    root.errors.register(unexpected)
