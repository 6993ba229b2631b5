"""Settings of the bot process: pydantic-settings models, one per concern, read once in main().

Environment variables (and a `.env` file in the working directory) as the README lists them.
Secrets are `SecretStr`: they print as ``**********`` wherever a model is shown.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from provider.legacy.rules import IDENTICAL_REQUEST_WINDOW
from provider.phone import known_region

_ENV = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


class ProviderApi(StrEnum):
    REST = "rest"
    LEGACY_GET = "legacy-get"
    LEGACY_JSON = "legacy-json"
    LEGACY_XML = "legacy-xml"
    SANDBOX = "sandbox"


LEGACY_APIS = frozenset({ProviderApi.LEGACY_GET, ProviderApi.LEGACY_JSON, ProviderApi.LEGACY_XML})

Language = Literal["ru", "en"]


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _host_and_port(value: str) -> str:
    _, colon, port = value.rpartition(":")
    if not colon or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"expected host:port, e.g. 127.0.0.1:8081, not {value!r}")
    return value


ListenAddress = Annotated[str, AfterValidator(_host_and_port)]
"""Where a server of the bot listens: ``host:port``, ``[IPv6]:port`` or ``:port``."""


def split_listen(value: ListenAddress, *, default_host: str) -> tuple[str, int]:
    """The host and port to bind (an IPv6 host without its brackets)."""
    host, _, port = value.rpartition(":")
    return host.removeprefix("[").removesuffix("]") or default_host, int(port)


class TelegramSettings(BaseSettings):
    model_config = _ENV

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: Language | None = None
    """None: the user's Telegram language when we have it, else Russian."""
    playground_listen: ListenAddress = "127.0.0.1:8080"
    display_timezone: str = "UTC"
    """The zone of times on cards, e.g. Europe/Moscow (the system's tz database)."""

    @field_validator("display_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Moscow, UTC)") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.display_timezone)

    _split_admins = field_validator("admin_ids", mode="before")(_comma_list)


class StorageSettings(BaseSettings):
    model_config = _ENV

    database_path: Path = Path("data/bot.sqlite3")
    database_busy_timeout: float = Field(default=10.0, gt=0)
    """Seconds a write waits for the file's lock before giving up (the receiver then 503s)."""
    outside_reports_retention_days: int = Field(default=7, ge=1)


class ProviderSettings(BaseSettings):
    """One platform account from PROVIDER_*; ACCOUNTS_FILE replaces it with several."""

    model_config = _ENV

    provider_api: ProviderApi = ProviderApi.SANDBOX
    provider_url: str | None = None
    provider_login: str | None = None
    provider_password: SecretStr | None = None
    provider_senders: Annotated[list[str], NoDecode] = Field(default_factory=list)
    accounts_file: Path | None = None
    flashcall_ttl_minutes: int = Field(default=2, ge=1, le=5)
    provider_voice_code: bool = False
    """The PROVIDER_* account has VoiceCode agreed with the platform (seed 004, line 70):
    its FLASHINGCALLs are read out by a voice call, four digits (ACCOUNTS_FILE: per
    account, ``voice_code = true``)."""
    provider_timeout: float = Field(default=20.0, gt=0)
    """Seconds to wait for the platform's answer to one request."""
    provider_attempts: int = Field(default=3, ge=1, le=10)
    """Tries of a send that provably did not arrive (no connection), or that the platform
    refused as temporary (codes 1, 3); with duplicate control also of one whose answer was
    lost. Always the same partner id."""
    provider_duplicate_control: bool = False
    """The account (PROVIDER_*) has the platform's duplicate control by id switched on (a
    service enabled per account, off unless asked for: seed 001). Only then is a send
    whose outcome is unknown sent again automatically. ACCOUNTS_FILE: per account."""
    default_region: Annotated[str, AfterValidator(known_region)] = "RU"
    """The country whose numbers operators may type without a country code (ISO code)."""
    legacy_poll_interval: float = Field(default=65.0, ge=IDENTICAL_REQUEST_WINDOW)
    """Seconds between two state requests of the legacy poller. Never under a minute: the
    legacy API refuses an identical request within one (tests give the poller their own)."""

    _split_senders = field_validator("provider_senders", mode="before")(_comma_list)


