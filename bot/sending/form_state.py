"""The form being filled in, kept in FSM data (persistent: a restart does not lose it)."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from pydantic import ValidationError

from bot.sending.drafts import Draft
from bot.sending.platform import Platform
from bot.sending.service import SendService
from bot.ui.cards import Card, explain_violations, form_card
from bot.ui.i18n import Translator
from provider.channels import CHANNEL_RULES, MessageType

DRAFT_KEY = "draft"
EDITING_KEY = "editing"


def cycle_next(items: list[str], current: str | None) -> str:
    """The item after `current`, wrapping around; the first when `current` is not there."""
    if current in items:
        return items[(items.index(current) + 1) % len(items)]
    return items[0]


async def load_draft(state: FSMContext) -> Draft | None:
    data = await state.get_data()
    raw = data.get(DRAFT_KEY)
    if raw is None:
        return None
    try:
        return Draft.model_validate(raw)
    except ValidationError:
        # A form saved by an older version of the bot: start over rather than crash.
        return None


async def save_draft(state: FSMContext, draft: Draft) -> None:
    await state.update_data({DRAFT_KEY: draft.model_dump(mode="json")})


async def active_draft(state: FSMContext, form_id: str) -> Draft | None:
    """The draft a button belongs to, or None if that form is no longer the active one."""
    draft = await load_draft(state)
    return draft if draft is not None and draft.form_id == form_id else None


def render_form(draft: Draft, platform: Platform, sending: SendService, t: Translator) -> Card:
    """The form card for a draft: its problems listed, the JSON preview when asked for."""
    account = platform.get(draft.account)
    problems: list[str] = []
    preview = None
    try:
        body = sending.preview(draft)
    except ValidationError as exc:
        problems = explain_violations(exc, t)
    else:
        preview = body if draft.show_json else None
    return form_card(
        draft,
        account,
        t,
        problems=problems,
        preview=preview,
        several_accounts=platform.several,
    )


TTL_CANDIDATES = (
    30,
    60,
    120,
    300,
    1800,
    3600,
    6 * 3600,
    24 * 3600,
    2 * 86400,
    3 * 86400,
    7 * 86400,
)


def ttl_presets(channel: MessageType) -> list[int]:
    """Lifetimes worth a button for this channel, all within its rules."""
    rules = CHANNEL_RULES[channel]
    return [
        s for s in TTL_CANDIDATES if rules.ttl_min <= s <= rules.ttl_max and s % rules.ttl_step == 0
    ]
