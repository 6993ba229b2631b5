"""Submitting a send: persist first, then call the platform, then record what it said.

A send is stored (state `submitting`, a fresh partner id) before the platform hears of it,
so a crash or a timeout never loses it; a retry reuses the same partner id, so the
platform sends at most once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from bot.drafts import Draft
from bot.platform import Platform, PlatformAccount
from bot.receiver import shown_request
from provider.errors import ProviderAPIError, ProviderConnectionError, ProviderError
from provider.logs import log_event
from provider.request import SendRequest
from provider.rest import new_partner_id
from storage import AuditRepository, NewSend, Operator, Send, SendRepository, SendState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submitted:
    send: Send
    account: PlatformAccount
    error: ProviderError | None = None
    """None: the platform accepted it (send.mt_num is set)."""


class SendService:
    def __init__(
        self,
        platform: Platform,
        sends: SendRepository,
        audit: AuditRepository,
    ) -> None:
        self._platform = platform
        self._sends = sends
        self._audit = audit
        self._public_notify_url: str | None = None
        self._local_notify_url: str | None = None
        self._on_card_posted: Callable[[], None] = lambda: None

    def on_card_posted(self, callback: Callable[[], None]) -> None:
        """Called after a status card is posted: reports may already be waiting for it."""
        self._on_card_posted = callback

    async def card_posted(self, send_id: int, message_id: int) -> None:
        await self._sends.set_card_message(send_id, message_id)
        self._on_card_posted()

    def set_report_urls(self, *, public: str | None, local: str | None) -> None:
        """Where the platform should POST reports: the public receiver URL for real
        accounts (none: the account's configured URL), the loopback one for the sandbox."""
        self._public_notify_url = public
        self._local_notify_url = local

    def _notify_url(self, account: PlatformAccount) -> str | None:
        return self._local_notify_url if account.is_sandbox else self._public_notify_url

    def build(self, draft: Draft) -> SendRequest:
        """The request a draft makes; raises ValidationError naming every broken rule."""
        account = self._platform.get(draft.account)
        return draft.to_request(notify_url=self._notify_url(account))

    def validate(self, draft: Draft) -> ValidationError | None:
        try:
            self.build(draft)
        except ValidationError as exc:
            return exc
        return None

    async def submit(self, draft: Draft, operator: Operator, chat_id: int) -> Submitted:
        """Send a (valid) draft. Raises ValidationError if it is not valid: nothing is stored."""
        account = self._platform.get(draft.account)
        partner_id = new_partner_id()
        request = draft.to_request(partner_id=partner_id, notify_url=self._notify_url(account))
        send = await self._sends.create_submitting(
            NewSend(
                partner_id=partner_id,
                account_id=account.account_id,
                channel=draft.kind.upper(),
                steps=[step.channel.value for step in draft.steps],
                destination=request.dest_addr,
                request=shown_request(request),
                operator_id=operator.user_id,
                chat_id=chat_id,
            )
        )
        await self._audit.log(
            operator.user_id,
            "send",
            f"send:{send.id}",
            {"account": account.name, "steps": draft.channels_label, "partner_id": partner_id},
        )
        return await self._deliver(send, account, request)

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
        request = SendRequest.model_validate(send.request).model_copy(
            update={
                "id": send.partner_id,
                "password": None,
                "login": None,
                "notify_url": self._notify_url(account),
            }
        )
        return await self._deliver(send, account, request)

    async def _deliver(
        self, send: Send, account: PlatformAccount, request: SendRequest
    ) -> Submitted:
        try:
            result = await account.send(request)
        except ProviderAPIError as exc:
            failed = await self._sends.mark_failed(send.id, _error_text(exc))
            return Submitted(failed, account, exc)
        except ProviderConnectionError as exc:
            unknown = await self._sends.mark_unknown(send.id, _error_text(exc))
            return Submitted(unknown, account, exc)
        accepted = await self._sends.mark_accepted(send.id, mt_num=result.mt_num)
        log_event(
            log,
            "send_accepted",
            send_id=send.id,
            account=account.name,
            mt_num=result.mt_num,
            dest=request.dest_addr,
        )
        return Submitted(accepted, account)


def _error_text(exc: ProviderError) -> str:
    if isinstance(exc, ProviderAPIError):
        details = f": {exc.extended_description}" if exc.extended_description else ""
        return f"code {exc.code}: {exc.description}{details}"
    return type(exc).__name__
