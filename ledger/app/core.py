"""The application's core: storage, keys, the clock, and the one save path.

Every command goes load → domain method → save through `change()`, which retries
version conflicts a bounded number of times (re-reading and re-running the
command) and answers the log position and new version of what it recorded.
"""

from __future__ import annotations

import base64
import contextlib
import random
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from ledger.app.replies import Replies
from ledger.domain.accounts import Account
from ledger.domain.exceptions import Conflict, NotFound, PreconditionFailed
from ledger.domain.ledger import Ledger
from ledger.domain.places import Place
from ledger.domain.texts import clean_text
from ledger.domain.values import SealedText
from ledger.infra.config import APP_NAME, SNAPSHOT_INTERVAL, Settings
from ledger.infra.erasures import ErasureJournal
from ledger.infra.locks import AggregateLocks
from ledger.infra.passwords import Passwords
from ledger.infra.sealing import KeyRing, KeyStore, partner_key_id
from ledger.infra.tokens import Tokens
from ledger.infra.transcodings import register_ledger_transcodings

T = TypeVar("T")
MAX_ATTEMPTS = 40
BACKOFF_BASE = 0.001  # seconds; doubled per lost race, capped, fully jittered
BACKOFF_CAP = 0.064


@dataclass(frozen=True)
class Recorded:
    """What a command answers: the new id (if any), log position, ledger version."""

    id: UUID | None
    position: int
    version: int


def utc_now() -> datetime:
    return datetime.now(UTC)


