"""The status card: a send's mtNum, its outcome (accepted, refused, unknown) and each step's
status as reports arrive, edited in place by the notifier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.sending.legacy_fit import CHAIN_STEP
from bot.sending.platform import PlatformAccount
from bot.sending.stored import flashcall_codes, rest_steps
from bot.telegram.callbacks import (
    CardAction,
    CardCallback,
)
from bot.ui.cards import Card, chain_label, channel_label, recipient_label, sandbox_mark
from bot.ui.i18n import Translator
from bot.ui.timefmt import TimeFormat, duration
from provider.channels import CascadeState, MessageType
from provider.legacy import ERROR_STATE
from provider.reports import ERROR_NAMES, DeliveryStatus, error_name, lifetime_ran_out
from provider.request import CascadeStep
from storage import Send, SendState, StepStatus


def status_card(
    send: Send,
    steps: list[StepStatus],
    account: PlatformAccount | None,
    t: Translator,
    *,
    several_accounts: bool,
    can_repeat: bool,
    times: TimeFormat,
    legacy_errors: Mapping[str, str] | None = None,
) -> Card:
    """`legacy_errors`: the legacy API's error text for each step that ended in one."""
    voice = account is not None and account.voice_code
    chain = chain_label(send.steps, voice_code=voice)
    header = (sandbox_mark(account, t) if account else "") + t(
        "status-title", channels=chain, phone=recipient_label(send, t)
    )
    lines = [header]
    if several_accounts and account is not None:
        lines.append(t("card-account", account=account.name))
    if send.mt_num:
        lines.append(t("status-mtnum", mt_num=send.mt_num))
    elif send.legacy_id:
        lines.append(t("status-legacy-id", legacy_id=send.legacy_id))
    lines.append(t("status-partner-id", partner_id=send.partner_id))
    # The code stays the thing shown big on every view of the send (issue #20).
    for code in flashcall_codes(send.request):
        lines.append(t("form-code", code=code, spaced=" ".join(code)))
    if send.state is SendState.FAILED:
        lines.append(t("status-failed", error=send.error or ""))
    elif send.state is SendState.UNKNOWN:
        lines.append(t("status-unknown", error=send.error or ""))
        lines.append(_unknown_resolution(account, t))
    elif send.state is SendState.SUBMITTING:
        lines.append(t("status-submitting"))
    lines.extend(
        _status_lines(
            send,
            steps,
            t,
            times,
            voice_code=voice,
            get_chain=_over_get(send, account),
            legacy_errors=legacy_errors or {},
        )
    )
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("button-refresh"),
        callback_data=CardCallback(send_id=send.id, action=CardAction.REFRESH),
    )
    unknown = send.state is SendState.UNKNOWN
    if unknown and can_repeat and account is not None and account.same_id_is_safe:
        builder.button(
            text=t("button-retry"),
            callback_data=CardCallback(send_id=send.id, action=CardAction.RETRY),
        )
    if can_repeat:
        builder.button(
            text=t("button-repeat"),
            callback_data=CardCallback(send_id=send.id, action=CardAction.REPEAT),
        )
    return Card("\n".join(lines), builder.as_markup())


def _over_get(send: Send, account: PlatformAccount | None) -> bool:
    """A cascade over legacy GET, whose state answers say nothing per channel."""
    return account is not None and account.transport == "get" and len(send.steps) > 1


def _status_lines(
    send: Send,
    steps: list[StepStatus],
    t: Translator,
    times: TimeFormat,
    *,
    voice_code: bool,
    get_chain: bool,
    legacy_errors: Mapping[str, str],
) -> list[str]:
    plan = rest_steps(send.request)
    by_position = {s.position: s for s in steps if s.position is not None}
    # The platform spoke of the whole chain only (GET, or an error text for the message):
    # a channel without a state of its own is not waiting for one.
    whole_only = get_chain or any(s.step_type == CHAIN_STEP and s.final for s in steps)
    lines = []
    for number, step in enumerate(steps, start=1):
        when = times.clock(step.updated_at) if step.updated_at else ""
        if step.step_type == CHAIN_STEP:
            lines.append(t("status-chain", status=step.status or "", time=when))
            if step.step_type in legacy_errors:
                lines.append(t("status-platform-text", text=legacy_errors[step.step_type]))
            continue
        label = _step_label(step.step_type, voice_code=voice_code)
        if step.status is None and whole_only:
            lines.append(t("status-step-not-reported", number=number, channel=label))
            continue
        ended = _chain_ended_before(step, by_position, plan)
        if ended is not None:
            at, reached = ended
            lines.append(
                t(
                    "status-step-not-needed",
                    number=number,
                    channel=label,
                    state=reached.value,
                    step=at + 1,
                    right_before="yes" if at + 1 == step.position else "no",
                )
            )
            continue
        lapse = _lapse(step, by_position, plan)
        if lapse is not None:
            state, ttl = lapse
            lines.append(
                t(
                    "status-step-lapsed",
                    number=number,
                    channel=label,
                    status=step.status or "—",
                    state=state.value,
                    ttl=duration(ttl, t) if ttl else t("status-ttl-default"),
                    time=when,
                )
            )
            continue
        lines.append(_status_line(number, step, t, times, label=label))
        if step.status == ERROR_STATE and step.step_type in legacy_errors:
            lines.append(t("status-platform-text", text=legacy_errors[step.step_type]))
    if get_chain:
        lines.append(t("status-get-note"))
    return lines


