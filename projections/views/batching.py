"""How a view applies a batch of row changes: plain inserts as one executemany per
op, counters summed per key and written once, anything else in order after what
is pending. A rebuild's batch (thousands of events) is mostly inserts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking


@dataclass(frozen=True)
class RowChange:
    """One operation of a view, named after its `op_<name>` method."""

    op: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pending:
    """What a batch has yet to write: inserted rows by op, summed counters by key."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sums: dict[tuple[str, ...], dict[str, int]] = field(default_factory=dict)

class Batching:
    """The batch half of a view store (mixed into ViewStore)."""

    INSERTS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {}

    def apply_in(self, cursor: Any, changes: Sequence[RowChange], tracking: Tracking) -> None:
        """A batch's plain inserts (ops named in INSERTS) go to the database as one
        executemany per op, and the counters they add to (`counted`) are summed and
        written once per key; any other op first writes what is pending, so it sees
        every row before it. A rebuild's batch is mostly inserts."""
        pending = Pending()
        for change in changes:
            if change.op in self.INSERTS:
                pending.rows.setdefault(change.op, []).append(change.args)
                for key, deltas in self.counted(change.op, change.args):
                    counter = pending.sums.setdefault(key, {})
                    for name, delta in deltas.items():
                        counter[name] = counter.get(name, 0) + delta
            else:
                self.write_pending(cursor, pending)
                getattr(self, f"op_{change.op}")(cursor, **change.args)
        self.write_pending(cursor, pending)
        self._insert_tracking(cursor, tracking)  # type: ignore[attr-defined]

    def counted(self, op: str, row: dict[str, Any]) -> list[tuple[tuple[str, ...],
                                                                  dict[str, int]]]:
        """The counters (by key) an inserted row adds to: none, unless a view keeps some."""
        return []

    def write_sums(self, cursor: Any, sums: dict[tuple[str, ...], dict[str, int]]) -> None:
        """Adds summed counters to their rows: a view that counts says how (checked
        when the class is made); one that does not count has none to write."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.counted is not Batching.counted and cls.write_sums is Batching.write_sums:
            raise TypeError(f"{cls.__name__} counts (counted) but cannot write its sums "
                            "(write_sums)")

    def write_pending(self, cursor: Any, pending: Pending) -> None:
        for op, rows in pending.rows.items():
            self.insert_many(cursor, op, rows)
        if pending.sums:
            self.write_sums(cursor, pending.sums)
        pending.rows, pending.sums = {}, {}

    def insert_many(self, cursor: Any, op: str, rows: list[dict[str, Any]]) -> None:
        table, columns = self.INSERTS[op]
        statement = (f"INSERT INTO {{{table}}} ({', '.join(columns)}) "  # noqa: S608
                     f"VALUES ({', '.join('?' * len(columns))})")
        rendered = self.render(statement)  # type: ignore[attr-defined]
        cursor.executemany(rendered, [[row[c] for c in columns] for row in rows])

