"""Submitting a send: persist first, then call the platform, then record what it said.

A send is stored (state `submitting`, a fresh partner id) before the platform hears of it,
so a crash or a timeout never loses it; a retry reuses the same partner id, so the
platform sends at most once. Both API families take this one path: the partner id is the
REST ``id`` or the legacy ``client_id_message`` (a number), and the request goes out in
the account's own shape (`bot.sending.legacy_fit` makes the legacy one from the draft).

What is stored is the request as it goes out: the REST request, or for a legacy account
the legacy one (with its client_id_message), which the status card's "send again" reads
back and a retry sends again unchanged, so the platform sees the same content under the
same id. A legacy send is never held to the REST API's rules. (Legacy sends stored by
older versions kept the draft's REST request; those are still read.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from bot.reports.urls import ReportUrls
from bot.sending.drafts import Draft, DraftKind, draft_from_request
from bot.sending.legacy_fit import draft_from_legacy, legacy_request_body, to_legacy_request
from bot.sending.platform import OutgoingRequest, Platform, PlatformAccount
from bot.sending.shown import shown_request
from bot.sending.voice import voice_code_violations
from provider.errors import ProviderAPIError, ProviderConnectionError, ProviderError
from provider.legacy import IdenticalRequestError, LegacySendRequest
from provider.logs import log_event
from provider.request import SendRequest
from storage import AuditRepository, NewSend, Operator, Send, SendRepository, SendState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submitted:
    send: Send
    account: PlatformAccount
    error: ProviderError | None = None
    """None: the platform accepted it (send.mt_num, or for legacy send.legacy_id, is set)."""


class UnsafeResendError(ProviderError):
    """A legacy-get send whose answer was lost cannot be sent again safely.

    GET carries no client_id_message, so the platform could not recognise the repeat and
    would send the message twice.
    """


class SendService:
    def __init__(
        self,
        platform: Platform,
        sends: SendRepository,
        audit: AuditRepository,
        *,
        report_urls: ReportUrls,
        on_card_posted: Callable[[], None],
    ) -> None:
        """`on_card_posted` is called after a status card is posted: reports may already be
        waiting for it (the card notifier's wake-up)."""
        self._platform = platform
        self._sends = sends
        self._audit = audit
        self._report_urls = report_urls
        self._on_card_posted = on_card_posted

    async def card_posted(self, send_id: int, message_id: int) -> None:
        await self._sends.set_card_message(send_id, message_id)
        self._on_card_posted()

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
        """The body the account's API would receive (password masked); ValidationError
        if the draft is broken. For the form card's JSON preview."""
        return _stored(self.build(draft))

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

        They become `unknown`: their cards offer a retry with the same partner id, which
        the platform never sends twice.
        """
        count = 0
        for send in await self._sends.open_sends():
            if send.state is SendState.SUBMITTING:
                await self._sends.mark_unknown(send.id, "interrupted by a restart")
                count += 1
        if count:
            log_event(log, "sends_recovered", count=count)
        return count

    async def retry(self, send: Send) -> Submitted:
        """Ask the platform again about a send whose outcome is unknown: same partner id."""
        account = self._platform.by_id(send.account_id)
        if account is None:
            raise LookupError(f"send {send.id}: its account is no longer configured")
        if not account.can_resend_safely:
            raise UnsafeResendError(
                f"send {send.id}: legacy-get has no client_id_message; a resend could "
                "send the message twice"
            )
        if is_legacy_body(send.request):
            # The legacy request as it first went, its client_id_message included.
            legacy = LegacySendRequest.model_validate(send.request)
            return await self._deliver(send, account, legacy)
        request = SendRequest.model_validate(send.request).model_copy(
            update={
                "id": send.partner_id,
                "password": None,
                "login": None,
                "notify_url": self._notify_url(account),
            }
        )
        return await self._deliver(send, account, self._outgoing(account, request, send.partner_id))

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
        self, send: Send, account: PlatformAccount, request: OutgoingRequest
    ) -> Submitted:
        try:
            accepted = await account.send(request)
        except IdenticalRequestError as exc:
            # Only a repeat of a request that reached the platform is refused like this
            # (a retry after a lost answer): it may well have been sent.
            return await self._unknown(send, account, exc)
        except ProviderAPIError as exc:
            failed = await self._sends.mark_failed(send.id, _error_text(exc))
            return Submitted(failed, account, exc)
        except ProviderConnectionError as exc:
            return await self._unknown(send, account, exc)
        stored = await self._sends.mark_accepted(
            send.id,
            mt_num=accepted.mt_num,
            legacy_id=accepted.legacy_id,
            legacy_ids=accepted.legacy_ids if accepted.legacy_id else None,
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

    async def _unknown(self, send: Send, account: PlatformAccount, exc: ProviderError) -> Submitted:
        """Whether it went out is unknown: the card offers a retry with the same id."""
        if send.state is SendState.UNKNOWN:
            return Submitted(send, account, exc)  # a retry that was not answered either
        unknown = await self._sends.mark_unknown(send.id, _error_text(exc))
        return Submitted(unknown, account, exc)


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
    return type(exc).__name__