class CoreApplication(Application[UUID]):
    name = APP_NAME
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Ledger: SNAPSHOT_INTERVAL,
        Account: SNAPSHOT_INTERVAL,
    }

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        super().__init__(env=settings.eventsourcing_env())
        store: Any = self.recorder
        self.keys = KeyRing(store if isinstance(store, KeyStore) else _no_keys(store),
                            base64.b64decode(settings.cipher_key),
                            ErasureJournal(settings.erasure_log))
        self.passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_cost)
        self.tokens = Tokens(store, clock)
        self.replies = Replies(store, self.keys)
        self.locks = AggregateLocks()
        self.on_recorded: list[Callable[[list[Any]], None]] = []  # e.g. the appends metric

    def _notify(self, recordings: list[Any]) -> None:
        super()._notify(recordings)
        for listener in self.on_recorded:
            listener(recordings)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_ledger_transcodings(transcoder)

    # ------------------------------------------------------------------ saving

    def change(
        self,
        lock_ids: Sequence[UUID],
        load: Callable[[], Sequence[Aggregate | None]],
        command: Callable[..., Iterable[Aggregate] | None],
        *,
        expected_version: int | None = None,
        **save_kwargs: Any,
    ) -> Recorded:
        """Loads the aggregates, runs the command on them and saves them, with any new
        aggregates the command returns, in one transaction. On a version conflict it
        does it all again (bounded). `expected_version` applies to the first loaded.

        `lock_ids` names every existing aggregate `load` reads: they are held from
        load to save, and evicted from the cache whenever a change is not saved.
        `prepare(aggregates)`, if given, sees the changed aggregates (their pending
        events) just before saving and may add save arguments (an idempotency record)."""
        prepare: Callable[[Sequence[Aggregate]], dict[str, Any]] | None = \
            save_kwargs.pop("prepare", None)
        with self.locks.hold(*lock_ids), self.writer_lock(lock_ids):
            for attempt in range(MAX_ATTEMPTS):
                loaded = load()
                first = loaded[0]
                if expected_version is not None and first is not None \
                        and first.version != expected_version:
                    raise PreconditionFailed(f"the ledger is at version {first.version}")
                try:
                    created = list(command(*loaded) or ())
                    aggregates = [a for a in [*loaded, *created] if a is not None]
                    extra = prepare(aggregates) if prepare is not None else {}
                    recordings = self.save(*aggregates, **save_kwargs, **extra)
                except IntegrityError:
                    self._evict(loaded)
                    time.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)))  # noqa: S311
                    continue
                except BaseException:
                    self._evict(loaded)
                    raise
                position = recordings[-1].notification.id if recordings else self.max_position()
                primary = next((a for a in aggregates if isinstance(a, Ledger)), aggregates[0])
                return Recorded(primary.id, position, primary.version)
        raise Conflict("too many changes at once; please try again")

    def change_ledger(self, ledger_id: UUID, actor: UUID, command: Callable[[Ledger], None],
                      expected_version: int | None = None, **save_kwargs: Any) -> Recorded:
        """The usual case: one ledger, checked to be the actor's, one command."""
        return self.change([ledger_id], lambda: [self.get_ledger(ledger_id, actor)], command,
                           expected_version=expected_version, **save_kwargs)

    def writer_lock(self, aggregate_ids: Sequence[UUID]) -> AbstractContextManager[None]:
        recorder: Any = self.recorder
        return recorder.writer_lock(aggregate_ids)  # type: ignore[no-any-return]

    def _evict(self, aggregates: Sequence[Aggregate | None]) -> None:
        """Drops aggregates that may hold unsaved changes from the cache."""
        cache = self.repository.cache
        for aggregate in aggregates:
            if cache is not None and aggregate is not None:
                with contextlib.suppress(KeyError):
                    cache.get(aggregate.id, evict=True)

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    # ----------------------------------------------------------------- loading

    def get_ledger(self, ledger_id: UUID, actor: UUID | None = None) -> Ledger:
        """The ledger, or 'not found' when it does not exist, is erased, or (given an
        actor) the actor is not one of its partners."""
        ledger = self._get(ledger_id, Ledger)
        if ledger.is_erased or (actor is not None and not ledger.is_active_partner(actor)):
            raise NotFound("ledger not found")
        return ledger

    def get_account(self, account_id: UUID) -> Account:
        account = self._get(account_id, Account)
        account.check_exists()
        return account

    def ledger_as_recorded_at(self, ledger_id: UUID, actor: UUID, recorded_at: datetime) -> Ledger:
        """The ledger as it stood at a recorded time: bisects versions on single-event
        reads, then loads that version from the nearest snapshot."""
        current = self.get_ledger(ledger_id, actor)
        low, high = 1, current.version
        if self._timestamp_at(ledger_id, low) > recorded_at:
            raise NotFound("the ledger did not exist yet")
        while low < high:
            middle = (low + high + 1) // 2
            if self._timestamp_at(ledger_id, middle) <= recorded_at:
                low = middle
            else:
                high = middle - 1
        ledger: Ledger = self.repository.get(ledger_id, version=low)
        return ledger

    def _timestamp_at(self, aggregate_id: UUID, version: int) -> datetime:
        stored = self.recorder.select_events(aggregate_id, gt=version - 1, lte=version)
        event: Any = self.mapper.to_domain_event(stored[0])
        timestamp: datetime = event.timestamp
        return timestamp

    @staticmethod
    def find(load: Callable[[], T]) -> T | None:
        """What `load` answers, or None where it would be 'not found'."""
        try:
            return load()
        except NotFound:
            return None

    def _get(self, aggregate_id: UUID, cls: type[T]) -> T:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"{cls.__name__.lower()} not found") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{cls.__name__.lower()} not found")
        return aggregate

    # ----------------------------------------------------------------- sealing

    def seal_for(self, ledger_id: UUID, actor: UUID, place: Place, text: str,
                 field: str | None = None) -> SealedText:
        """The actor's words, validated (errors name `field`, by default the place's),
        sealed with their key for this ledger at `place`."""
        return self.keys.seal(partner_key_id(ledger_id, actor),
                              clean_text(field or place.field, text), place)

    def seal_optional(self, ledger_id: UUID, actor: UUID, place: Place, text: str | None,
                      field: str | None = None) -> SealedText | None:
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        return self.seal_for(ledger_id, actor, place, text, field)


def _no_keys(recorder: object) -> KeyStore:
    raise TypeError(f"{type(recorder).__name__} has no key table; use the ebbflow recorders")