class ReportSettings(BaseSettings):
    model_config = _ENV

    reports_listen: ListenAddress = "0.0.0.0:8081"
    reports_public_url: str | None = None
    reports_secret: SecretStr | None = None
    reports_allowed_ips: Annotated[list[IPvAnyNetwork], NoDecode] = Field(default_factory=list)
    """The platform's addresses; empty: reports are accepted from anywhere (with the secret)."""
    reports_trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(default_factory=list)
    """Reverse proxies in front of the receiver, whose X-Forwarded-For names the client."""
    reports_max_connections: int = Field(default=256, ge=1)
    """Connections the receiver keeps open at most (each is a file descriptor)."""
    reports_read_timeout: float = Field(default=10.0, gt=0)
    """Seconds from a request's first byte until it is read whole (headers and body)."""
    reports_keepalive_timeout: float = Field(default=75.0, gt=0)
    """Seconds an idle connection stays open (over a load balancer's usual 60)."""
    reports_answer_timeout: float = Field(default=15.0, gt=0)
    """Seconds a report waits for the writer's answer before the platform is told 503."""

    _split_ips = field_validator("reports_allowed_ips", "reports_trusted_proxies", mode="before")(
        _comma_list
    )


class AccountConfig(BaseModel):
    """A platform account as the bot uses it."""

    name: str
    api: ProviderApi
    url: str | None = None
    """None for the sandbox: the embedded one is started and used."""
    login: str = "sandbox"
    password: SecretStr = SecretStr("sandbox")
    senders: list[str] = Field(default_factory=list)
    voice_code: bool = False
    """VoiceCode is agreed for this account: its FLASHINGCALLs are read out (seed 004)."""
    duplicate_control: bool = False
    """The platform sends one partner id once on this account (seed 001's separately
    switched-on service); only then may an unknown outcome be sent again automatically."""

    @property
    def is_sandbox(self) -> bool:
        return self.api is ProviderApi.SANDBOX or self.url is None


class _AccountEntry(BaseModel):
    name: str
    api: ProviderApi = ProviderApi.REST
    url: str | None = None
    login: str | None = None
    password: SecretStr | None = None
    password_env: str | None = None
    senders: list[str] = Field(default_factory=list)
    voice_code: bool = False
    duplicate_control: bool = False


