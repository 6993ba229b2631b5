"""The form card: what will be sent, every field with a button to change it, ✅ and ✖️.

Every field it shows is one the request carries, as it will be sent; it fits one message
(long values shown shorter first, then the JSON preview cut to the room left). Outside a
private chat every member reads it: the subscriber's number is masked but its last four
digits, on the card and in its JSON preview; the form's author gets the whole number
from a button, in an alert only they see.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import ValidationError

from bot.sending.codes import code_of
from bot.sending.drafts import Draft, StepDraft
from bot.sending.platform import Platform, PlatformAccount
from bot.sending.service import SendService
from bot.telegram.callbacks import (
    FORM_KINDS,
    FormAction,
    FormCallback,
)
from bot.telegram.limits import (
    MESSAGE_LIMIT,
    cut_plain,
    fit_message,
    utf16_length,
    visible_length,
)
from bot.ui.cards import Card, chain_label, channel_label, sandbox_mark
from bot.ui.i18n import Html, Translator
from bot.ui.timefmt import duration
from bot.ui.violations import explain_violations
from provider.channels import CHANNEL_RULES, CascadeState, MessageType
from provider.phone import (
    PhoneDoubt,
    country_name,
    format_international,
    mask_phone,
    region_name,
)
from provider.sms import sms_parts

FORM_TEXT_LIMIT = 2000
"""The longest message text a channel takes: shown whole on the form card..."""


SHORTEST_TEXT_SHOWN = 25
"""...unless the card would not fit in a message, when the texts (and every other value
typed) are shown shorter, down to this: a cascade of six steps with every field long."""


PREVIEW_ROOM = 1000
"""Characters the JSON preview gets at least, before it is cut to the room left."""


def render_form(
    draft: Draft, platform: Platform, sending: SendService, t: Translator, *, private_chat: bool
) -> Card:
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
    if preview is not None and draft.phone and not private_chat:
        preview = masked_number(preview, draft.phone)
    return form_card(
        draft,
        account,
        t,
        problems=problems,
        preview=preview,
        several_accounts=platform.several,
        private_chat=private_chat,
        region=sending.default_region,
    )


def masked_number(preview: dict[str, object], digits: str) -> dict[str, object]:
    """The preview with the subscriber's number masked wherever it is written (the REST
    and the legacy bodies put it in different places, some as a number)."""

    def mask(value: object) -> object:
        if isinstance(value, str):
            return value.replace(digits, mask_phone(digits))
        if isinstance(value, int) and not isinstance(value, bool) and str(value) == digits:
            return mask_phone(digits)
        if isinstance(value, dict):
            return {key: mask(item) for key, item in value.items()}
        if isinstance(value, list):
            return [mask(item) for item in value]
        return value

    return {key: mask(value) for key, value in preview.items()}


def form_card(
    draft: Draft,
    account: PlatformAccount,
    t: Translator,
    *,
    problems: list[str],
    preview: dict[str, object] | None,
    several_accounts: bool,
    private_chat: bool,
    region: str,
) -> Card:
    # Within one message: the texts shown shorter while the card and the JSON preview (when
    # asked for: the request whole, the texts in it too) would not fit, then the preview
    # cut to the room left.
    preview_text = json.dumps(preview, ensure_ascii=False, indent=1) if preview is not None else ""
    preview_room = max(PREVIEW_ROOM, utf16_length(preview_text) + 2)  # and the blank line
    text_limit = FORM_TEXT_LIMIT
    while True:
        lines = _form_lines(
            draft,
            account,
            t,
            problems=problems,
            several_accounts=several_accounts,
            private_chat=private_chat,
            region=region,
            text_limit=text_limit,
        )
        wanted = visible_length("\n".join(lines)) + (preview_room if preview is not None else 0)
        if wanted <= MESSAGE_LIMIT or text_limit <= SHORTEST_TEXT_SHOWN:
            break
        text_limit //= 2
    if preview is not None:
        room = MESSAGE_LIMIT - visible_length("\n".join(lines)) - 2  # the blank line before
        lines.append("")
        lines.append(
            '<pre><code class="language-json">'
            f"{html.escape(cut_plain(preview_text, max(room, 1)), quote=False)}</code></pre>"
        )
    keyboard = _form_keyboard(
        draft, account, t, several_accounts=several_accounts, private_chat=private_chat
    )
    return Card(fit_message("\n".join(lines)), keyboard)


def _form_lines(
    draft: Draft,
    account: PlatformAccount,
    t: Translator,
    *,
    problems: list[str],
    several_accounts: bool,
    private_chat: bool,
    region: str,
    text_limit: int,
) -> list[str]:
    voice = account.voice_code
    channels = chain_label([step.channel.value for step in draft.steps], voice_code=voice)
    lines = [sandbox_mark(account, t) + t("form-title", channels=channels)]
    if several_accounts:
        lines.append(t("card-account", account=account.name))
    if draft.app_user is not None:
        lines.append(t("form-app-user", user=draft.app_user))
    else:
        lines.append(t("form-phone", phone=_phone(draft.phone, t, private_chat=private_chat)))
    if draft.phone and draft.phone_doubts:
        lines.extend(_phone_doubts(draft.phone, draft.phone_doubts, region, t))
    for number, step in enumerate(draft.steps, start=1):
        label = channel_label(step.channel.value, voice_code=voice)
        if len(draft.steps) > 1:
            lines.append("")
            lines.append(
                t("form-step", number=number, channel=label)
                if step.resend_if_not is None
                else t(
                    "form-step-after",
                    number=number,
                    channel=label,
                    state=step.resend_if_not.value,
                )
            )
        lines.extend(_step_lines(step, t, text_limit, legacy=account.is_legacy))
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
    lines.extend(_legacy_lines(draft, t))
    if problems:
        lines.append("")
        lines.append(t("form-problems"))
        lines.extend(f"• {problem}" for problem in problems)
    return lines


def _phone(phone: str | None, t: Translator, *, private_chat: bool) -> str:
    if not phone:
        return Html(t("form-missing"))
    return format_international(phone) if private_chat else mask_phone(phone)


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


def _step_lines(
    step: StepDraft, t: Translator, text_limit: int, *, legacy: bool = False
) -> list[str]:
    def shown(value: str) -> str:
        return cut_plain(value, text_limit)

    lines = []
    if step.channel is MessageType.FLASHINGCALL:
        lines.extend(_code_lines(step.text, t, shown))
    elif legacy and step.channel is MessageType.VK:
        # The legacy API sends VK by its template alone: no text, no sender, no lifetime.
        return [_template_line(step, t)]
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
            lines.append(t("form-text", text=Html(t("form-missing"))))
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
        if step.extra_options:
            options = {str(o["param_name"]): o["param_value"] for o in step.extra_options}
            shown_options = shown(json.dumps(options, ensure_ascii=False))
            lines.append(t("form-push-options", options=shown_options))
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
    ttl = duration(step.ttl_seconds, t) if step.ttl_seconds else t("form-ttl-default")
    lines.append(t("form-ttl", ttl=ttl))
    return lines


def _code_lines(text: str | None, t: Translator, shown: Callable[[str], str]) -> list[str]:
    """A FlashingCall's (VoiceCode's) code, big, and the text around it when there is one."""
    code = code_of(text)
    lines = [t("form-code", code=code or "—", spaced=" ".join(code))]
    if text and text != code:
        lines.append(t("form-text", text=shown(text)))
    return lines


def _template_line(step: StepDraft, t: Translator) -> str:
    if step.template_id is None:
        return t("form-template", template=Html(t("form-missing")))
    data = json.dumps(step.template_data, ensure_ascii=False) if step.template_data else ""
    return t("form-template", template=f"{step.template_id} {data}".strip())


def _legacy_lines(draft: Draft, t: Translator) -> list[str]:
    """A legacy send's time and delivery name (seed 003, lines 73-74)."""
    lines = []
    if draft.legacy.time_send is not None:
        lines.append(t("form-send-time", time=draft.legacy.time_send))
    if draft.legacy.name_delivery is not None:
        lines.append(t("form-delivery-name", name=draft.legacy.name_delivery))
    return lines


