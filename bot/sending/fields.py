"""Changing a form's fields: pure functions from a draft (and what the operator typed or
pressed) to the next draft. A value that cannot go in raises `FieldError`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.sending.codes import code_of, flashcall_text_from, is_voice_code
from bot.sending.drafts import Draft, StepDraft
from bot.sending.extras import (
    parse_app_user,
    parse_push_options,
    parse_send_time,
    parse_template,
)
from bot.sending.field_errors import FieldError as FieldError
from provider.channels import CHANNEL_RULES, CascadeState, MessageType
from provider.messages import flashcall_code
from provider.phone import PhoneNumberError, parse_phone

EDITABLE_FIELDS = (
    "phone",
    "text",
    "title",
    "link",
    "image",
    "button",
    "schedule",
    "options",
    "template",
    "send-time",
    "delivery-name",
    "sms-text",
)
"""What a ✏️ button on the form card may ask for (``text`` is the code of a FlashingCall;
``sms-text`` the text of its "SMS if no call")."""

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


def cycle_next(items: Sequence[str], current: str | None) -> str:
    """The item after `current`, wrapping around; the first when `current` is not there."""
    if current is not None and current in items:
        return items[(list(items).index(current) + 1) % len(items)]
    return items[0]


def prompted_field(draft: Draft, field: str) -> str:
    """The field a ✏️ button asks for: a FlashingCall's text is its code (a VoiceCode's,
    four digits alone)."""
    if field == "text" and draft.first.channel is MessageType.FLASHINGCALL:
        return "voice-code" if draft.kind == "voicecode" else "code"
    return field


def _with_first(draft: Draft, **updates: object) -> Draft:
    step = draft.first.model_copy(update=updates)
    return draft.model_copy(update={"steps": [step, *draft.steps[1:]]})


def with_phone_confirmed(draft: Draft) -> Draft:
    """The operator confirmed the number as the card reads it."""
    return draft.model_copy(update={"phone_doubts": []})


def with_lifetime(draft: Draft, seconds: int) -> Draft:
    """The first step's lifetime; 0: the platform's default."""
    return _with_first(draft, ttl_seconds=seconds or None)


def with_next_sender(draft: Draft, senders: Sequence[str]) -> Draft:
    return _with_first(draft, sender=cycle_next(senders, draft.first.sender))


def with_account(draft: Draft, account: str, senders: Sequence[str]) -> Draft:
    """Another account: a sender belongs to its account, so the new one's default replaces it."""
    steps = [
        step.model_copy(update={"sender": senders[0] if senders and step.sender else step.sender})
        for step in draft.steps
    ]
    return draft.model_copy(update={"account": account, "steps": steps})


def with_sms_fallback(draft: Draft, *, sms_text: str, sender: str | None) -> Draft:
    """A FlashingCall with an SMS after it when no call got through, or back without it."""
    if len(draft.steps) > 1:
        return draft.model_copy(update={"steps": [draft.first]})
    sms = StepDraft(
        channel=MessageType.SMS,
        text=sms_text,
        sender=sender,
        resend_if_not=CascadeState.DELIVERED,
    )
    return draft.model_copy(update={"steps": [draft.first, sms]})


_SCHEDULE = re.compile(
    r"(?P<begin>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})"
    # "local" is the time-zone switch, never a deadline ("10:00-21:00 12345 local").
    r"(?:\s+(?P<weekdays>[1-7]{1,7}))?(?:\s+(?P<deadline>(?!local$)\S+))?(?P<local>\s+local)?"
)


def phone_error(exc: PhoneNumberError) -> FieldError:
    """The operator's words for why a text is not a number (`phone-problem-*` messages)."""
    return FieldError("error-phone", problem=exc.problem.value)


def apply_field(
    draft: Draft, field: str, value: str, *, region: str, voice_code: bool = False
) -> Draft:
    """The draft with one field changed; FieldError says (by message id) why not.

    `region`: the country of numbers typed without a country code. `voice_code`: the
    draft's account reads its FLASHINGCALLs out (VoiceCode), so a cascade's FlashingCall
    step takes a code alone, not a text around it.
    """
    step = draft.first
    if field == "phone":
        return _with_recipient(draft, value, region)
    if field == "schedule":
        return _with_schedule(draft, value)
    if field in _EXTRA_FIELDS:
        return _EXTRA_FIELDS[field](draft, value)
    if field == "sms-text":
        return _with_fallback_text(draft, value)
    updates: dict[str, object]
    if field == "text" and draft.kind == "cascade":
        steps = [_cascade_text(s, value, voice_code=voice_code) for s in draft.steps]
        return draft.model_copy(update={"steps": steps})
    if field in ("text", "code", "voice-code"):
        updates = {"text": value}
        if field == "code" and flashcall_code(value) is None:
            # Seed 004, lines 51 and 61: a text that contains the code, 4 or 6 digits.
            raise FieldError("error-code")
        if field == "voice-code" and not is_voice_code(value):
            raise FieldError("error-voice-code")
    elif field == "title":
        updates = {"title": value}
    elif field == "link":
        updates = {"link": None if value == "-" else value}
    elif field == "image":
        updates = {"image_url": None if value == "-" else value}
    elif field == "button":
        if value == "-":
            updates = {"button_caption": None, "button_action": None}
        else:
            caption, sep, action = value.partition("|")
            if not sep:
                raise FieldError("error-button")
            updates = {"button_caption": caption.strip(), "button_action": action.strip()}
    else:
        raise FieldError("form-stale")
    steps = [step.model_copy(update=updates), *draft.steps[1:]]
    if field in ("code", "voice-code") and len(steps) > 1:
        # The SMS fallback carries the same code.
        old, new = code_of(step.text), code_of(value)
        steps[1] = steps[1].model_copy(
            update={"text": steps[1].text and _replace_code(steps[1].text, old, new)}
        )
    return draft.model_copy(update={"steps": steps})