class _AccountsFile(BaseModel):
    accounts: list[_AccountEntry] = Field(min_length=1)


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable, in one line."""


def load_accounts(provider: ProviderSettings, environ: dict[str, str]) -> list[AccountConfig]:
    if provider.accounts_file is not None:
        return _accounts_from_file(provider.accounts_file, environ)
    if provider.provider_api is ProviderApi.SANDBOX or provider.provider_url is None:
        if provider.provider_api not in (ProviderApi.SANDBOX, ProviderApi.REST):
            raise ConfigError(
                f"PROVIDER_URL is required for PROVIDER_API={provider.provider_api.value}"
            )
        return [
            AccountConfig(
                name="sandbox",
                api=ProviderApi.SANDBOX,
                senders=provider.provider_senders or ["DeskTest"],
                voice_code=provider.provider_voice_code,
                duplicate_control=provider.provider_duplicate_control,
            )
        ]
    if not provider.provider_login or provider.provider_password is None:
        raise ConfigError("PROVIDER_LOGIN and PROVIDER_PASSWORD are required with PROVIDER_URL")
    if provider.provider_api in LEGACY_APIS and provider.provider_voice_code:
        raise ConfigError(
            f"PROVIDER_VOICE_CODE: the {provider.provider_api.value} API has no FlashingCall "
            "and so no VoiceCode"
        )
    return [
        AccountConfig(
            name="main",
            api=provider.provider_api,
            url=provider.provider_url,
            login=provider.provider_login,
            password=provider.provider_password,
            senders=provider.provider_senders,
            voice_code=provider.provider_voice_code,
            duplicate_control=provider.provider_duplicate_control,
        )
    ]


def _accounts_from_file(path: Path, environ: dict[str, str]) -> list[AccountConfig]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        parsed = _AccountsFile.model_validate(raw)
    except OSError as exc:
        raise ConfigError(f"ACCOUNTS_FILE {path}: cannot read it ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"ACCOUNTS_FILE {path}: not valid TOML ({exc})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"ACCOUNTS_FILE {path}: {where}: {first['msg']}") from exc
    accounts = []
    for entry in parsed.accounts:
        password = entry.password
        if entry.password_env is not None:
            value = environ.get(entry.password_env)
            if not value:
                raise ConfigError(
                    f"ACCOUNTS_FILE {path}: account {entry.name!r} takes its password from "
                    f"{entry.password_env}, which is not set"
                )
            password = SecretStr(value)
        if entry.api in LEGACY_APIS and entry.url is None:
            # Else it would quietly become the embedded sandbox, which speaks REST.
            raise ConfigError(
                f"ACCOUNTS_FILE {path}: account {entry.name!r} uses the {entry.api.value} "
                "API, which needs url (the base URL holding sendmessage.php)"
            )
        if entry.api in LEGACY_APIS and entry.voice_code:
            raise ConfigError(
                f"ACCOUNTS_FILE {path}: account {entry.name!r} uses the {entry.api.value} "
                "API, which has no FlashingCall and so no VoiceCode: remove voice_code"
            )
        sandbox = entry.api is ProviderApi.SANDBOX or entry.url is None
        if not sandbox and (entry.login is None or password is None):
            raise ConfigError(
                f"ACCOUNTS_FILE {path}: account {entry.name!r} needs login and password "
                "(or password_env)"
            )
        accounts.append(
            AccountConfig(
                name=entry.name,
                api=ProviderApi.SANDBOX if sandbox else entry.api,
                url=None if sandbox else entry.url,
                login=entry.login or "sandbox",
                password=password or SecretStr("sandbox"),
                senders=entry.senders or (["DeskTest"] if sandbox else []),
                voice_code=entry.voice_code,
                duplicate_control=entry.duplicate_control,
            )
        )
    names = [a.name for a in accounts]
    if len(set(names)) != len(names):
        raise ConfigError(f"ACCOUNTS_FILE {path}: account names must be unique")
    return accounts


def literal_secrets(settings: Settings) -> list[str]:
    """What the storage scrubber replaces by exact value wherever it appears outside an
    operator's content: passwords, the bot token, a configured report secret (a generated
    one is added once it is read from the database)."""
    secrets = [a.password.get_secret_value() for a in settings.accounts if not a.is_sandbox]
    if settings.telegram.bot_token is not None:
        secrets.append(settings.telegram.bot_token.get_secret_value())
    if settings.reports.reports_secret is not None:
        secrets.append(settings.reports.reports_secret.get_secret_value())
    return secrets


class Settings(BaseModel):
    """Everything main() needs, loaded and checked at once."""

    telegram: TelegramSettings
    storage: StorageSettings
    provider: ProviderSettings
    reports: ReportSettings
    accounts: list[AccountConfig]

    def with_admins(self, admin_ids: list[int]) -> Settings:
        """These settings with other bootstrap admins (the playground's user by default)."""
        telegram = self.telegram.model_copy(update={"admin_ids": admin_ids})
        return self.model_copy(update={"telegram": telegram})

    @classmethod
    def load(cls, environ: dict[str, str]) -> Settings:
        """Read every setting; a bad one raises ConfigError naming the variable."""
        try:
            provider = ProviderSettings()
            return cls(
                telegram=TelegramSettings(),
                storage=StorageSettings(),
                provider=provider,
                reports=ReportSettings(),
                accounts=load_accounts(provider, environ),
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            variable = str(first["loc"][0]).upper() if first["loc"] else exc.title
            # A validator's own words, without pydantic's "Value error, " before them.
            message = first["msg"].removeprefix("Value error, ")
            raise ConfigError(f"{variable}: {message}") from None
