"""What the operator sees: the form card before sending and the status card after.

Every string that came from a person or the platform is escaped (via the translator's
arguments or `html.escape` here); the card is HTML.

Outside a private chat every member reads a card: the subscriber's number is masked but its
last four digits, on the form card and in its JSON preview as on the status card; the form's
author gets the whole number from a button, in an alert only they see.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import ValidationError

from bot.sending.codes import code_of
from bot.sending.drafts import Draft, StepDraft
from bot.sending.legacy_fit import CHAIN_STEP
from bot.sending.platform import Platform, PlatformAccount
from bot.sending.service import SendService
from bot.sending.stored import app_user, flashcall_codes, rest_steps
from bot.sending.voice import VOICE_CODE_LABEL
from bot.telegram.callbacks import (
    FORM_KINDS,
    CardAction,
    CardCallback,
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
from bot.ui.i18n import Html, Translator
from bot.ui.timefmt import TimeFormat, duration
from bot.ui.violations import explain_violations
from provider.channels import CHANNEL_RULES, CascadeState, MessageType
from provider.legacy import ERROR_STATE
from provider.phone import (
    PhoneDoubt,
    country_name,
    format_international,
    mask_phone,
    region_name,
)
from provider.reports import ERROR_NAMES, DeliveryStatus, error_name, lifetime_ran_out
from provider.request import CascadeStep
from provider.sms import sms_parts
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

    @property
    def fingerprint(self) -> str:
        """Equal for cards Telegram would show the same (an edit to it is "not modified")."""
        markup = self.keyboard.model_dump_json() if self.keyboard else ""
        return hashlib.sha256(f"{self.text}\0{markup}".encode()).hexdigest()


def sandbox_mark(account: PlatformAccount, t: Translator) -> str:
    return t("card-sandbox") + "\n" if account.is_sandbox else ""


def chain_label(channels: Sequence[str], *, voice_code: bool = False) -> str:
    """``Viber → SMS``: a send's steps by their message types (`voice_code`: the account
    reads its FlashingCalls out, so they are VoiceCodes)."""
    return " → ".join(channel_label(channel, voice_code=voice_code) for channel in channels)


def channel_label(channel: str, *, voice_code: bool = False) -> str:
    """How people call a step's type; a FLASHINGCALL read out is a VoiceCode."""
    if voice_code and channel == MessageType.FLASHINGCALL:
        return VOICE_CODE_LABEL
    return CHANNEL_RULES[MessageType(channel)].label


# -- the form card ---------------------------------------------------------------------


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


def recipient_label(send: Send, t: Translator) -> str:
    """Who a send went to: the masked phone, or the app user of a Push without one."""
    if send.destination:
        return mask_phone(send.destination)
    user = app_user(send.request)
    return t("status-app-user", user=user) if user else "—"


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
        reached = _chain_ended_before(step, by_position, plan)
        if reached is not None:
            lines.append(
                t("status-step-not-needed", number=number, channel=label, state=reached.value)
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
) -> CascadeState | None:
    """For a cascade step never sent because the step before it got there (seed 000, line
    11: the next link goes only when its state was not reached): that state; None for a
    step that ran, or may still run. Not "waiting for a status" for ever."""
    position = step.position
    if step.status is not None or position is None or not 0 < position < len(plan):
        return None
    wanted = plan[position].resend_if_not
    previous = by_position.get(position - 1)
    if wanted is None or previous is None:
        return None
    # READ is DELIVERED too; DELIVERED is not READ (READ may still come, or the time run out).
    enough = {CascadeState.DELIVERED: ("DELIVERED", "READ"), CascadeState.READ: ("READ",)}
    return wanted if previous.status in enough[wanted] else None


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
