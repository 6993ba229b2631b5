"""What the operator sees: the form card before sending and the status card after.

Every string that came from a person or the platform is escaped (via the translator's
arguments or `html.escape` here); the card is HTML.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import ValidationError

from bot.sending.drafts import Draft, StepDraft
from bot.sending.platform import Platform, PlatformAccount
from bot.sending.service import SendService
from bot.telegram.callbacks import CardAction, CardCallback, FormAction, FormCallback
from bot.ui.i18n import Translator
from bot.ui.timefmt import TimeFormat
from provider.channels import CHANNEL_RULES, MessageType
from provider.messages import describe_seconds
from provider.phone import (
    PhoneDoubt,
    country_name,
    format_international,
    mask_phone,
    region_name,
)
from provider.reports import ERROR_NAMES, error_name
from provider.sms import sms_parts
from provider.violations import describe
from storage import Send, SendState, StepStatus

# Telegram's limit is 4096 characters; the JSON preview is cut to leave room for the rest.
JSON_PREVIEW_LIMIT = 2500


@dataclass(frozen=True, slots=True)
class Card:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


def explain_violations(exc: ValidationError, t: Translator) -> list[str]:
    """Each broken rule in the operator's language (the provider's English as a fallback)."""
    lines = []
    for violation in describe(exc):
        key = "rule-" + violation.rule.replace("_", "-")
        if t.has(key):
            lines.append(t(key, **{k: str(v) for k, v in violation.context.items()}))
        else:
            lines.append(html.escape(str(violation), quote=False))
    return lines


def sandbox_mark(account: PlatformAccount, t: Translator) -> str:
    return t("card-sandbox") + "\n" if account.is_sandbox else ""


def chain_label(channels: Sequence[str]) -> str:
    """``Viber → SMS``: a send's steps by their message types."""
    return " → ".join(CHANNEL_RULES[MessageType(channel)].label for channel in channels)


# -- the form card ---------------------------------------------------------------------


def render_form(draft: Draft, platform: Platform, sending: SendService, t: Translator) -> Card:
    """The form card for a draft: its problems listed, the JSON preview when asked for.
    Every field it shows is one the request carries, as it will be sent."""
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
        region=sending.default_region,
    )


def form_card(
    draft: Draft,
    account: PlatformAccount,
    t: Translator,
    *,
    problems: list[str],
    preview: dict[str, object] | None,
    several_accounts: bool,
    region: str,
) -> Card:
    lines = [sandbox_mark(account, t) + t("form-title", channels=draft.channels_label)]
    if several_accounts:
        lines.append(t("card-account", account=account.name))
    lines.append(t("form-phone", phone=_phone(draft.phone, t)))
    if draft.phone and draft.phone_doubts:
        lines.extend(_phone_doubts(draft.phone, draft.phone_doubts, region, t))
    for number, step in enumerate(draft.steps, start=1):
        if len(draft.steps) > 1:
            lines.append("")
            lines.append(
                t("form-step", number=number, channel=step.label)
                if step.resend_if_not is None
                else t(
                    "form-step-after",
                    number=number,
                    channel=step.label,
                    state=step.resend_if_not.value,
                )
            )
        lines.extend(_step_lines(step, t))
    if not draft.schedule.empty:
        s = draft.schedule
        lines.append(
            t(
                "form-schedule",
                begin=s.time_begin or "—",
                end=s.time_end or "—",
                weekdays=s.weekdays or "1234567",
                deadline=s.deadline or "—",
            )
        )
        lines.append(
            t("form-schedule-subscriber-zone")
            if s.subscriber_time_zone
            else t("form-schedule-sender-zone")
        )
    if problems:
        lines.append("")
        lines.append(t("form-problems"))
        lines.extend(f"• {problem}" for problem in problems)
    if preview is not None:
        text = json.dumps(preview, ensure_ascii=False, indent=1)
        if len(text) > JSON_PREVIEW_LIMIT:
            text = text[:JSON_PREVIEW_LIMIT] + "\n…"
        lines.append("")
        lines.append(
            f'<pre><code class="language-json">{html.escape(text, quote=False)}</code></pre>'
        )
    keyboard = _form_keyboard(draft, account, t, several_accounts=several_accounts)
    return Card("\n".join(lines), keyboard)


def _phone(phone: str | None, t: Translator) -> str:
    return format_international(phone) if phone else t("form-missing")


def _phone_doubts(
    phone: str, doubts: Sequence[PhoneDoubt], region: str, t: Translator
) -> list[str]:
    """The number as read, with its country, and why it is asked about."""
    country = country_name(phone, t.language) or "+" + phone[:3]
    lines = [t("form-phone-question", country=country)]
    if PhoneDoubt.FOREIGN in doubts:
        lines.append(t("form-phone-foreign", region=region_name(region, t.language)))
    if PhoneDoubt.DIGITS in doubts:
        lines.append(t("form-phone-digits"))
    return lines


def _step_lines(step: StepDraft, t: Translator) -> list[str]:
    lines = []
    if step.channel is MessageType.FLASHINGCALL:
        code = step.text or ""
        lines.append(t("form-code", code=code, spaced=" ".join(code)))
    else:
        if CHANNEL_RULES[step.channel].sender_allowed:
            lines.append(t("form-sender", sender=step.sender or t("form-default-sender")))
        if step.title:
            lines.append(t("form-push-title", title=step.title))
        if step.text:
            lines.append(t("form-text", text=step.text))
        elif not step.image_url:
            lines.append(t("form-text", text=t("form-missing")))
        if step.image_url:
            lines.append(t("form-image", url=step.image_url))
        if step.button_caption or step.button_action:
            lines.append(
                t(
                    "form-button",
                    caption=step.button_caption or "—",
                    action=step.button_action or "—",
                )
            )
        if step.link:
            lines.append(t("form-link", link=step.link))
        if step.channel is MessageType.SMS and step.text:
            parts = sms_parts(step.text)
            lines.append(
                t(
                    "form-sms-parts",
                    parts=parts.parts,
                    encoding=parts.encoding,
                    units=parts.units,
                )
            )
    ttl = describe_seconds(step.ttl_seconds) if step.ttl_seconds else t("form-ttl-default")
    lines.append(t("form-ttl", ttl=ttl))
    return lines


