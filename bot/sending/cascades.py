"""Cascade presets and the builder's edits, as pure functions on a draft."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.sending.codes import flashcall_text_from, random_code
from bot.sending.drafts import Draft, StepDraft
from bot.sending.legacy_fit import Refusal, fitted_steps
from bot.sending.platform import PlatformAccount
from provider.channels import CHANNEL_RULES, CascadeState, MessageType

_T = MessageType

PRESETS: Mapping[str, tuple[MessageType, ...]] = MappingProxyType(
    {
        "viber-sms": (_T.VIBER, _T.SMS),
        "push-sms": (_T.PUSH, _T.SMS),
        "flashcall-sms": (_T.FLASHINGCALL, _T.SMS),
        "vk-viber-flashcall-sms": (_T.VK, _T.VIBER, _T.FLASHINGCALL, _T.SMS),
    }
)

MAX_STEPS = 6
"""Longer chains are possible on the platform; on a phone screen six is plenty."""

STEP_TTL_SECONDS: Mapping[MessageType, int] = MappingProxyType(
    {
        _T.SMS: 3600,
        _T.VIBER: 60,
        _T.VK: 60,
        _T.PUSH: 60,
        _T.TELEGRAM: 60,
        _T.WHATSAPP: 86400,
        _T.FLASHINGCALL: 60,
    }
)
"""A step's default lifetime: short, so a test cascade moves on within minutes."""


class CascadeRuleError(Exception):
    """An edit the platform's rules forbid; `previous` is the channel that prevents it."""

    def __init__(self, previous: MessageType) -> None:
        super().__init__(previous.value)
        self.previous = previous


class CascadeStepRefused(Exception):
    """A step the account's API cannot send in this chain (`refusal` says why)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.key)
        self.refusal = refusal


def best_state(previous: MessageType) -> CascadeState:
    """READ where the previous channel reports it (it proves the message was seen)."""
    return CascadeState.READ if CHANNEL_RULES[previous].reports_read else CascadeState.DELIVERED


def make_step(
    channel: MessageType, text: str, code: str, sender: str | None, previous: MessageType | None
) -> StepDraft:
    return StepDraft(
        channel=channel,
        text=code if channel is _T.FLASHINGCALL else text,
        sender=sender if CHANNEL_RULES[channel].sender_allowed else None,
        ttl_seconds=STEP_TTL_SECONDS[channel],
        resend_if_not=None if previous is None else best_state(previous),
    )


def preset_steps(name: str, text: str, code: str, sender: str | None) -> list[StepDraft]:
    channels = PRESETS[name]
    return [
        make_step(channel, text, code, sender, channels[i - 1] if i else None)
        for i, channel in enumerate(channels)
    ]


def _renumbered(steps: list[StepDraft]) -> list[StepDraft]:
    """After a move or removal: the first step has no condition, the others a possible one."""
    fixed = []
    for index, step in enumerate(steps):
        if index == 0:
            state = None
        else:
            previous = steps[index - 1].channel
            state = step.resend_if_not or best_state(previous)
            if state is CascadeState.READ and not CHANNEL_RULES[previous].reports_read:
                state = CascadeState.DELIVERED
        fixed.append(step.model_copy(update={"resend_if_not": state}))
    return fixed


def add_step(draft: Draft, channel: MessageType, code: str, sender: str | None) -> Draft:
    if len(draft.steps) >= MAX_STEPS:
        return draft
    text = next((s.text for s in draft.steps if s.channel is not _T.FLASHINGCALL and s.text), "")
    step = make_step(channel, text or "", code, sender, draft.steps[-1].channel)
    return draft.model_copy(update={"steps": [*draft.steps, step]})


def remove_step(draft: Draft, index: int) -> Draft:
    if len(draft.steps) <= 1 or not 0 <= index < len(draft.steps):
        return draft
    steps = [s for i, s in enumerate(draft.steps) if i != index]
    return draft.model_copy(update={"steps": _renumbered(steps)})


def move_up(draft: Draft, index: int) -> Draft:
    if not 0 < index < len(draft.steps):
        return draft
    steps = list(draft.steps)
    steps[index - 1], steps[index] = steps[index], steps[index - 1]
    return draft.model_copy(update={"steps": _renumbered(steps)})


def toggle_state(draft: Draft, index: int) -> Draft:
    """DELIVERED <-> READ for a step; READ after SMS/FlashingCall raises CascadeRuleError."""
    if not 0 < index < len(draft.steps):
        return draft
    step = draft.steps[index]
    previous = draft.steps[index - 1].channel
    wanted = (
        CascadeState.DELIVERED if step.resend_if_not is CascadeState.READ else CascadeState.READ
    )
    if wanted is CascadeState.READ and not CHANNEL_RULES[previous].reports_read:
        raise CascadeRuleError(previous)
    steps = list(draft.steps)
    steps[index] = step.model_copy(update={"resend_if_not": wanted})
    return draft.model_copy(update={"steps": steps})


def _chain_text(draft: Draft) -> str:
    return next((s.text for s in draft.steps if s.channel is not _T.FLASHINGCALL and s.text), "")


def _fitted(account: PlatformAccount, steps: list[StepDraft]) -> list[StepDraft]:
    return fitted_steps(steps) if account.is_legacy else steps


def builder_steps(preset: str | None, text: str, account: PlatformAccount) -> list[StepDraft]:
    """The first chain of a new cascade: a preset's, or one SMS for the builder to grow.

    A FlashingCall step says the chain's text when it holds a code (`flashcall_text_from`),
    else a random code.
    """
    sender = next(iter(account.senders), None)
    if preset is not None:
        code = flashcall_text_from(text, voice_code=account.voice_code) or random_code()
        steps = preset_steps(preset, text, code, sender)
    else:
        steps = [StepDraft(channel=_T.SMS, text=text, sender=sender, ttl_seconds=3600)]
    return _fitted(account, steps)


def edit_chain(draft: Draft, operation: str, account: PlatformAccount) -> Draft:
    """One builder button's edit: ``add.<TYPE>``, ``del.<n>``, ``up.<n>``, ``state.<n>``.

    Raises CascadeStepRefused for a step the account cannot send in this chain and
    CascadeRuleError for a condition the platform's rules forbid.
    """
    name, _, argument = operation.partition(".")
    index = int(argument) if argument.isdigit() else -1
    if name == "add" and argument in MessageType.__members__:
        code = next(
            (s.text for s in draft.steps if s.channel is _T.FLASHINGCALL and s.text),
            flashcall_text_from(_chain_text(draft), voice_code=account.voice_code) or random_code(),
        )
        longer = add_step(draft, MessageType(argument), code, next(iter(account.senders), None))
        refusal = account.chain_refusal([s.channel for s in longer.steps])
        if refusal is not None:
            raise CascadeStepRefused(refusal)
        return longer.model_copy(update={"steps": _fitted(account, longer.steps)})
    if name == "del":
        return remove_step(draft, index)
    if name == "up":
        return move_up(draft, index)
    if name == "state":
        return toggle_state(draft, index)
    return draft
