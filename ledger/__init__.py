"""Ebb & Flow's domain and application: the couple's ledger as immutable events.

Nothing here imports Flask, marshmallow, the projections or the web layer.
"""
