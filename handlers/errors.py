"""Errors no handler expected: the operator hears about it in words, the log gets the rest.

These run on the update (aiogram's error path), where only the update-level data is
known: the language comes from the update-level middleware, or from the person's Telegram
language should that middleware itself have failed. Whatever happens here is logged once,
with the update's id, and never raised again (aiogram would log it a second time).
"""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, Message, User

from bot.people.languages import Languages
from bot.telegram.limits import fit_alert
from bot.telegram.outages import describe
from bot.ui.i18n import Translator
from bot.ui.lookups import SendViews
from provider.errors import ProviderError
from provider.logs import log_event

log = logging.getLogger(__name__)


async def platform_unreachable(
    event: ErrorEvent,
    languages: Languages,
    t: Translator | None = None,
    event_from_user: User | None = None,
) -> None:
    """A platform call outside the sending flow (which handles its own) went wrong."""
    log_event(
        log,
        "provider_error",
        level=logging.WARNING,
        update_id=event.update.update_id,
        error=type(event.exception).__name__,
    )
    t = t or _fallback(languages, event_from_user)
    await _tell(event, t("error-platform"))


async def unexpected(
    event: ErrorEvent,
    languages: Languages,
    views: SendViews,
    t: Translator | None = None,
    event_from_user: User | None = None,
    arrived_at: datetime | None = None,
) -> None:
    log.error(
        "event=handler_failed update_id=%d user_id=%s",
        event.update.update_id,
        event_from_user.id if event_from_user else "-",
        exc_info=event.exception,
    )
    t = t or _fallback(languages, event_from_user)
    text = t("error-unexpected")
    if event_from_user is not None and arrived_at is not None:
        try:
            send = await views.created_since(event_from_user.id, arrived_at)
        except Exception as exc:  # the database may be why it failed: say less, not nothing
            log_event(log, "error_lookup_failed", level=logging.WARNING, error=describe(exc))
            text = t("error-unexpected-unsure")
        else:
            if send is not None:
                text = t("error-unexpected-after-send", id=str(send.id))
    await _tell(event, text)


def _fallback(languages: Languages, user: User | None) -> Translator:
    return languages.catalogs.get(user.language_code if user else None)


async def _tell(event: ErrorEvent, text: str) -> None:
    """An alert on the button pressed, or a message; a message too when the alert does not
    go out (the handler had answered the button already, or answering it is what failed)."""
    update = event.update
    try:
        query = update.callback_query
        if query is not None:
            try:
                await query.answer(fit_alert(text), show_alert=True)
                return
            except Exception as exc:
                log_event(
                    log, "error_alert_failed", update_id=update.update_id, error=describe(exc)
                )
                if isinstance(query.message, Message):
                    await query.message.answer(text)
        elif update.message is not None:
            await update.message.answer(text)
    except Exception as exc:  # Telegram itself may be what failed: the log has it all
        log_event(
            log,
            "error_reply_failed",
            level=logging.WARNING,
            update_id=update.update_id,
            error=describe(exc),
        )


def register(root: Router) -> None:
    """On the root router: an error bubbles up from the router that raised it to its parents."""
    root.errors.register(platform_unreachable, ExceptionTypeFilter(ProviderError))
    root.errors.register(unexpected)
