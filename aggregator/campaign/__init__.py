"""The campaign file's model (settings, columns, report words) and the roster of expected units. Pure."""

from aggregator.campaign.settings import (
    REQUIRED_KEYS,
    Campaign,
    ColumnSettings,
    DashboardSettings,
    GroupSettings,
    MatchingSettings,
    NotifySettings,
    Reference,
    ReminderSettings,
    ReportSettings,
    ResubmissionSettings,
    ScheduleSettings,
    Signer,
    SmtpSettings,
    SourceSettings,
    parse,
)

__all__ = [
    "REQUIRED_KEYS", "Campaign", "ColumnSettings", "DashboardSettings", "GroupSettings", "MatchingSettings",
    "NotifySettings", "Reference", "ReminderSettings", "ReportSettings", "ResubmissionSettings",
    "ScheduleSettings", "Signer", "SmtpSettings", "SourceSettings", "parse",
]
