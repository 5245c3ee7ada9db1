"""Shared fixtures: real SQLite files and a throwaway schema on the real PostgreSQL.

Under CI=true a PostgreSQL (or browser) test that cannot run fails instead of
skipping, and any skip at all fails the session: a skip in CI hides a gap.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ledger.app.application import LedgerApplication, migrate
from ledger.infra.config import Settings
from projections.notify.running import migrate_notifier
from projections.read_models import ReadModels
from projections.runner import migrate_views, project
from tests.helpers import Couple, ManualClock, make_couple

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_BASE = os.environ.get(
    "EBBFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
CHEAP_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost": 1024}


def cannot_run(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/ebbflow.db"


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A schema of its own in the `test` database, dropped afterwards."""
    try:
        admin = psycopg.connect(POSTGRES_BASE, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        cannot_run(f"PostgreSQL is not reachable at {POSTGRES_BASE}: {error}")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{POSTGRES_BASE}?schema={schema}"
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


def settings_for(url: str, key_dir: Path) -> Settings:
    base = Settings.from_env({"EBBFLOW_DATABASE_URL": url, "EBBFLOW_DATA_DIR": str(key_dir)})
    return base.with_changes(**CHEAP_HASHING)


def migrated(url: str, tmp_path: Path) -> Settings:
    """A fresh instance at `url`: tables and views made, as `ebbflow migrate` does."""
    settings = settings_for(url, tmp_path / "keys")
    migrate(settings)
    migrate_notifier(settings)
    migrate_views(settings)
    return settings.with_changes(create_tables=False)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return migrated(database_url, tmp_path)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def app(settings: Settings, clock: ManualClock) -> Iterator[LedgerApplication]:
    application = LedgerApplication(settings, clock=clock)
    yield application
    application.close()


@pytest.fixture
def couple(app: LedgerApplication) -> Couple:
    return make_couple(app)


class _SkipsFailInCI:
    """Counts skips; under CI=true a session with any skip exits non-zero."""

    def __init__(self) -> None:
        self.skipped: list[str] = []

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped:
            self.skipped.append(report.nodeid)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if IN_CI and self.skipped and exitstatus == 0:
            session.exitstatus = 1
            print(f"\nCI: {len(self.skipped)} test(s) skipped, which CI does not allow:")
            for nodeid in self.skipped[:20]:
                print(f"  {nodeid}")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # only the controlling process judges
        config.pluginmanager.register(_SkipsFailInCI(), "ebbflow-skips-fail-in-ci")


class Projector:
    """The real projector (`ebbflow project`) on a thread beside a test's app, as
    `ebbflow serve` runs it: reads that wait for the views (exports, downloads,
    read-your-writes) are answered as in production."""

    SYNC_SECONDS = 20.0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.models = ReadModels(settings)
        self.log = LedgerApplication(settings)
        self.start()

    def start(self) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=project, args=(self.settings, self.stop),
                                       name="test-projector", daemon=True)
        self.thread.start()

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """The projector down for a while, as when its process has died."""
        self.stop.set()
        self.thread.join(10)
        try:
            yield
        finally:
            self.start()

    def sync(self) -> None:
        """Until every view includes everything recorded so far."""
        head = self.log.max_position()
        assert self.models.wait_for(head, self.SYNC_SECONDS), "the projector fell behind"

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        self.models.close()
        self.log.close()


@pytest.fixture
def projector(settings: Settings) -> Iterator[Projector]:
    running = Projector(settings)
    yield running
    running.close()


@pytest.fixture
def read_models(settings: Settings) -> Iterator[ReadModels]:
    models = ReadModels(settings)
    yield models
    models.close()
