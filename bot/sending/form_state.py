"""The form being filled in, kept in FSM data (persistent: a restart does not lose it)."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from pydantic import ValidationError

from bot.sending.drafts import Draft

DRAFT_KEY = "draft"
EDITING_KEY = "editing"
RECENT_KEY = "recent"
"""The recent numbers a flow's phone question offers as buttons (by index)."""
TYPED_NUMBER_KEY = "typed_number"
"""A number typed with no form open, waiting for the operator to say what to do with it."""


class FormStates(StatesGroup):
    """The form card every sending conversation ends in."""

    confirm = State()
    """The card is shown: its buttons act on the draft."""
    editing = State()
    """A field's new value is awaited as the next message (`EDITING_KEY` names it)."""


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


def next_drawing(draft: Draft) -> Draft:
    """The draft as the card is about to be drawn again: its buttons carry the new version."""
    return draft.model_copy(update={"version": draft.version + 1})


async def editing_field(state: FSMContext) -> str:
    """The field whose new value the next message is (see `FormStates.editing`)."""
    return str((await state.get_data()).get(EDITING_KEY, ""))


async def start_editing(state: FSMContext, field: str) -> None:
    await state.set_state(FormStates.editing)
    await state.update_data({EDITING_KEY: field})
