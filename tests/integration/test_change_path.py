"""The one save path: conflicts retried, unsaved changes never linger in the cache,
threads of one process never share an aggregate mid-command."""

from __future__ import annotations

import threading
from uuid import uuid4

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.ledger import Ledger
from ledger.domain.places import entry_text
from ledger.domain.values import MomentKind, SupportType, Visibility
from ledger.infra.config import Settings
from tests.helpers import Couple


def need(app: LedgerApplication, couple: Couple, text: str = "n") -> None:
    app.express_need(couple.ledger_id, couple.alex, need=text, intensity=1,
                     support_type=SupportType.EMOTIONAL)


def test_a_write_from_another_process_is_merged_by_retrying(settings: Settings,
                                                            couple: Couple) -> None:
    mine = couple.app
    need(mine, couple)  # caches the ledger in this process
    other = LedgerApplication(settings)
    try:
        need(other, couple, "from elsewhere")
    finally:
        other.close()
    need(mine, couple)  # the cached ledger is behind: fast-forwarded, or retried
    assert len(mine.get_ledger(couple.ledger_id).entries) == 3
    fresh = LedgerApplication(settings)
    try:
        assert len(fresh.get_ledger(couple.ledger_id).entries) == 3
    finally:
        fresh.close()


def test_a_command_that_fails_after_changing_the_aggregate_leaves_nothing_behind(
    couple: Couple,
) -> None:
    app = couple.app

    def change_then_fail(ledger: Ledger) -> None:
        now = app.clock()
        entry_id = uuid4()
        ledger.express_need(couple.alex, entry_id=entry_id, occurred_at=now,
                            need=app.seal_for(couple.ledger_id, couple.alex,
                                              entry_text(couple.ledger_id, entry_id, "need"),
                                              "lost"),
                            feeling=None, situation=None, support_type=SupportType.ESTEEM,
                            intensity=2, recurring=False, visibility=Visibility.SHARED, now=now)
        raise RuntimeError("the command broke after changing the ledger")

    with pytest.raises(RuntimeError):
        app.change_ledger(couple.ledger_id, couple.alex, change_then_fail)
    ledger = app.get_ledger(couple.ledger_id)
    assert ledger.entries == {}
    need(app, couple)
    assert len(app.get_ledger(couple.ledger_id).entries) == 1


def test_eight_threads_of_one_process_write_into_one_ledger_without_loss(
    couple: Couple,
) -> None:
    app = couple.app
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(25):
                need(app, couple, f"thread {n} need {i}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = list(app.events.get(couple.ledger_id))
    assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
    assert len(app.get_ledger(couple.ledger_id).entries) == 200


def test_a_version_conflict_between_load_and_save_is_retried_on_fresh_state(
    settings: Settings, couple: Couple,
) -> None:
    app, other = couple.app, LedgerApplication(settings)
    attempts: list[int] = []

    def write_without_the_writer_lock() -> None:
        """A writer that skips the lock (an older release, a repair script)."""
        ledger = other.get_ledger(couple.ledger_id)
        now = other.clock()
        moment_id = uuid4()
        ledger.share_moment(couple.sam, entry_id=moment_id, occurred_at=now,
                            kind=MomentKind.GOOD_NEWS, text=other.seal_for(
                                couple.ledger_id, couple.sam,
                                entry_text(couple.ledger_id, moment_id, "text"), "sneaked in"),
                            visibility=Visibility.SHARED, now=now)
        other.save(ledger)

    def command(ledger: Ledger) -> None:
        attempts.append(ledger.version)
        if len(attempts) == 1:  # someone else writes while this command runs
            write_without_the_writer_lock()
        now = app.clock()
        need_id = uuid4()
        ledger.express_need(couple.alex, entry_id=need_id, occurred_at=now,
                            need=app.seal_for(couple.ledger_id, couple.alex,
                                              entry_text(couple.ledger_id, need_id, "need"),
                                              "mine"),
                            feeling=None, situation=None, support_type=SupportType.ESTEEM,
                            intensity=2, recurring=False, visibility=Visibility.SHARED, now=now)

    try:
        recorded = app.change_ledger(couple.ledger_id, couple.alex, command)
    finally:
        other.close()
    assert attempts == [attempts[0], attempts[0] + 1]
    assert recorded.version == attempts[0] + 2
    assert len(app.get_ledger(couple.ledger_id).entries) == 2


def test_the_writer_lock_excludes_threads_of_one_process_and_orders_many_ledgers(
    app: LedgerApplication,
) -> None:
    """Two threads of one process queue on the same ledger's lock (POSIX record locks
    let a process's threads share it), and threads taking several ledgers' locks in
    opposite orders never see a spurious EDEADLK (seen under load with POSIX locks)."""
    recorder = app.recorder
    first, second = uuid4(), uuid4()
    held, waiter_got_it = threading.Event(), threading.Event()
    release = threading.Event()

    def holder() -> None:
        with recorder.writer_lock([first]):
            held.set()
            release.wait(5)

    def waiter() -> None:
        held.wait(5)
        with recorder.writer_lock([first]):
            waiter_got_it.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=waiter)]
    for thread in threads:
        thread.start()
    held.wait(5)
    assert not waiter_got_it.wait(0.3)  # queued behind the holder
    release.set()
    assert waiter_got_it.wait(5)
    for thread in threads:
        thread.join()

    errors: list[BaseException] = []

    def crossing(ids: list) -> None:
        try:
            for _ in range(200):
                with recorder.writer_lock(ids):
                    pass
        except BaseException as error:
            errors.append(error)

    many = [threading.Thread(target=crossing, args=([first, second] if n % 2 else
                                                    [second, first],)) for n in range(6)]
    for thread in many:
        thread.start()
    for thread in many:
        thread.join()
    assert errors == []
