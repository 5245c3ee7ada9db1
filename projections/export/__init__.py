"""Exports for counselling: a verifiable JSON record (hash-chained, signed) and a CSV
of entries, streamed from the views with bounded memory."""
