"""Each generation of a view has names of its own: tables, indexes, tracking key."""

from __future__ import annotations

from projections.views.generations import ViewUpgrading, suffixed, with_generation_indexes
from projections.views.timeline import TimelineStore


def test_generation_one_keeps_the_names_views_had_before_generations() -> None:
    ddl = TimelineStore.DDL[1]
    assert with_generation_indexes(ddl, 1) == ddl
    assert suffixed("entries", 1) == "entries"


def test_a_later_generation_suffixes_its_index_names_so_both_can_exist_at_once() -> None:
    created = with_generation_indexes(
        "CREATE INDEX IF NOT EXISTS timeline_order ON entries_g3 (ledger_id)", 3)
    dropped = with_generation_indexes("DROP INDEX IF EXISTS history_by_entry", 3)
    assert created == "CREATE INDEX IF NOT EXISTS timeline_order_g3 ON entries_g3 (ledger_id)"
    assert dropped == "DROP INDEX IF EXISTS history_by_entry_g3"


def test_a_view_being_upgraded_says_so_to_readers_and_asks_them_to_come_back() -> None:
    error = ViewUpgrading("balance", 2, 3)
    assert str(error) == "this view (balance) is being upgraded; try again shortly"
    assert (error.stored, error.expected, error.retry_after) == (2, 3, 30)
