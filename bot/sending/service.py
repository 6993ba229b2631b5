"""Submitting a send: persist first, then call the platform, then record what it said.

A send is stored (state `submitting`, a fresh partner id) before the platform hears of it,
so a crash or a timeout never loses it. What the call says is one of three outcomes
(`provider.errors.Outcome`): accepted; refused or not sent (nothing went out: the form
stays for another ✅); unknown (the platform may have it: the card says so, keeps the
id, and settles when a report carrying the id arrives, or - legacy JSON/XML - when the
same request asked again after the platform's minute brings the ids back). Nothing is
sent again behind the operator's back unless the account has duplicate control.
Both API families take this one path: the partner id is the REST ``id`` or the legacy
``client_id_message`` (a number), and the request goes out in the account's own shape
(`bot.sending.legacy_fit` makes the legacy one from the draft).

What is stored is the request as it goes out: the REST request, or for a legacy account
the legacy one (with its client_id_message), which the status card's "send again" reads
back and a retry sends again unchanged, so the platform sees the same content under the
same id. A legacy send is never held to the REST API's rules. (Legacy sends stored by
older versions kept the draft's REST request; those are still read.)
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from pydantic import ValidationError

from bot.reports.urls import ReportUrls
from bot.sending.drafts import Draft, DraftKind, draft_from_request
from bot.sending.inflight import InFlight
from bot.sending.legacy_fit import draft_from_legacy, legacy_request_body, to_legacy_request
from bot.sending.platform import OutgoingRequest, Platform, PlatformAccount
from bot.sending.shown import shown_request
from bot.sending.voice import voice_code_violations
from provider.errors import Outcome, ProviderAPIError, ProviderError, UnreadableAnswerError
from provider.legacy import LegacySendRequest
from provider.legacy.errors import TooSoonError
from provider.logs import log_event
from provider.request import MASK, SendRequest
from storage import (
    ApiFamily,
    AuditRepository,
    NewSend,
    Operator,
    Send,
    SendRepository,
    SendState,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submitted:
    send: Send
    account: PlatformAccount
    error: ProviderError | None = None
    """What the last call raised; None when the platform accepted the send."""

    @property
    def outcome(self) -> Outcome | None:
        """None: accepted (a report may have said so even when the call failed);
        REFUSED or NOT_SENT: nothing went out; UNKNOWN: the platform may have it."""
        if self.send.state is SendState.ACCEPTED:
            return None
        if self.send.state is SendState.UNKNOWN or self.error is None:
            return Outcome.UNKNOWN
        return self.error.outcome


class UnsafeResendError(ProviderError):
    """A send whose outcome is unknown cannot be asked again with its id on this account:
    without duplicate control (REST) or a client_id_message (legacy GET) the platform would
    take the repeat for a second message."""


class SendService:
    def __init__(
        self,
        platform: Platform,
        sends: SendRepository,
        audit: AuditRepository,
        *,
        report_urls: ReportUrls,
        on_card_posted: Callable[[int, int, str], None],
        in_flight: InFlight | None = None,
        default_region: str = "RU",
    ) -> None:
        """`on_card_posted(chat_id, message_id, shown)` is called after a status card is
        posted, with the fingerprint of what it shows: reports may already be waiting for it
        (the card notifier's wake-up), and an edit to the same would be a wasted call.
        `default_region`: the country of numbers operators type without a country code
        (DEFAULT_REGION)."""
        self.default_region = default_region
        self._platform = platform
        self._sends = sends
        self._audit = audit
        self._report_urls = report_urls
        self._on_card_posted = on_card_posted
        self.in_flight = in_flight or InFlight()
        """Sends under way: `drain` lets them finish when the bot stops."""

    def sending(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Around a send and the posting of its card: a stop waits for both."""
        return self.in_flight.sending()

    async def drain(self) -> int:
        """Let sends under way finish (bounded); see `InFlight.drain`."""
        return await self.in_flight.drain()

    async def card_posted(self, send: Send, message_id: int, *, shown: str) -> None:
        """The status card of `send` is message `message_id`; `shown`: the fingerprint of
        what it shows (`bot.ui.cards.Card.fingerprint`)."""
        await self._sends.set_card_message(send.id, message_id)
        self._on_card_posted(send.chat_id, message_id, shown)

    def _notify_url(self, account: PlatformAccount) -> str | None:
        """Where the platform should POST reports: the loopback receiver for the sandbox,
        the public one for real accounts (None: the account's configured URL)."""
        if account.is_legacy:
            return None  # the legacy API has no callbacks: the poller asks
        return self._report_urls.local if account.is_sandbox else self._report_urls.public

    def build(self, draft: Draft, *, partner_id: str | None = None) -> OutgoingRequest:
        """The request a draft makes in the account's API; raises ValidationError naming
        every broken rule.

        A legacy account's request is made from the draft by `bot.sending.legacy_fit`, under
        the legacy API's rules alone (`partner_id` its client_id_message); a REST account's
        also keeps VoiceCode's rule where the account reads its calls out.
        """
        account = self._platform.get(draft.account)
        if account.is_legacy:
            return to_legacy_request(draft, api=account.api, client_id=partner_id)
        request = draft.to_request(partner_id=partner_id, notify_url=self._notify_url(account))
        voice = voice_code_violations(draft, account.name, voice_code=account.voice_code)
        if voice:
            raise ValidationError.from_exception_data("Draft", voice)
        return request

    def preview(self, draft: Draft) -> dict[str, object]:
        """The body the account's API would receive, its login included and its password
        masked (the client adds both when it sends); ValidationError if the draft is
        broken. For the form card's JSON preview: the request as it goes.

        A legacy account's message is shown as its JSON transport carries it, in a list
        beside the credentials (GET and XML carry the same fields in their own shapes)."""
        account = self._platform.get(draft.account)
        body = _stored(self.build(draft))
        credentials: dict[str, object] = {"login": account.config.login, "password": MASK}
        if account.is_legacy:
            return {**credentials, "message": [body]}
        return {**credentials, **body}

    def validate(self, draft: Draft) -> ValidationError | None:
        try:
            self.build(draft)
        except ValidationError as exc:
            return exc
        return None

    async def submit(self, draft: Draft, operator: Operator, chat_id: int) -> Submitted:
        """Send a (valid) draft. Raises ValidationError if it is not valid: nothing is stored."""
        account = self._platform.get(draft.account)
        partner_id = account.new_partner_id()
        outgoing = self.build(draft, partner_id=partner_id)
        send = await self._sends.create_submitting(
            NewSend(
                partner_id=partner_id,
                account_id=account.account_id,
                channel=draft.kind.upper(),
                steps=[step.channel.value for step in draft.steps],
                # "" for a Push to an app user, without a phone: its request names them.
                destination=draft.phone or "",
                request=_stored(outgoing),
                operator_id=operator.user_id,
                chat_id=chat_id,
            )
        )
        details: dict[str, object] = {
            "account": account.name,
            "steps": draft.channels_label,
            "partner_id": partner_id,
        }
        if isinstance(outgoing, LegacySendRequest):
            details["legacy_request"] = outgoing.model_dump(mode="json", exclude_none=True)
        await self._audit.log(operator.user_id, "send", f"send:{send.id}", details)
        return await self._deliver(send, account, outgoing)

    def draft_again(self, send: Send) -> Draft | None:
        """A new form with a stored send's content ("send again"); None when its account is
        no longer configured or its stored request no longer reads."""
        account = self._platform.by_id(send.account_id)
        if account is None:
            return None
        kind: DraftKind = (
            "cascade"
            if len(send.steps) > 1 and send.channel == "CASCADE"
            else "flashcall"
            if send.channel == "FLASHCALL"
            else "voicecode"
            if send.channel == "VOICECODE"
            else "send"
        )
        try:
            if is_legacy_body(send.request):
                legacy = LegacySendRequest.model_validate(send.request)
                return draft_from_legacy(legacy, account.name, kind)
            request = SendRequest.model_validate(send.request)
        except ValidationError:
            return None
        return draft_from_request(request, account.name, kind)

    async def recover_interrupted(self) -> int:
        """Sends a stopped process left `submitting`: whether they went out is unknown now.

        They become `unknown`: their cards say the platform may have them; a report with
        their id, or (legacy JSON/XML) asking again with it, settles them.
        """
        count = 0
        for send in await self._sends.open_sends():
            if send.state is SendState.SUBMITTING:
                await self._sends.mark_unknown(send.id, "interrupted by a restart")
                count += 1
        if count:
            log_event(log, "sends_recovered", count=count)
        return count

    async def retry(self, send: Send, *, redraw_card: bool = False) -> Submitted:
        """Ask the platform again about a send whose outcome is unknown, with its id: only
        where the platform never sends one id twice (`PlatformAccount.same_id_is_safe`).
        `redraw_card`: nobody is editing its card now (the resolver), so an edit is queued."""
        account = self._platform.by_id(send.account_id)
        if account is None:
            raise LookupError(f"send {send.id}: its account is no longer configured")
        if not account.same_id_is_safe:
            raise UnsafeResendError(
                f"send {send.id}: the account has no duplicate control by id; asking again "
                "could send the message twice"
            )
        if is_legacy_body(send.request):
            # The legacy request as it first went, its client_id_message included.
            legacy = LegacySendRequest.model_validate(send.request)
            return await self._deliver(send, account, legacy, redraw_card=redraw_card)
        request = SendRequest.model_validate(send.request).model_copy(
            update={
                "id": send.partner_id,
                "password": None,
                "login": None,
                "notify_url": self._notify_url(account),
            }
        )
        outgoing = self._outgoing(account, request, send.partner_id)
        return await self._deliver(send, account, outgoing, redraw_card=redraw_card)

    async def resolve_unknown(self, *, older_than: timedelta) -> int:
        """Ask the legacy platform again about sends whose outcome is unknown, once its
        minute without identical requests is over (`older_than`); the number settled.

        The same request with the same client_id_message is never sent twice (seed 003):
        the platform answers the message's ids. REST sends settle by their reports instead
        (the platform may return the partner id in them, seed 001). GET has no id to ask by.
        """
        settled = 0
        for send in await self._sends.open_sends(api_family=ApiFamily.LEGACY):
            account = self._platform.by_id(send.account_id)
            if (
                send.state is not SendState.UNKNOWN
                or account is None
                or not account.same_id_is_safe
                or self._sends.now() - send.updated_at < older_than
            ):
                continue
            result = await self.retry(send, redraw_card=True)
            settled += result.outcome is None
        return settled

    def _outgoing(
        self, account: PlatformAccount, request: SendRequest, partner_id: str
    ) -> OutgoingRequest:
        """The request in the shape the account's API takes.

        A legacy send stored by an older version kept the draft's REST request: its legacy
        request is made from it (by way of its draft) as it was at the first try, the same
        content, which the platform needs to recognise a repeated client_id_message.
        """
        if not account.is_legacy:
            return request
        draft = draft_from_request(request, account.name, "send")
        return to_legacy_request(draft, api=account.api, client_id=partner_id)

    async def _deliver(
        self,
        send: Send,
        account: PlatformAccount,
        request: OutgoingRequest,
        *,
        redraw_card: bool = False,
    ) -> Submitted:
        try:
            accepted = await self.in_flight.call(account.send(request))
        except ProviderError as exc:
            return await self._not_accepted(send, account, exc)
        stored = await self._sends.mark_accepted(
            send.id,
            mt_num=accepted.mt_num,
            legacy_id=accepted.legacy_id,
            legacy_ids=accepted.legacy_ids if accepted.legacy_id else None,
            redraw_card=redraw_card,
        )
        log_event(
            log,
            "send_accepted",
            send_id=send.id,
            account=account.name,
            mt_num=accepted.mt_num,
            legacy_id=accepted.legacy_id,
            dest=send.destination,
        )
        return Submitted(stored, account)

    async def _not_accepted(
        self, send: Send, account: PlatformAccount, exc: ProviderError
    ) -> Submitted:
        text = _error_text(exc)
        if exc.outcome is Outcome.UNKNOWN:
            stored = await self._sends.mark_unknown(send.id, text)
        elif send.state is SendState.UNKNOWN and isinstance(exc, TooSoonError):
            stored = send  # not asked at all: the platform's minute is not over yet
        elif send.state is SendState.UNKNOWN:
            # Asked again and refused, or not reached: that says nothing of the first try.
            stored = await self._sends.note_error(send.id, text)
        else:
            stored = await self._sends.mark_failed(send.id, text)
        log_event(
            log,
            "send_not_accepted",
            level=logging.WARNING,
            send_id=send.id,
            account=account.name,
            outcome=exc.outcome.value,
            state=stored.state.value,
            error=type(exc).__name__,
            dest=send.destination,
        )
        return Submitted(stored, account, exc)


def is_legacy_body(request: Mapping[str, object]) -> bool:
    """Whether a stored request is a legacy one (its recipients are ``phones``)."""
    return "phones" in request


def _stored(request: OutgoingRequest) -> dict[str, object]:
    """The request as it may be stored and shown: secrets masked."""
    if isinstance(request, LegacySendRequest):
        return legacy_request_body(request)
    return shown_request(request)


def _error_text(exc: ProviderError) -> str:
    if isinstance(exc, ProviderAPIError):
        if exc.code is None:  # the legacy API answers texts, without codes
            return exc.description
        details = f": {exc.extended_description}" if exc.extended_description else ""
        return f"code {exc.code}: {exc.description}{details}"
    if isinstance(exc, UnreadableAnswerError):
        return f"HTTP {exc.http_status}, an answer that is not the platform's"
    return str(exc)
