"""Reminders by e-mail: a shift tomorrow, a vote closing soon, a balance overdue."""
