"""Delivering the notifier's outbox: composing discreet messages and handing them to
an SMTP server (or, in development, to .eml files)."""
