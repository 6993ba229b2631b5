"""The platform accounts the bot sends through, each with the client of its API family."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from types import MappingProxyType

import httpx

from bot.sending.legacy_fit import LEGACY_CHANNELS, Refusal, chain_refusal
from bot.settings import AccountConfig, ProviderApi
from provider.account_http import RetryPolicy
from provider.channels import MessageType
from provider.legacy import LegacyChannel, LegacyClient, LegacySendRequest, Transport
from provider.legacy import new_client_id_message as new_legacy_id
from provider.legacy.rules import IDENTICAL_REQUEST_WINDOW
from provider.request import SendRequest
from provider.rest import RestClient, new_partner_id
from storage import AccountRepository, ApiFamily

REST_CHANNELS = tuple(MessageType)

LEGACY_TRANSPORTS: Mapping[ProviderApi, Transport] = MappingProxyType(
    {
        ProviderApi.LEGACY_GET: "get",
        ProviderApi.LEGACY_JSON: "json",
        ProviderApi.LEGACY_XML: "xml",
    }
)


@dataclass(frozen=True, slots=True)
class Accepted:
    """What the platform gave back for an accepted send: REST an mtNum, legacy its ids."""

    mt_num: str | None = None
    legacy_id: str | None = None
    legacy_ids: Mapping[str, str] = field(default_factory=dict)
    """Per-channel ids of the legacy API, only the channels used (``{"sms": "..."}``)."""

    @property
    def reference(self) -> str:
        return self.mt_num or self.legacy_id or ""


OutgoingRequest = SendRequest | LegacySendRequest


@dataclass(frozen=True, slots=True)
class PlatformAccount:
    config: AccountConfig
    account_id: int
    """The account's row in storage."""
    client: RestClient | LegacyClient

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def api(self) -> ProviderApi:
        return self.config.api

    @property
    def is_sandbox(self) -> bool:
        return self.config.is_sandbox

    @property
    def is_legacy(self) -> bool:
        return isinstance(self.client, LegacyClient)

    @property
    def voice_code(self) -> bool:
        """VoiceCode is agreed for this account: its FLASHINGCALLs are read out."""
        return self.config.voice_code

    @property
    def transport(self) -> Transport | None:
        """get, json or xml for a legacy account; None for a REST one."""
        return self.client.transport if isinstance(self.client, LegacyClient) else None

    @property
    def duplicate_control(self) -> bool:
        """The platform sends one partner id once on this account (seed 001: a service
        switched on separately; the account's setting says whether it is)."""
        return self.config.duplicate_control

    @property
    def same_id_is_safe(self) -> bool:
        """Whether a send whose outcome is unknown may be asked again with its id without
        a risk of a second message: REST with duplicate control; legacy JSON and XML,
        whose client_id_message the platform never sends twice (seed 003). Legacy GET
        carries no id at all."""
        if self.is_legacy:
            return self.transport != "get"
        return self.duplicate_control

    @property
    def senders(self) -> list[str]:
        return self.config.senders

    @property
    def channels(self) -> tuple[MessageType, ...]:
        return LEGACY_CHANNELS if self.is_legacy else REST_CHANNELS

    def chain_refusal(self, channels: Sequence[MessageType]) -> Refusal | None:
        """Why this account cannot send a chain of these channels; None if it can."""
        return chain_refusal(self.api, channels) if self.is_legacy else None

    def new_partner_id(self) -> str:
        """Our id of a new send. The legacy API's client_id_message must be a number."""
        return new_legacy_id() if self.is_legacy else new_partner_id()

    async def send(self, request: OutgoingRequest) -> Accepted:
        """Send through this account's API; the request must be of that API's kind."""
        if isinstance(self.client, LegacyClient):
            if not isinstance(request, LegacySendRequest):
                raise TypeError(f"account {self.name!r} sends legacy requests only")
            result = await self.client.send(request)
            ids = {c.value: result.channel_id(c) for c in LegacyChannel}
            # "0" = channel not used; None = not reported (GET answers the message id only).
            used = {channel: id_ for channel, id_ in ids.items() if id_ and id_ != "0"}
            return Accepted(legacy_id=result.id_message, legacy_ids=used)
        if not isinstance(request, SendRequest):
            raise TypeError(f"account {self.name!r} sends REST requests only")
        return Accepted(mt_num=(await self.client.send(request)).mt_num)


