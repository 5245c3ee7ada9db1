"""Mutable tables beside the events, in the same database: sign-in tokens and
idempotency records. Written once in neutral SQL (`{tokens}` names, `?` marks);
each recorder renders it for its backend.

Idempotency records are written inside the transaction that appends the events
(`write_idempotency` is called from the recorders' insert path), so a crash can
never leave events without their record or a record without its events.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

AUX_TABLES = ("tokens", "idempotency")
AUX_DDL = (
    "CREATE TABLE IF NOT EXISTS {tokens} (token_id TEXT PRIMARY KEY, "
    "token_hash TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, kind TEXT NOT NULL, "
    "created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, last_used_at BIGINT, "
    "user_agent TEXT, revoked_at BIGINT)",
    "CREATE INDEX IF NOT EXISTS {tokens_index} ON {tokens} (account_id)",
    "CREATE TABLE IF NOT EXISTS {idempotency} (account_id TEXT NOT NULL, "
    "method TEXT NOT NULL, path TEXT NOT NULL, idem_key TEXT NOT NULL, "
    "body_hash TEXT NOT NULL, state TEXT NOT NULL, claimed_at BIGINT NOT NULL, "
    "ledger_id TEXT, status INTEGER, response TEXT, "
    "PRIMARY KEY (account_id, method, path, idem_key))",
)


@dataclass(frozen=True)
class IdempotentResponse:
    """The response a repeat of a request will get. `seal(position)` answers it
    encrypted, completed with the log position only known inside the transaction."""

    account_id: str
    method: str
    path: str
    key: str
    ledger_id: str | None
    status: int
    seal: Callable[[int], str]


class AuxiliaryTables:
    datastore: Any

    @abstractmethod
    def aux_sql(self, text: str) -> str:
        """The statement with real table names and this backend's placeholders."""

    def aux_statements(self) -> list[str]:
        return [self.aux_sql(ddl) for ddl in AUX_DDL]

    def aux(self, text: str, params: Sequence[Any] = (), *, commit: bool = True) -> list[Any]:
        if not commit:
            return self.read_rows(self.aux_sql(text), params)
        return self.write_rows(self.aux_sql(text), params)

    def write_rows(self, statement: Any, params: Sequence[Any] = ()) -> list[Any]:
        """One writing statement in its own transaction; the rows it returns, if any."""
        with self.datastore.transaction(commit=True) as cursor:
            self.before_write(cursor)
            cursor.execute(statement, tuple(params))
            try:
                return list(cursor.fetchall())
            except Exception:
                return []

    def before_write(self, cursor: Any) -> None:
        """SQLite zeroes what a write deletes (`secure_delete`); PostgreSQL needs nothing."""

    def read_rows(self, statement: Any, params: Sequence[Any] = ()) -> list[Any]:
        """One read-only statement (PostgreSQL overrides it: one round trip, not three)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, tuple(params))
            return list(cursor.fetchall())

    # ------------------------------------------------------------------ tokens

    def insert_token(self, row: dict[str, Any]) -> None:
        columns = ("token_id", "token_hash", "account_id", "kind", "created_at", "expires_at",
                   "user_agent")
        self.aux(f"INSERT INTO {{tokens}} ({', '.join(columns)}) VALUES "  # noqa: S608
                 f"({', '.join('?' * len(columns))})", [row[c] for c in columns])

    def token_by_hash(self, token_hash: str) -> Any:
        rows = self.aux("SELECT * FROM {tokens} WHERE token_hash = ?", (token_hash,),
                        commit=False)
        return rows[0] if rows else None

    def touch_token(self, token_id: str, at: int) -> None:
        self.aux("UPDATE {tokens} SET last_used_at = ? WHERE token_id = ?", (at, token_id))

    def tokens_of(self, account_id: str, now: int) -> list[Any]:
        return self.aux("SELECT * FROM {tokens} WHERE account_id = ? AND revoked_at IS NULL "
                        "AND expires_at > ? ORDER BY created_at", (account_id, now), commit=False)

    def revoke_tokens(self, account_id: str, at: int, token_id: str | None = None) -> int:
        """Revokes the account's live tokens (or the one named); answers how many."""
        if token_id is None:
            return len(self.aux("UPDATE {tokens} SET revoked_at = ? WHERE account_id = ? "
                                "AND revoked_at IS NULL RETURNING token_id", (at, account_id)))
        return len(self.aux("UPDATE {tokens} SET revoked_at = ? WHERE account_id = ? "
                            "AND token_id = ? AND revoked_at IS NULL RETURNING token_id",
                            (at, account_id, token_id)))

    def revoke_other_tokens(self, account_id: str, at: int, keep: str | None) -> None:
        self.aux("UPDATE {tokens} SET revoked_at = ? WHERE account_id = ? AND token_id <> ? "
                 "AND revoked_at IS NULL", (at, account_id, keep or ""))

    def revoke_tokens_of_kind(self, account_id: str, kind: str, at: int) -> None:
        self.aux("UPDATE {tokens} SET revoked_at = ? WHERE account_id = ? AND kind = ? "
                 "AND revoked_at IS NULL", (at, account_id, kind))

    def delete_tokens(self, account_id: str) -> None:
        self.aux("DELETE FROM {tokens} WHERE account_id = ?", (account_id,))

    # ------------------------------------------------------------- idempotency

    def idempotency_record(self, account_id: str, method: str, path: str, key: str) -> Any:
        rows = self.aux("SELECT * FROM {idempotency} WHERE account_id = ? AND method = ? "
                        "AND path = ? AND idem_key = ?", (account_id, method, path, key),
                        commit=False)
        return rows[0] if rows else None

    def claim_idempotency(self, account_id: str, method: str, path: str, key: str,
                          body_hash: str, now: int, stale_before: int) -> bool:
        """Marks the key in flight; False if another request holds a fresh claim."""
        self.aux("DELETE FROM {idempotency} WHERE account_id = ? AND method = ? AND path = ? "
                 "AND idem_key = ? AND state = 'in_flight' AND claimed_at < ?",
                 (account_id, method, path, key, stale_before))
        rows = self.aux("INSERT INTO {idempotency} (account_id, method, path, idem_key, "
                        "body_hash, state, claimed_at) VALUES (?, ?, ?, ?, ?, 'in_flight', ?) "
                        "ON CONFLICT DO NOTHING RETURNING idem_key",
                        (account_id, method, path, key, body_hash, now))
        return bool(rows)

    def release_idempotency(self, account_id: str, method: str, path: str, key: str) -> None:
        self.aux("DELETE FROM {idempotency} WHERE account_id = ? AND method = ? AND path = ? "
                 "AND idem_key = ? AND state = 'in_flight'", (account_id, method, path, key))

    def write_idempotency(self, cursor: Any, record: IdempotentResponse, position: int) -> None:
        """Inside the events' transaction: the stored response, now with its position."""
        sealed = record.seal(position)
        cursor.execute(self.aux_sql(
            "UPDATE {idempotency} SET state = 'done', status = ?, response = ?, ledger_id = ? "
            "WHERE account_id = ? AND method = ? AND path = ? AND idem_key = ?"),
            (record.status, sealed, record.ledger_id, record.account_id, record.method,
             record.path, record.key))

    def purge_idempotency(self, *, account_id: str | None = None,
                          ledger_id: str | None = None, older_than: int | None = None) -> None:
        """Stored replies hold words under the instance key, not the partner's: on an
        erasure they are deleted and scrubbed (`scrub_idempotency`), not just expired."""
        if account_id is not None and ledger_id is not None:
            self.aux("DELETE FROM {idempotency} WHERE account_id = ? AND ledger_id = ?",
                     (account_id, ledger_id))
        elif account_id is not None:
            self.aux("DELETE FROM {idempotency} WHERE account_id = ?", (account_id,))
        elif ledger_id is not None:
            self.aux("DELETE FROM {idempotency} WHERE ledger_id = ?", (ledger_id,))
        elif older_than is not None:
            self.aux("DELETE FROM {idempotency} WHERE claimed_at < ?", (older_than,))
        self.scrub_idempotency()

    def erase_idempotency(self, ledger_id: str) -> None:
        """Every stored reply of a ledger loses its body (it may hold a forgotten
        partner's words) but keeps its claim, so a retry still records nothing."""
        self.aux("UPDATE {idempotency} SET response = NULL, state = 'erased' "
                 "WHERE ledger_id = ?", (ledger_id,))
        self.scrub_idempotency()

    def scrub_idempotency(self) -> None:
        """Leaves no copy of deleted rows in the files (overridden per backend)."""
