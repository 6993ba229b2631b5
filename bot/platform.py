"""The platform accounts the bot sends through, each with its own client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx

from bot.settings import AccountConfig, ProviderApi
from provider.channels import MessageType
from provider.request import SendRequest, SendResult
from provider.rest import RestClient, RetryPolicy
from storage import AccountRepository, ApiFamily

REST_CHANNELS = tuple(MessageType)


@dataclass(frozen=True, slots=True)
class PlatformAccount:
    config: AccountConfig
    account_id: int
    """The account's row in storage."""
    client: RestClient

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def is_sandbox(self) -> bool:
        return self.config.is_sandbox

    @property
    def senders(self) -> list[str]:
        return self.config.senders

    @property
    def channels(self) -> tuple[MessageType, ...]:
        return REST_CHANNELS

    async def send(self, request: SendRequest) -> SendResult:
        return await self.client.send(request)


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

    def has(self, name: str) -> bool:
        return name in self._accounts

    @property
    def accounts(self) -> list[PlatformAccount]:
        return list(self._accounts.values())

    @property
    def several(self) -> bool:
        return len(self._accounts) > 1


@asynccontextmanager
async def open_platform(
    configs: Sequence[AccountConfig],
    repository: AccountRepository,
    *,
    sandbox_url: str | None,
    request_timeout: float = 20.0,
    attempts: int = 3,
) -> AsyncIterator[Platform]:
    """Open one client per account; sandbox accounts send to `sandbox_url`."""
    async with AsyncExitStack() as stack:
        accounts = []
        for config in configs:
            if config.api not in (ProviderApi.REST, ProviderApi.SANDBOX):
                raise ValueError(
                    f"account {config.name!r}: the {config.api.value} API is not supported yet"
                )
            url = sandbox_url if config.is_sandbox else config.url
            if url is None:
                raise ValueError(f"account {config.name!r} has no URL and no sandbox runs")
            client = await stack.enter_async_context(
                RestClient(
                    url,
                    config.login,
                    config.password,
                    timeout=httpx.Timeout(request_timeout, connect=min(request_timeout, 5.0)),
                    retry=RetryPolicy(attempts=attempts),
                )
            )
            stored = await repository.ensure(config.name, ApiFamily.REST)
            accounts.append(PlatformAccount(config, stored.id, client))
        yield Platform(accounts)
