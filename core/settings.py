"""The one settings object: every knob is a ``DMPG_*`` environment variable (or a line in ``.env``).

Paths default to the project checkout so that ``make demo`` works on a fresh clone with nothing set:
all local state lives under ``DMPG_HOME`` (default ``var/`` in the project).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.secrets import read, read_or_create

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DMPG_", env_file=".env", extra="ignore")

    home: Path = Field(PROJECT_ROOT / "var", description="All local state: ledger, Prefect home, documents, mail.")
    database_url: str | None = Field(None, description="SQLAlchemy URL of the ledger; default SQLite under home.")
    roster: Path = Field(PROJECT_ROOT / "roster.yaml", description="Who is who (roster.yaml).")
    templates_dir: Path = Field(PROJECT_ROOT / "templates", description="Word and e-mail templates.")

    # The local stack (dmpg up): ports are settings so a test stack and a user's can run side by side.
    prefect_port: int = 4200
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    # Public address of the Prefect UI in links (mails, documents); default: the local stack's UI.
    ui_url: str | None = None
    # How often the local runner asks the server for work; Prefect's default is 10 s.
    runner_poll_seconds: float = 0.2
    # At most this many flow-run processes at once on the local runner (each is a Python process).
    runner_limit: int = Field(8, ge=1)
    # Fork runs from a preloaded server process (fast resumes); off = Prefect's default spawn.
    runner_warm_start: bool = True

    # Gates wait for months; what happens at expiry is recorded in the ledger.
    gate_timeout_days: int = 180

    # The decision page (``dmpg.interfaces.web``): people decide from a signed link in their mail.
    web_host: str = "127.0.0.1"
    web_port: int = 8030
    # The page's address as people reach it (behind the region's reverse proxy): links in mails use it.
    public_url: str | None = None
    # Keys that sign decision links, newest first: the first signs, all are accepted (rotation). When
    # none are set, a key is made once under DMPG_HOME/run/link-key, readable only by its owner.
    link_keys: list[str] = Field(default_factory=list)

    # E-mail: apprise URLs. Empty means the local mail sink (plain SMTP on smtp_host:smtp_port).
    mail_from: str = "dmpg-sekretariatet@example.dk"
    apprise_urls: list[str] = Field(default_factory=list)
    secretariat_apprise_urls: list[str] = Field(
        default_factory=list, description="Extra apprise targets for the secretariat (e.g. a Teams channel)."
    )
    remind_after_days: int = 14
    # Hearing letters, RKKP's request and appointment requests ask for an answer within this many days
    # of being sent; the date is printed in the letter and the mail ("Svarfrist").
    reply_days: int = Field(21, ge=1, description="Days a recipient has to answer a hearing or a request.")
    # Overdue (dmpg.services.deadlines): a gate decided at a meeting (steering, approval) that stands on no meeting's
    # agenda is overdue this many days after it opened (the bodies meet about four times a year).
    meeting_due_days: int = Field(
        91, ge=1, description="Days a meeting gate with no meeting planned may wait before it is overdue."
    )
    # A gate overdue this many days brings one escalation mail to its body's chair (the first member of the
    # body on the roster), or to the secretariat for a gate without one (dmpg.services.escalation).
    escalate_after_days: int = Field(
        14, ge=1, description="Days past its deadline before an overdue gate is escalated (one mail)."
    )
    # Outbox delivery (dmpg/mail/outbox.py): retries with exponential backoff, then status 'failed'.
    mail_from_name: str = "DMPG-sekretariatet"
    mail_max_attempts: int = Field(30, ge=1, description="Sends tried before a notification is 'failed'.")
    mail_backoff_seconds: float = Field(60.0, ge=0, description="Wait after the first failed send; doubles each time.")
    mail_backoff_max_seconds: float = Field(3600.0, ge=0, description="Longest wait between two tries.")
    outbox_poll_seconds: float = Field(
        1.0, gt=0, description="How often the outbox deliverer looks for mail to send (dmpg up, deploy/)."
    )
    mail_lease_seconds: float = Field(
        300.0, gt=0, description="A row being sent is reclaimed after this long (its deliverer crashed)."
    )
    # A meeting's decisions wake their flow runs this many at a time. 1 for Prefect on SQLite (the local
    # stack), where concurrent resumes make writers wait for each other; deploy/dmpg.env sets 4 for
    # Prefect on PostgreSQL.
    wake_concurrency: int = Field(1, ge=1, le=16, description="Flow runs a meeting's minutes wake at once.")
    # Recovery (dmpg/services/recovery.py, run by the sweep: python -m dmpg.interfaces.sweep): lifecycle runs left behind by
    # a runner or worker that died. Flow runs send a heartbeat every PREFECT_FLOWS_HEARTBEAT_FREQUENCY
    # (30 s, Prefect's minimum): the stale time must be well above it.
    recovery_poll_seconds: float = Field(5.0, gt=0, description="How often the sweep looks at the runs.")
    recovery_stale_seconds: float = Field(
        60.0, gt=0, description="A run Pending this long, or Running this long without a heartbeat, is stuck."
    )
    recovery_wake_after_seconds: float = Field(
        20.0, ge=0, description="A recorded decision whose run still waits at its gate this long is woken again."
    )
    recovery_no_worker_seconds: float = Field(
        600.0, gt=0, description="A run no runner or worker has taken for this long is reported to the secretariat."
    )
    recovery_max_attempts: int = Field(
        3, ge=1, description="Automatic restarts of a stuck run before it waits for `dmpg recover`."
    )
    # Weekly digest of everything pending, to the secretariat: 0 = Monday ... 6 = Sunday.
    digest_weekday: int = Field(0, ge=0, le=6)

    # Meetings and the kickoff reach their invitees as calendar invitations (iCalendar): where and when,
    # unless the meeting (dmpg meeting plan --time/--place/--online) or the appointments say otherwise.
    meeting_time: str = Field("10:00", description="A meeting's start (Copenhagen time), HH:MM.")
    meeting_minutes: int = Field(120, ge=15, description="How long a meeting lasts, in minutes.")
    meeting_place: str = Field("RKKP, Olof Palmes Allé 15, 8200 Aarhus N", description="Where meetings are held.")
    meeting_online_url: str | None = Field(None, description="A link to join meetings online, if there is one.")
    kickoff_time: str = Field("10:00", description="A new group's kickoff meeting starts (Copenhagen time), HH:MM.")
    kickoff_minutes: int = Field(180, ge=15, description="How long a kickoff meeting lasts, in minutes.")
    kickoff_place: str = Field("RKKP, Olof Palmes Allé 15, 8200 Aarhus N", description="Where kickoffs are held.")
    kickoff_online_url: str | None = Field(None, description="A link to join a kickoff online, if there is one.")

    # Personal data (dmpg.services.persondata): an ended proposal's record (form, decisions, audit trail,
    # documents) is kept this many years after it ended, then pseudonymised by the daily flow. Set it to
    # the region's retention time for such cases (its archive plan).
    retention_years: int = Field(5, ge=1, le=100, description="Years an ended proposal's record is kept before it is pseudonymised.")

    # Meetings (dmpg meeting): the pack goes to the body's members this many days before the meeting
    # (08:00 Copenhagen time; at once when that moment has passed).
    meeting_pack_days_before: int = Field(7, ge=0)
    # Minutes take effect only when the body's chair approves them (dmpg meeting approve, or a link).
    minutes_need_chair_approval: bool = False

    @property
    def ledger_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'ledger.db'}"

    @property
    def documents_dir(self) -> Path:
        return self.home / "documents"

    @property
    def mail_dir(self) -> Path:
        return self.home / "mail"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    @property
    def run_dir(self) -> Path:
        """Pid files and logs of the local stack's processes."""
        return self.home / "run"

    @property
    def local_ui_url(self) -> str:
        """The local stack's own Prefect UI (``dmpg up``), on loopback."""
        return f"http://127.0.0.1:{self.prefect_port}"

    @property
    def local_api_url(self) -> str:
        return f"{self.local_ui_url}/api"

    @property
    def prefect_ui_url(self) -> str:
        """The UI address put in links (mails, documents): ``DMPG_UI_URL``, else the local UI."""
        return (self.ui_url or self.local_ui_url).rstrip("/")

    @property
    def public_base_url(self) -> str:
        """Where people reach the decision page: ``DMPG_PUBLIC_URL``, else the local page."""
        return (self.public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    def signing_keys(self) -> list[str]:
        """The decision links' keys, the signing one first (``DMPG_LINK_KEYS``, else the local key file)."""
        return list(self.link_keys) or [read_or_create(self.run_dir / "link-key")]

    @property
    def api_auth_file(self) -> Path:
        """Where ``dmpg up`` keeps the local Prefect API's auth string (mode 0600)."""
        return self.run_dir / "api-auth"

    def local_api_auth_string(self) -> str | None:
        """The auth string ``dmpg up`` generated for the local Prefect API, if there is one."""
        return read(self.api_auth_file)

    def flow_run_url(self, flow_run_id: str) -> str:
        """Link to a flow run in the Prefect UI (where a waiting gate's Resume form is)."""
        return f"{self.prefect_ui_url}/runs/flow-run/{flow_run_id}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
