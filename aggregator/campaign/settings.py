"""The campaign file: YAML → validated, frozen settings.

Every problem in the file is reported at once, each with its key path and a hint
(``ConfigError``). Relative paths are resolved against the campaign file's folder, so a
campaign file can be moved together with its roster and template.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aggregator.campaign.columns import ColumnSettings, metrics, role_problems, with_legacy_roles, with_role
from aggregator.campaign.file_checks import (
    deadline_in_zone,
    location,
    placeholder_problems,
    refuse_number_as_date,
    refuse_unreadable_deadline,
    shorten,
    with_examples,
)
from aggregator.campaign.report_words import ReportSettings
from aggregator.errors import ConfigError
from aggregator.models import ColumnRole, SourceKind

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_WINDOW = dt.timedelta(days=60)  # the campaign window when `start` is not set


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceSettings(_Frozen):
    kind: SourceKind
    path: Path | None = None  # xlsx
    spreadsheet: str | None = None  # Google spreadsheet URL or id
    credentials: Path | None = None  # service-account key; GOOGLE_APPLICATION_CREDENTIALS wins when unset
    paths: tuple[str, ...] = ()  # status_files: glob patterns of child status.json files, relative to this file
    tab: str
    header_row: Annotated[int, Field(ge=1)] = 1

    @model_validator(mode="after")
    def _needs_location(self) -> SourceSettings:
        if self.kind is SourceKind.XLSX and self.path is None:
            raise ValueError("an xlsx source needs `path`")
        if self.kind is SourceKind.GOOGLE_SHEETS and not self.spreadsheet:
            raise ValueError("a google_sheets source needs `spreadsheet` (URL or id)")
        if self.kind is SourceKind.STATUS_FILES:
            if not any(p.strip() for p in self.paths):
                raise ValueError("a status_files source needs `paths` (glob patterns of status.json files, "
                                 "e.g. [\"../districts/*/status.json\"])")
            if self.header_row != 1:
                raise ValueError("a status_files source builds its own header row: leave `header_row` at 1")
        return self


class GroupSettings(_Frozen):
    code: str
    label: str  # Vietnamese, e.g. "UBND các xã, phường"


class MatchingSettings(_Frozen):
    accept: Annotated[float, Field(gt=0, le=1)] = 0.86  # minimum fuzzy score for an automatic match
    margin: Annotated[float, Field(ge=0, lt=1)] = 0.05  # runner-up closer than this → ambiguous
    candidates: Annotated[int, Field(ge=1, le=10)] = 3


class ResubmissionSettings(_Frozen):
    policy: Literal["latest"] = "latest"


class DashboardSettings(_Frozen):
    tab: str = "Tổng hợp tiến độ"
    protect: bool = True


class DecisionSettings(_Frozen):
    """Where staff settle what the worker cannot (a Google sheet's tab of the worker's own)."""

    tab: str | None = "Xử lý"  # null: no decisions tab (``aggregator decide`` still works)


class RosterTab(_Frozen):
    """The roster as a tab of the agencies' own spreadsheet, with the CSV's columns (CONTRACT §4)."""

    tab: str


class ScheduleSettings(_Frozen):
    sync_minutes: Annotated[int, Field(ge=1, le=1440)] = 10
    drafts: tuple[str, ...] = ("07:30", "16:30")  # HH:MM in the campaign timezone
    after_deadline: bool = True
    # Total time one cycle may spend on Google requests, retries and waits included (issue 8, item 7).
    cycle_timeout_seconds: Annotated[int, Field(ge=10, le=3600)] = 180

    @field_validator("drafts")
    @classmethod
    def _hhmm(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                dt.datetime.strptime(item, "%H:%M")
            except ValueError as exc:
                raise ValueError(f"{item!r} is not HH:MM") from exc
        return value


_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SUBJECT_FIELDS = {"title": "", "deadline": ""}  # placeholders a custom reminder subject may use


def _check_email(value: str) -> str:
    if not _EMAIL.match(value.strip()):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value.strip()


class SmtpSettings(_Frozen):
    """The outgoing mail server. The password is never in this file: only the name of the
    environment variable that holds it (``password_env``)."""

    host: str
    port: Annotated[int, Field(ge=1, le=65535)] | None = None  # default: 587 starttls, 465 ssl, 25 none
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str = ""
    password_env: str = ""  # e.g. AGGREGATOR_SMTP_PASSWORD
    from_address: str
    timeout: Annotated[float, Field(gt=0, le=300)] = 30.0  # seconds per SMTP operation

    @field_validator("from_address")
    @classmethod
    def _address(cls, value: str) -> str:
        return _check_email(value)

    @model_validator(mode="after")
    def _login(self) -> SmtpSettings:
        if self.password_env and not _ENV_NAME.match(self.password_env):
            raise ValueError(f"password_env {self.password_env!r} must be the NAME of an environment variable")
        if self.username and not self.password_env:
            raise ValueError("a `username` needs `password_env` (the environment variable holding the password)")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]


class ReminderSettings(_Frozen):
    send: bool = False  # the worker e-mails reminders at the first draft time of each day
    subject: str = ""  # default: built in; may use {title} and {deadline} (dd/mm/yyyy)
    closing: str = "Trân trọng./."
    signature: str = ""  # default: report.issuer_name

    @field_validator("subject")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        try:
            value.format(**SUBJECT_FIELDS)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"subject may only use the placeholders {{title}} and {{deadline}} ({exc})") from exc
        return value


class NotifySettings(_Frozen):
    """E-mail: reminders to units (``aggregator remind``) and drafts to the office (the worker)."""

    smtp: SmtpSettings | None = None
    office_recipients: tuple[str, ...] = ()  # where the worker sends each changed draft
    deliver_drafts: bool = False
    reminders: ReminderSettings = ReminderSettings()

    @field_validator("office_recipients")
    @classmethod
    def _emails(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_email(v) for v in value)

    @model_validator(mode="after")
    def _usable(self) -> NotifySettings:
        problems = []
        if self.deliver_drafts and not self.office_recipients:
            problems.append("deliver_drafts needs at least one address in `office_recipients`")
        if (self.deliver_drafts or self.reminders.send) and self.smtp is None:
            problems.append("sending e-mail needs an `smtp` section (host, from_address, …)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Campaign(_Frozen):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    deadline: dt.datetime
    start: dt.datetime | dt.date | None = None  # when the campaign opened; default 60 days before the deadline
    timezone: str = DEFAULT_TIMEZONE
    source: SourceSettings
    roster: Path | RosterTab  # a CSV file, or {tab: "Danh sách đơn vị"}: a tab of the source spreadsheet
    area: str = ""  # the campaign's own area, innermost first, e.g. "thành phố Nha Trang, tỉnh Khánh Hòa"
    groups: tuple[GroupSettings, ...]
    columns: tuple[ColumnSettings, ...]
    resubmission: ResubmissionSettings = ResubmissionSettings()
    matching: MatchingSettings = MatchingSettings()
    dashboard: DashboardSettings = DashboardSettings()
    decisions: DecisionSettings = DecisionSettings()
    report: ReportSettings
    output_dir: Path | None = None
    history: Path | None = None  # SQLite file; default <output>/history.sqlite
    schedule: ScheduleSettings = ScheduleSettings()
    notify: NotifySettings = NotifySettings()
    base_dir: Path = Path(".")  # the campaign file's folder; set by load()

    @field_validator("deadline", mode="before")
    @classmethod
    def _not_a_number(cls, value: Any) -> Any:
        return refuse_unreadable_deadline(refuse_number_as_date(value))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (use an IANA name like Asia/Ho_Chi_Minh)") from exc
        return value

    @model_validator(mode="before")
    @classmethod
    def _legacy_roles(cls, data: Any) -> Any:
        if isinstance(data, dict) and "columns" in data:
            data = {**data, "columns": with_legacy_roles(data["columns"])}
        if isinstance(data, dict) and "deadline" in data:
            data = {**data, "deadline": deadline_in_zone(data["deadline"], _zone(data.get("timezone")))}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Campaign:
        problems = []
        if self.deadline.tzinfo is None:  # never once read (a day or a bare time takes the campaign's zone)
            problems.append("deadline needs a UTC offset, e.g. 2024-11-10T23:59:59+07:00")
        problems += role_problems(self.columns)
        codes = [g.code for g in self.groups]
        if len(set(codes)) != len(codes):
            problems.append("groups repeat a code")
        problems += self._tab_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _tab_problems(self) -> list[str]:
        """The worker's own tabs must differ from each other and from the agencies' tab."""
        owned = {"dashboard.tab": self.dashboard.tab, "decisions.tab": self.decisions.tab,
                 "roster.tab": self.roster.tab if isinstance(self.roster, RosterTab) else None}
        seen: dict[str, str] = {_loose(self.source.tab): "source.tab"}
        problems = []
        for key, title in owned.items():
            if title is None:
                continue
            other = seen.setdefault(_loose(title), key)
            if other != key:
                problems.append(f"{key} {title!r} is the same tab as {other}; give each its own tab")
        return problems

    # Derived values -----------------------------------------------------------------------
    @property
    def roster_path(self) -> Path | None:
        """The roster CSV (resolved), or None when the roster is a tab of the spreadsheet."""
        return None if isinstance(self.roster, RosterTab) else self.resolve(self.roster)

    @property
    def roster_tab(self) -> str | None:
        return self.roster.tab if isinstance(self.roster, RosterTab) else None
    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def start_date(self) -> dt.date:
        """The first day of the campaign window: dates before it (or after now) may be day–month swapped."""
        if self.start is None:
            return self.deadline.astimezone(self.tz).date() - DEFAULT_WINDOW
        if isinstance(self.start, dt.datetime):
            return self.start.astimezone(self.tz).date() if self.start.tzinfo else self.start.date()
        return self.start

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def group_labels(self) -> dict[str, str]:
        return {g.code: g.label for g in self.groups}

    @property
    def metric_columns(self) -> tuple[ColumnSettings, ...]:
        """Every numeric column (count, money, decimal, percent), in sheet order."""
        return metrics(self.columns)

    def role_column(self, role: ColumnRole) -> ColumnSettings | None:
        """The column with a single role (unit_name, submitted_at, group_hint), if the campaign has one."""
        found = with_role(self.columns, role)
        return found[0] if found else None

    def role_columns(self, role: ColumnRole) -> tuple[ColumnSettings, ...]:
        return with_role(self.columns, role)

    @property
    def report_filename(self) -> str:
        return self.report.filename or f"bao-cao-{self.id}.docx"

    def column(self, key: str) -> ColumnSettings | None:
        return next((c for c in self.columns if c.key == key), None)


_SHOWN_INPUTS = (str, int, float, bool, dt.date)


def _zone(name: Any) -> dt.tzinfo | None:
    """The campaign's zone as written (its default when absent), None when it is no zone."""
    try:
        return ZoneInfo(name if isinstance(name, str) else DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _loose(title: str) -> str:
    return " ".join(title.casefold().split())


def _validation_problems(exc: ValidationError, data: dict[str, Any]) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = location(tuple(p for p in err["loc"] if not str(p).startswith("function-")), data)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling against README.md, “Configuration reference”)"
        elif err["type"] not in ("missing", "value_error") and isinstance(err.get("input"), _SHOWN_INPUTS):
            msg += f" (it is {shorten(str(err['input']))!r})"
        problems.append(f"{loc}: {msg}")
    return list(dict.fromkeys(problems))


def parse(text: str, *, origin: str, base_dir: Path, placeholders: bool = False) -> Campaign:
    """Parse campaign YAML text. Raises ConfigError listing every problem.

    Values still holding a ``TODO`` placeholder are problems, unless ``placeholders``: then each
    ``"TODO: <example>"`` is read as its example (``aggregator init`` checks its own draft this way).
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(origin, [f"it is not valid YAML{where}"]) from exc
    if not isinstance(data, dict):
        raise ConfigError(origin, ["it must be a mapping of keys (id, title, deadline, source, …)"])
    todo = [] if placeholders else placeholder_problems(data)
    data = with_examples(data) if placeholders else data
    try:
        campaign = Campaign.model_validate({**data, "base_dir": base_dir})
    except ValidationError as exc:
        raise ConfigError(origin, [*todo, *_validation_problems(exc, data)]) from exc
    if todo:
        raise ConfigError(origin, todo, "Fill in every TODO value (comments do not matter) and run "
                                        "`aggregator check --config FILE` again.")
    return campaign