def _form_keyboard(
    draft: Draft,
    account: PlatformAccount,
    t: Translator,
    *,
    several_accounts: bool,
    private_chat: bool,
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
    legacy_vk = account.is_legacy and any(s.channel is MessageType.VK for s in draft.steps)
    if draft.phone and not private_chat:
        button(t("button-show-phone"), FormAction.REVEAL)
        row += 1
    if draft.kind != "cascade":
        step = draft.first
        if step.channel is MessageType.FLASHINGCALL:
            button(t("button-edit-code"), FormAction.EDIT, "text")
        elif legacy_vk:
            button(t("button-edit-template"), FormAction.EDIT, "template")
        else:
            button(t("button-edit-text"), FormAction.EDIT, "text")
        row += 1
        extras = {
            MessageType.PUSH: [("button-edit-title", "title"), ("button-edit-options", "options")],
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
        if draft.kind in ("flashcall", "voicecode") and len(draft.steps) > 1:
            # The "SMS if no call" is sent as the card shows it: its text is the operator's.
            button(t("button-edit-sms-text"), FormAction.EDIT, "sms-text")
            row += 1
    sizes.extend([2] * (row // 2) + ([1] if row % 2 else []))
    if draft.kind == "cascade":
        button(t("button-edit-text"), FormAction.EDIT, "text")
        if legacy_vk:
            button(t("button-edit-template"), FormAction.EDIT, "template")
        sizes.append(2 if legacy_vk else 1)
        for index, step in enumerate(draft.steps):
            # Each button says what it does to which step (the card numbers the steps):
            # move it up, remove it, and switch the state the previous step must miss.
            number = index + 1
            if index:
                button(t("button-step-up", number=number), FormAction.STEP, f"up.{index}")
            button(t("button-step-remove", number=number), FormAction.STEP, f"del.{index}")
            sizes.append(2 if index else 1)
            if index:
                other = (
                    CascadeState.DELIVERED
                    if step.resend_if_not is CascadeState.READ
                    else CascadeState.READ
                )
                switch = t("button-step-state", number=number, state=other.value)
                button(switch, FormAction.STEP, f"state.{index}")
                sizes.append(1)
        button(t("button-add-step"), FormAction.STEP, "add")
        sizes.append(1)
    if account.is_legacy and account.transport != "get":
        # No delivery windows on the legacy API: a send time and a delivery name instead,
        # which JSON and XML carry (GET does not: seed 003, lines 9-32, 73-74).
        button(t("button-send-time"), FormAction.EDIT, "send-time")
        button(t("button-delivery-name"), FormAction.EDIT, "delivery-name")
        sizes.append(2)
    tail = 0
    if several_accounts:
        button(t("button-account"), FormAction.NEXT_ACCOUNT)
        tail += 1
    if draft.kind in ("flashcall", "voicecode"):
        state = t("on") if len(draft.steps) > 1 else t("off")
        button(t("button-fallback", state=state), FormAction.FALLBACK)
        tail += 1
    if not account.is_legacy and draft.kind in ("send", "sms"):
        button(t("button-schedule"), FormAction.EDIT, "schedule")
        tail += 1
    button(t("button-json"), FormAction.JSON)
    tail += 1
    sizes.append(tail)
    builder.adjust(*sizes)
    return builder.as_markup()


def form_button(draft: Draft, action: FormAction, value: str = "") -> FormCallback:
    """A button acting on this drawing of the form (its version)."""
    return FormCallback(
        form=draft.form_id,
        action=action,
        value=value,
        version=draft.version,
        kind=FORM_KINDS[draft.kind],
        author=draft.author,
    )
