"""The agencies' tab as read: its header row mapped to the campaign's columns."""