def _with_fallback_text(draft: Draft, value: str) -> Draft:
    """A FlashingCall's "SMS if no call" with the operator's own text."""
    if draft.kind not in ("flashcall", "voicecode") or len(draft.steps) < 2:
        raise FieldError("form-stale")  # the fallback was switched off meanwhile
    sms = draft.steps[1].model_copy(update={"text": value})
    return draft.model_copy(update={"steps": [draft.first, sms, *draft.steps[2:]]})


def _cascade_text(step: StepDraft, value: str, *, voice_code: bool) -> StepDraft:
    """One text for every step of a cascade; a FlashingCall step takes it when it holds a
    code (`flashcall_text_from`), else keeps its own."""
    if step.channel is not MessageType.FLASHINGCALL:
        return step.model_copy(update={"text": value})
    text = flashcall_text_from(value, voice_code=voice_code)
    return step if text is None else step.model_copy(update={"text": text})


def _with_recipient(draft: Draft, value: str, region: str) -> Draft:
    """A phone, or for a Push the app's user (``user:<id>``) in its place."""
    user = parse_app_user(value)
    if user is not None:
        if draft.kind == "cascade" or draft.first.channel is not MessageType.PUSH:
            raise FieldError("error-app-user-push-only")
        step = draft.first.model_copy(update={"external_user_id": user})
        return draft.model_copy(
            update={"phone": None, "phone_doubts": [], "steps": [step, *draft.steps[1:]]}
        )
    try:
        phone = parse_phone(value, region)
    except PhoneNumberError as exc:
        raise phone_error(exc) from exc
    steps = [s.model_copy(update={"external_user_id": None}) for s in draft.steps]
    return draft.with_phone(phone).model_copy(update={"steps": steps})


def _with_push_options(draft: Draft, value: str) -> Draft:
    options = None if value == "-" else parse_push_options(value)
    return _with_first(draft, extra_options=options)


def _with_template(draft: Draft, value: str) -> Draft:
    """The VK step's template (the first VK step: a legacy chain has VK once)."""
    template_id, data = (None, None) if value == "-" else parse_template(value)
    steps = list(draft.steps)
    index = next((i for i, s in enumerate(steps) if s.channel is MessageType.VK), 0)
    steps[index] = steps[index].model_copy(
        update={"template_id": template_id, "template_data": data}
    )
    return draft.model_copy(update={"steps": steps})


def _with_send_time(draft: Draft, value: str) -> Draft:
    time_send = None if value == "-" else parse_send_time(value)
    return draft.model_copy(
        update={"legacy": draft.legacy.model_copy(update={"time_send": time_send})}
    )


def _with_delivery_name(draft: Draft, value: str) -> Draft:
    name = None if value == "-" else value
    return draft.model_copy(
        update={"legacy": draft.legacy.model_copy(update={"name_delivery": name})}
    )


_EXTRA_FIELDS = {
    "options": _with_push_options,
    "template": _with_template,
    "send-time": _with_send_time,
    "delivery-name": _with_delivery_name,
}


def _with_schedule(draft: Draft, value: str) -> Draft:
    if value == "-":
        cleared = {"time_begin": None, "time_end": None, "weekdays": None, "deadline": None}
        return draft.model_copy(update={"schedule": draft.schedule.model_copy(update=cleared)})
    match = _SCHEDULE.fullmatch(value)
    if match is None:
        raise FieldError("error-schedule")
    schedule = draft.schedule.model_copy(
        update={
            "time_begin": match["begin"].zfill(5),
            "time_end": match["end"].zfill(5),
            "weekdays": match["weekdays"],
            "deadline": match["deadline"],
            "subscriber_time_zone": bool(match["local"]),
        }
    )
    return draft.model_copy(update={"schedule": schedule})


def _replace_code(text: str, old: str, new: str) -> str:
    return text.replace(old, new) if old else text
