"""The campaign file's model (settings, columns, report words) and the roster of expected units. Pure."""

from aggregator.campaign.columns import ColumnSettings
from aggregator.campaign.report_words import AutoSentences, Headings, Reference, ReportSettings, Sentences, Signer
from aggregator.campaign.settings import (
    Campaign,
    DashboardSettings,
    GroupSettings,
    MatchingSettings,
    NotifySettings,
    ReminderSettings,
    ResubmissionSettings,
    ScheduleSettings,
    SmtpSettings,
    SourceSettings,
    parse,
)

__all__ = [
    "AutoSentences",
    "Campaign",
    "ColumnSettings",
    "DashboardSettings",
    "GroupSettings",
    "Headings",
    "MatchingSettings",
    "NotifySettings",
    "Reference",
    "ReminderSettings",
    "ReportSettings",
    "ResubmissionSettings",
    "ScheduleSettings",
    "Sentences",
    "Signer",
    "SmtpSettings",
    "SourceSettings",
    "parse",
]
