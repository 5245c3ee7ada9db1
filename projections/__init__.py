"""Read models rebuilt from the ledger's event log: history, timeline, balance.

Arrows point inward: this package imports `ledger`, never `web`.
"""