class Platform:
    """Every configured account by name; the first is the default."""

    def __init__(self, accounts: Sequence[PlatformAccount]) -> None:
        if not accounts:
            raise ValueError("at least one platform account is needed")
        self._accounts = {account.name: account for account in accounts}
        self.default = accounts[0]

    def get(self, name: str | None) -> PlatformAccount:
        if name is None:
            return self.default
        return self._accounts[name]

    def by_id(self, account_id: int) -> PlatformAccount | None:
        """The account a stored send went through (None if it is no longer configured)."""
        return next((a for a in self._accounts.values() if a.account_id == account_id), None)

    def next_account(self, name: str) -> PlatformAccount:
        """The account after this one, wrapping around (the form card's account button)."""
        names = list(self._accounts)
        following = names[(names.index(name) + 1) % len(names)] if name in names else names[0]
        return self._accounts[following]

    def has(self, name: str) -> bool:
        return name in self._accounts

    def for_flashing_call(self) -> PlatformAccount | None:
        """An account that calls (FlashingCall): the default if it can, else the first;
        one that reads its calls out (VoiceCode) only when no other can send it."""
        able = [
            a
            for a in [self.default, *self.accounts]
            if a.chain_refusal([MessageType.FLASHINGCALL]) is None
        ]
        return next((a for a in able if not a.voice_code), next(iter(able), None))

    def for_voice_code(self) -> PlatformAccount | None:
        """The default account if it has VoiceCode, else the first that has it."""
        candidates = [self.default, *self.accounts]
        return next((a for a in candidates if a.voice_code), None)

    def for_chain(self, channels: Sequence[MessageType]) -> PlatformAccount | None:
        """The default account if it can send this chain, else the first that can."""
        candidates = [self.default, *self.accounts]
        return next((a for a in candidates if a.chain_refusal(channels) is None), None)

    @property
    def accounts(self) -> list[PlatformAccount]:
        return list(self._accounts.values())

    @property
    def legacy_accounts(self) -> list[PlatformAccount]:
        return [a for a in self._accounts.values() if a.is_legacy]

    @property
    def several(self) -> bool:
        return len(self._accounts) > 1


def _rest_client(
    config: AccountConfig, url: str, timeout: httpx.Timeout, attempts: int
) -> RestClient:
    return RestClient(
        url,
        config.login,
        config.password,
        timeout=timeout,
        retry=RetryPolicy(attempts=attempts),
        duplicate_control=config.duplicate_control,
    )


def _legacy_client(
    config: AccountConfig,
    url: str,
    timeout: httpx.Timeout,
    attempts: int,
    identical_window: float,
) -> LegacyClient:
    return LegacyClient(
        url,
        config.login,
        config.password,
        transport=LEGACY_TRANSPORTS[config.api],
        timeout=timeout,
        retry=RetryPolicy(attempts=attempts),
        identical_window=identical_window,
    )


@asynccontextmanager
async def open_platform(
    configs: Sequence[AccountConfig],
    repository: AccountRepository,
    *,
    sandbox_url: str | None,
    request_timeout: float = 20.0,
    attempts: int = 3,
    identical_window: float = IDENTICAL_REQUEST_WINDOW,
) -> AsyncIterator[Platform]:
    """Open one client per account; sandbox accounts send to `sandbox_url` (REST).

    Legacy accounts (legacy-get/-json/-xml) get a `LegacyClient` on their base URL, the
    folder holding sendmessage.php and xml/; everything else a `RestClient`.
    `identical_window`: the legacy API's minute without identical requests (tests whose
    sandbox runs a faster clock give theirs).
    """
    timeout = httpx.Timeout(request_timeout, connect=min(request_timeout, 5.0))
    async with AsyncExitStack() as stack:
        accounts = []
        for config in configs:
            url = sandbox_url if config.is_sandbox else config.url
            if url is None:
                raise ValueError(f"account {config.name!r} has no URL and no sandbox runs")
            client: RestClient | LegacyClient
            if config.api in LEGACY_TRANSPORTS and not config.is_sandbox:
                client = _legacy_client(config, url, timeout, attempts, identical_window)
                family = ApiFamily.LEGACY
            else:
                client = _rest_client(config, url, timeout, attempts)
                family = ApiFamily.REST
            await stack.enter_async_context(client)
            stored = await repository.ensure(config.name, family)
            accounts.append(PlatformAccount(config, stored.id, client))
        yield Platform(accounts)
