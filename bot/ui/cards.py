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
from bot.telegram.limits import MESSAGE_LIMIT, cut_plain, fit_message, visible_length
from bot.ui.i18n import Html, Translator
from bot.ui.timefmt import TimeFormat
from provider.channels import CHANNEL_RULES, MessageType
from provider.messages import describe_seconds
from provider.phone import format_international, mask_phone
from provider.reports import ERROR_NAMES, error_name
from provider.sms import sms_parts
from provider.violations import describe
from storage import Send, SendState, StepStatus

FORM_TEXT_LIMIT = 2000
"""The longest message text a channel takes: shown whole on the form card..."""
SHORTEST_TEXT_SHOWN = 25
"""...unless the card would not fit in a message, when the texts (and every other value
typed) are shown shorter, down to this: a cascade of six steps with every field long."""
PREVIEW_ROOM = 1000
"""Characters the JSON preview gets at least, before it is cut to the room left."""


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


def form_card(
    draft: Draft,
    account: PlatformAccount,
    t: Translator,
    *,
    problems: list[str],
    preview: dict[str, object] | None,
    several_accounts: bool,
) -> Card:
    # Within one message: the texts shown shorter while the card (with room for the JSON
    # preview, when asked for) would not fit, then the preview cut to the room left.
    text_limit = FORM_TEXT_LIMIT
    while True:
        lines = _form_lines(draft, account, t, problems, several_accounts, text_limit)
        wanted = visible_length("\n".join(lines)) + (PREVIEW_ROOM if preview is not None else 0)
        if wanted <= MESSAGE_LIMIT or text_limit <= SHORTEST_TEXT_SHOWN:
            break
        text_limit //= 2
    if preview is not None:
        text = json.dumps(preview, ensure_ascii=False, indent=1)
        room = MESSAGE_LIMIT - visible_length("\n".join(lines)) - 2  # the blank line before
        lines.append("")
        lines.append(
            '<pre><code class="language-json">'
            f"{html.escape(cut_plain(text, max(room, 1)), quote=False)}</code></pre>"
        )
    keyboard = _form_keyboard(draft, account, t, several_accounts=several_accounts)
    return Card(fit_message("\n".join(lines)), keyboard)


def _form_lines(
    draft: Draft,
    account: PlatformAccount,
    t: Translator,
    problems: list[str],
    several_accounts: bool,
    text_limit: int,
) -> list[str]:
    lines = [sandbox_mark(account, t) + t("form-title", channels=draft.channels_label)]
    if several_accounts:
        lines.append(t("card-account", account=account.name))
    lines.append(t("form-phone", phone=_phone(draft.phone, t)))
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
        lines.extend(_step_lines(step, t, text_limit))
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
    if problems:
        lines.append("")
        lines.append(t("form-problems"))
        lines.extend(f"• {problem}" for problem in problems)
    return lines


def _phone(phone: str | None, t: Translator) -> str:
    return format_international(phone) if phone else t("form-missing")


def _step_lines(step: StepDraft, t: Translator, text_limit: int) -> list[str]:
    def shown(value: str) -> str:
        return cut_plain(value, text_limit)

    lines = []
    if step.channel is MessageType.FLASHINGCALL:
        code = step.text or ""
        lines.append(t("form-code", code=code, spaced=" ".join(code)))
    else:
        if CHANNEL_RULES[step.channel].sender_allowed:
            # The default's words are HTML of our own (in italics), not a typed value.
            sender = shown(step.sender) if step.sender else Html(t("form-default-sender"))
            lines.append(t("form-sender", sender=sender))
        if step.title:
            lines.append(t("form-push-title", title=shown(step.title)))
        if step.text:
            # The parts line below counts the whole text.
            lines.append(t("form-text", text=shown(step.text)))
        elif not step.image_url:
            lines.append(t("form-text", text=t("form-missing")))
        if step.image_url:
            lines.append(t("form-image", url=shown(step.image_url)))
        if step.button_caption or step.button_action:
            lines.append(
                t(
                    "form-button",
                    caption=shown(step.button_caption or "—"),
                    action=shown(step.button_action or "—"),
                )
            )
        if step.link:
            lines.append(t("form-link", link=shown(step.link)))
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
        builder.button(
            text=text,
            callback_data=FormCallback(form=draft.form_id, action=action, value=value),
        )

    builder = InlineKeyboardBuilder()
    button(t("button-send"), FormAction.SEND)
    button(t("button-cancel"), FormAction.CANCEL)
    sizes = [2]
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
        lines.append(t("status-unknown"))
    elif send.state is SendState.SUBMITTING:
        lines.append(t("status-submitting"))
    for number, step in enumerate(steps, start=1):
        lines.append(_status_line(number, step, t, times))
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("button-refresh"),
        callback_data=CardCallback(send_id=send.id, action=CardAction.REFRESH),
    )
    resend_safely = account is None or account.can_resend_safely
    if send.state is SendState.UNKNOWN and can_repeat and resend_safely:
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
