"""Settings of one sandbox platform: the account it emulates and how fast its clock runs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, SecretStr


class SandboxConfig(BaseModel):
    """Everything a `Sandbox` needs; the defaults are the sandbox account of the README."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    login: str = "sandbox"
    password: SecretStr = SecretStr("sandbox")
    time_scale: float = Field(default=1.0, ge=0)
    """Real seconds per simulated second: 0.001 makes a 1-minute ttl last 60 ms."""
    report_url: str | None = None
    """The account's report URL, used when a request has no notifyUrl; None: nowhere."""
    allowed_ips: tuple[IPvAnyNetwork, ...] | None = None
    """Peers allowed to send (addresses or networks); None: anyone (code 2 otherwise)."""
    duplicate_control: bool = True
    """The per-account switch: a repeated partner `id` is never sent twice."""
    default_ttl: float = Field(default=600.0, gt=0)
    """The account's default lifetime in simulated seconds, for steps without a ttl."""
    voice_code: bool = False
    """The account has VoiceCode agreed (seed 004, line 70): its FLASHINGCALLs are read out
    by voice, so their text must be the code alone, four digits (code 4 otherwise)."""
    default_sender: str = "SANDBOX"
    """`sourceAddr` of reports for steps without a serviceNumber (FlashingCall, defaults)."""
    report_retry_delay: float = Field(default=0.05, gt=0)
    """First pause (real seconds) before re-posting a report the receiver did not take."""
    report_retry_max_delay: float = Field(default=2.0, gt=0)
    report_attempts: int = Field(default=10, ge=1)
    report_timeout: float = Field(default=10.0, gt=0)
    """Real seconds a receiver may take to answer one report."""
    shutdown_timeout: float = Field(default=2.0, ge=0)
    """Real seconds in-flight requests get to finish when the sandbox stops."""