def _step_label(step_type: str, *, voice_code: bool) -> str:
    try:
        return channel_label(step_type, voice_code=voice_code)
    except ValueError:  # a type the platform reported that we do not know
        return step_type


def _chain_ended_before(
    step: StepStatus, by_position: Mapping[int, StepStatus], plan: Sequence[CascadeStep]
) -> tuple[int, CascadeState] | None:
    """For a cascade step never sent because an earlier step got the state its next link
    waits for (seed 000, line 11: the next link goes only when that state was not
    reached, so the chain ends there): that step's position and the state; None for a
    step that ran, or may still run. Not "waiting for a status" for ever."""
    position = step.position
    if step.status is not None or position is None or not 0 < position < len(plan):
        return None
    # READ is DELIVERED too; DELIVERED is not READ (READ may still come, or the time run out).
    enough = {CascadeState.DELIVERED: ("DELIVERED", "READ"), CascadeState.READ: ("READ",)}
    for earlier in range(position):
        wanted = plan[earlier + 1].resend_if_not
        reported = by_position.get(earlier)
        if wanted is not None and reported is not None and reported.status in enough[wanted]:
            return earlier, wanted
    return None


def _lapse(
    step: StepStatus, by_position: Mapping[int, StepStatus], plan: Sequence[CascadeStep]
) -> tuple[CascadeState, int | None] | None:
    """For a cascade step passed over because its lifetime ran out (seed 000, line 11):
    the state the next step waited for, and the step's lifetime (None: the account's
    default); None when it was not (it failed, it got there, or the chain is still on it)."""
    position = step.position
    if position is None or position + 1 >= len(plan):
        return None
    following = by_position.get(position + 1)
    wanted = plan[position + 1].resend_if_not
    if following is None or wanted is None:
        return None
    if step.status is not None and step.status not in DeliveryStatus.__members__:
        return None  # a legacy state: the legacy API says what became of each channel
    status = DeliveryStatus[step.status] if step.status is not None else None
    if not lifetime_ran_out(status, wanted, next_step_started=following.status is not None):
        return None
    return wanted, plan[position].ttl_seconds


def repeat_warning_card(card: Card, send: Send, t: Translator) -> Card:
    """The card of a send the platform may have, asking for a second tap on "send again"."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("button-repeat-anyway"),
        callback_data=CardCallback(send_id=send.id, action=CardAction.REPEAT_ANYWAY),
    )
    builder.button(
        text=t("button-refresh"),
        callback_data=CardCallback(send_id=send.id, action=CardAction.REFRESH),
    )
    return Card(card.text + "\n\n" + t("status-repeat-warning"), builder.as_markup())


def _unknown_resolution(account: PlatformAccount | None, t: Translator) -> str:
    """How an unknown outcome will settle on this account, and what the operator may do."""
    if account is None:
        return t("status-unknown-settles-report")
    if account.is_legacy:
        if account.same_id_is_safe:
            return t("status-unknown-settles-legacy")
        return t("status-unknown-settles-never")
    if account.duplicate_control:
        return t("status-unknown-settles-report-retry")
    return t("status-unknown-settles-report")


def _status_line(
    number: int, step: StepStatus, t: Translator, times: TimeFormat, *, label: str
) -> str:
    if step.status is None:
        return t("status-step-waiting", number=number, channel=label)
    when = times.clock(step.updated_at) if step.updated_at else ""
    failed = step.status in ("UNDELIVERED", "not_deliver", "expired")
    if failed and (step.error_code or step.status == "UNDELIVERED"):
        # An UNDELIVERED report without an errorCode gave no reason: "unknown".
        code = step.error_code or 1
        name = error_name(MessageType(step.step_type), code) if step.error_code else "unknown"
        reason_key = "reason-" + ERROR_NAMES.get(code, "unknown")
        reason = t(reason_key) if t.has(reason_key) else ""
        return t(
            "status-step-failed",
            number=number,
            channel=label,
            status=step.status,
            error=name,
            reason=reason,
            time=when,
        )
    return t("status-step", number=number, channel=label, status=step.status, time=when)
