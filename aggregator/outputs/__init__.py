"""The cycle's result → status.json, the dashboard layout, the report context, reminders. Pure."""