def _form_keyboard(
    draft: Draft, account: PlatformAccount, t: Translator, *, several_accounts: bool
) -> InlineKeyboardMarkup:
    def button(text: str, action: FormAction, value: str = "") -> None:
        builder.button(text=text, callback_data=form_button(draft, action, value))

    builder = InlineKeyboardBuilder()
    sizes = []
    if draft.phone and draft.phone_doubts:
        country = country_name(draft.phone, t.language) or "+" + draft.phone[:3]
        button(t("button-confirm-phone", country=country), FormAction.CONFIRM_PHONE)
        sizes.append(1)
    button(t("button-send"), FormAction.SEND)
    button(t("button-cancel"), FormAction.CANCEL)
    sizes.append(2)
    row = 0
    button(t("button-edit-phone"), FormAction.EDIT, "phone")
    row += 1
    if draft.kind != "cascade":
        step = draft.first
        if step.channel is MessageType.FLASHINGCALL:
            button(t("button-edit-code"), FormAction.EDIT, "text")
        else:
            button(t("button-edit-text"), FormAction.EDIT, "text")
        row += 1
        extras = {
            MessageType.PUSH: [("button-edit-title", "title")],
            MessageType.TELEGRAM: [("button-edit-link", "link")],
            MessageType.VIBER: [("button-edit-image", "image"), ("button-edit-button", "button")],
            MessageType.WHATSAPP: [("button-edit-image", "image")],
        }.get(step.channel, [])
        for key, field in extras:
            button(t(key), FormAction.EDIT, field)
            row += 1
        button(t("button-ttl"), FormAction.TTL)
        row += 1
        if CHANNEL_RULES[step.channel].sender_allowed and len(account.senders) > 1:
            button(t("button-sender"), FormAction.SENDER)
            row += 1
    sizes.extend([2] * (row // 2) + ([1] if row % 2 else []))
    if draft.kind == "cascade":
        button(t("button-edit-text"), FormAction.EDIT, "text")
        sizes.append(1)
        for index, step in enumerate(draft.steps):
            number = index + 1
            if index:
                button(f"{number} ⬆️", FormAction.STEP, f"up.{index}")
                state = step.resend_if_not.value if step.resend_if_not else ""
                button(f"{number} ⇄ {state}", FormAction.STEP, f"state.{index}")
            button(f"{number} ✖ {step.label}", FormAction.STEP, f"del.{index}")
            sizes.append(3 if index else 1)
        button(t("button-add-step"), FormAction.STEP, "add")
        sizes.append(1)
    tail = 0
    if several_accounts:
        button(t("button-account"), FormAction.NEXT_ACCOUNT)
        tail += 1
    if draft.kind == "flashcall":
        state = t("on") if len(draft.steps) > 1 else t("off")
        button(t("button-fallback", state=state), FormAction.FALLBACK)
        tail += 1
    if draft.kind in ("send", "sms"):
        button(t("button-schedule"), FormAction.EDIT, "schedule")
        tail += 1
    button(t("button-json"), FormAction.JSON)
    tail += 1
    sizes.append(tail)
    builder.adjust(*sizes)
    return builder.as_markup()


def form_button(draft: Draft, action: FormAction, value: str = "") -> FormCallback:
    """A button acting on this drawing of the form (its version)."""
    return FormCallback(form=draft.form_id, action=action, value=value, version=draft.version)


# -- the status card -------------------------------------------------------------------


def status_card(
    send: Send,
    steps: list[StepStatus],
    account: PlatformAccount | None,
    t: Translator,
    *,
    several_accounts: bool,
    can_repeat: bool,
    times: TimeFormat,
) -> Card:
    chain = chain_label(send.steps)
    header = (sandbox_mark(account, t) if account else "") + t(
        "status-title", channels=chain, phone=mask_phone(send.destination)
    )
    lines = [header]
    if several_accounts and account is not None:
        lines.append(t("card-account", account=account.name))
    if send.mt_num:
        lines.append(t("status-mtnum", mt_num=send.mt_num))
    elif send.legacy_id:
        lines.append(t("status-legacy-id", legacy_id=send.legacy_id))
    lines.append(t("status-partner-id", partner_id=send.partner_id))
    if send.state is SendState.FAILED:
        lines.append(t("status-failed", error=send.error or ""))
    elif send.state is SendState.UNKNOWN:
        lines.append(t("status-unknown", error=send.error or ""))
        lines.append(_unknown_resolution(account, t))
    elif send.state is SendState.SUBMITTING:
        lines.append(t("status-submitting"))
    for number, step in enumerate(steps, start=1):
        lines.append(_status_line(number, step, t, times))
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


def _status_line(number: int, step: StepStatus, t: Translator, times: TimeFormat) -> str:
    label = CHANNEL_RULES[MessageType(step.step_type)].label
    if step.status is None:
        return t("status-step-waiting", number=number, channel=label)
    when = times.clock(step.updated_at) if step.updated_at else ""
    if step.status in ("UNDELIVERED", "not_deliver", "expired") and step.error_code:
        name = error_name(MessageType(step.step_type), step.error_code)
        reason_key = "reason-" + ERROR_NAMES.get(step.error_code, "unknown")
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
