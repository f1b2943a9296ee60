"""The campaign file's model (settings, columns, report words) and the roster of expected units. Pure."""

from aggregator.campaign.columns import ColumnSettings
from aggregator.campaign.report_words import AutoSentences, Headings, Reference, ReportSettings, Sentences, Signer
from aggregator.campaign.settings import (
    Campaign,
    DashboardSettings,
    DecisionSettings,
    GroupSettings,
    MatchingSettings,
    NotifySettings,
    ReminderSettings,
    ResubmissionSettings,
    RosterTab,
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
    "DecisionSettings",
    "GroupSettings",
    "Headings",
    "MatchingSettings",
    "NotifySettings",
    "Reference",
    "ReminderSettings",
    "ReportSettings",
    "ResubmissionSettings",
    "RosterTab",
    "ScheduleSettings",
    "Sentences",
    "Signer",
    "SmtpSettings",
    "SourceSettings",
    "parse",
]
