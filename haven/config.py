"""Settings, read once from HAVEN_* environment variables (and an optional .env file)."""

from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything an operator can configure. Defaults suit a single reception laptop."""

    model_config = SettingsConfigDict(env_prefix="HAVEN_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+pysqlcipher:///{PROJECT_ROOT / 'var' / 'haven.db'}",
        description="SQLAlchemy URL: sqlite+pysqlcipher:///path (embedded, encrypted) "
        "or postgresql+psycopg://…",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    processes: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Server processes of `haven serve` (one core each for Python code): more "
        "than one where many people work at once, e.g. headquarters or a crossing's desks.",
    )
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=12, ge=1, le=7 * 24)
    secure_cookies: bool = Field(
        default=False, description="Mark cookies Secure; turn on whenever Haven is served over TLS."
    )
    default_language: str = "en"
    vendor_dir: Path = Field(
        default=PROJECT_ROOT / "node_modules",
        description="Where npm installed the front-end assets (htmx, Pico CSS, Myanmar font).",
    )
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    log_level: str = "INFO"
    public_origin: str | None = Field(
        default=None,
        description="Haven's public URL, e.g. https://haven.example.org; the WebAuthn origin.",
    )
    key_file: Path | None = Field(
        default=None,
        description="File holding Haven's root secret (never beside the database).",
    )
    key_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "haven",
        description="Folder for the passphrase salt, the duress check and the erasure ledger.",
    )
    vetting_appeal_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Days a person has to appeal a vetting decision, counted from the day "
        "they are told of it (docs/vetting.md).",
    )
    card_validity_days: int = Field(
        default=365,
        ge=1,
        le=10 * 365,
        description="Days a programme identity card is valid from its issue (docs/cards.md).",
    )
    report_min_cell: int = Field(
        default=5,
        # At 2 the marker "<2" would itself say "1": no suppression could protect a count.
        ge=3,
        le=100,
        description="Smallest count a report shows outside Haven; smaller counts read "
        '"<5" and enough others are withheld that totals cannot reveal them (docs/reports.md).',
    )
    time_zone: str = Field(
        default="Asia/Yangon",
        description="The programme's time zone (IANA name): its calendar dates and every "
        "deadline shown on pages (haven.kernel.clock).",
    )
    job_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long a background job's worker may stay silent before another "
        "worker takes the job over (after a crash).",
    )
    job_poll_seconds: float = Field(
        default=2.0, gt=0, description="How often the job worker of `haven serve` looks for work."
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"not an IANA time zone: {value!r}") from error
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests build their own `Settings` instead of patching this."""
    return Settings()
