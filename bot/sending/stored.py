"""What a stored send's request says, for the cards that show it after it went: its codes,
the app user it went to, each step's lifetime and condition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from provider.messages import FlashingCallData
from provider.request import CascadeStep, SendRequest


def rest_request(stored: Mapping[str, Any]) -> SendRequest | None:
    """The REST request a send stored; None for a legacy one (or one that no longer
    reads: an older version's, say)."""
    if "message" not in stored:
        return None
    try:
        return SendRequest.model_validate(stored)
    except ValidationError:
        return None


def rest_steps(stored: Mapping[str, Any]) -> list[CascadeStep]:
    """The steps of a stored REST request in chain order; empty for a legacy one."""
    request = rest_request(stored)
    return request.steps() if request is not None else []


def flashcall_codes(stored: Mapping[str, Any]) -> list[str]:
    """The codes of a send's FlashingCall (or VoiceCode) steps, each once, in chain order:
    what the subscriber sees as the caller's last digits or hears read out."""
    codes: list[str] = []
    for step in rest_steps(stored):
        data = step.message.data
        if isinstance(data, FlashingCallData) and data.code and data.code not in codes:
            codes.append(data.code)
    return codes


def app_user(stored: Mapping[str, Any]) -> str | None:
    """The app user (externalUserId) a Push send went to, if it named one."""
    return next((s.external_user_id for s in rest_steps(stored) if s.external_user_id), None)
