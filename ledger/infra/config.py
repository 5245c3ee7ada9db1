"""Settings from the environment, and their translation into eventsourcing's own.

`EBBFLOW_DATABASE_URL` picks the backend; everything secret comes from the
environment, except that a development instance generates its keys into its data
folder (mode 0600) so one command runs it. Production refuses to start without them.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ledger.domain.exceptions import ConfigurationError

DEFAULT_DATABASE_URL = "sqlite:///./var/ebbflow.db"
APP_NAME = "ebbflow_ledger"  # prefixes PostgreSQL tables; env keys EBBFLOW_LEDGER_*
SNAPSHOT_INTERVAL = 50
AGGREGATE_CACHE_SIZE = 200  # ledgers per process; a 100k-entry one is ~50 MB in memory


@dataclass(frozen=True)
class ServerSettings:
    """How the web tier is served (gunicorn, `ebbflow serve`): read here like every
    other setting, without the instance's keys, which the server master never needs."""

    bind: str = "127.0.0.1:8000"  # EBBFLOW_BIND
    workers: int = 2  # EBBFLOW_WORKERS (default 2 per CPU)
    threads: int = 4  # EBBFLOW_THREADS (default max(4, 2 per CPU))
    worker_timeout: int = 30  # EBBFLOW_WORKER_TIMEOUT, seconds
    forwarded_allow_ips: str = "127.0.0.1"  # EBBFLOW_FORWARDED_ALLOW_IPS
    log_level: str = "INFO"  # EBBFLOW_LOG_LEVEL
    ratelimit_storage_url: str = "memory://"  # EBBFLOW_RATELIMIT_STORAGE_URL
    metrics_dir: str | None = None  # PROMETHEUS_MULTIPROC_DIR (`ebbflow serve` sets one)
    gunicorn_config: str | None = None  # EBBFLOW_GUNICORN_CONFIG

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        env = os.environ if environ is None else environ
        cpus = os.cpu_count() or 1
        return cls(
            bind=env.get("EBBFLOW_BIND", "127.0.0.1:8000"),
            workers=int(env.get("EBBFLOW_WORKERS", str(cpus * 2))),
            threads=int(env.get("EBBFLOW_THREADS", str(max(4, cpus * 2)))),
            worker_timeout=int(env.get("EBBFLOW_WORKER_TIMEOUT", "30")),
            forwarded_allow_ips=env.get("EBBFLOW_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            log_level=env.get("EBBFLOW_LOG_LEVEL", "INFO"),
            ratelimit_storage_url=env.get("EBBFLOW_RATELIMIT_STORAGE_URL") or "memory://",
            metrics_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
            gunicorn_config=env.get("EBBFLOW_GUNICORN_CONFIG") or None,
        )


@dataclass(frozen=True)
class Settings:
    database_url: str
    cipher_key: str
    secret_key: str
    data_dir: Path
    production: bool = False
    create_tables: bool = True
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    extra_env: Mapping[str, str] = field(default_factory=dict)
    erasure_log_path: Path | None = None  # EBBFLOW_ERASURE_LOG
    trusted_export_keys: tuple[str, ...] = ()  # EBBFLOW_TRUSTED_EXPORT_KEYS (base64 Ed25519)
    import_max_events: int = 25_000  # EBBFLOW_IMPORT_MAX_EVENTS
    proxies: int = 0  # EBBFLOW_PROXIES: reverse proxies in front whose X-Forwarded-* count
    hsts: bool = False  # EBBFLOW_HSTS: served over TLS (Strict-Transport-Security, Secure)
    ratelimit_storage_url: str = "memory://"  # EBBFLOW_RATELIMIT_STORAGE_URL
    ready_max_lag: int = 1000  # EBBFLOW_READY_MAX_LAG: /readyz's bound on a view's lag
    metrics_token: str = ""  # EBBFLOW_METRICS_TOKEN: when set, /metrics wants it
    smtp_url: str = ""  # EBBFLOW_SMTP_URL: smtp://, smtps://, smtp+starttls:// (or ?starttls=1)
    mail_from: str = "Notes <notes@localhost>"  # EBBFLOW_MAIL_FROM: a neutral sender
    base_url: str = "http://127.0.0.1:8000"  # EBBFLOW_BASE_URL: where emailed links point
    digest_time: str = "08:00"  # EBBFLOW_DIGEST_TIME: digests and reminders, ledger time

    @property
    def erasure_log(self) -> Path:
        """The erasure journal (ledger/erasures.py): outside the database on purpose."""
        return self.erasure_log_path or self.data_dir / "erasures.log"

    @property
    def outbox_dir(self) -> Path:
        """Where a development instance without SMTP writes its emails (.eml)."""
        return self.data_dir / "outbox"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @property
    def sqlite_path(self) -> Path:
        return sqlite_path(self.database_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get("EBBFLOW_DATABASE_URL") or DEFAULT_DATABASE_URL
        production = env.get("EBBFLOW_ENV", "development").lower() == "production"
        data_dir = Path(env.get("EBBFLOW_DATA_DIR") or _default_data_dir(url))
        cipher_key = env.get("EBBFLOW_CIPHER_KEY") or _dev_secret(
            production, data_dir, "cipher.key", "EBBFLOW_CIPHER_KEY", _new_cipher_key
        )
        _check_cipher_key(cipher_key)
        secret_key = env.get("EBBFLOW_SECRET_KEY") or _dev_secret(
            production, data_dir, "secret.key", "EBBFLOW_SECRET_KEY", _new_secret
        )
        create_default = "yes" if url.startswith("sqlite:") else "no"
        return cls(
            database_url=url,
            cipher_key=cipher_key,
            secret_key=secret_key,
            data_dir=data_dir,
            production=production,
            create_tables=_truthy(env.get("EBBFLOW_CREATE_TABLES", create_default)),
            erasure_log_path=Path(env["EBBFLOW_ERASURE_LOG"])
            if env.get("EBBFLOW_ERASURE_LOG") else None,
            argon2_time_cost=int(env.get("EBBFLOW_ARGON2_TIME_COST", "3")),
            argon2_memory_cost=int(env.get("EBBFLOW_ARGON2_MEMORY_KIB", "65536")),
            trusted_export_keys=tuple(k.strip() for k in env.get(
                "EBBFLOW_TRUSTED_EXPORT_KEYS", "").split(",") if k.strip()),
            import_max_events=int(env.get("EBBFLOW_IMPORT_MAX_EVENTS", "25000")),
            proxies=int(env.get("EBBFLOW_PROXIES", "0")),
            hsts=env.get("EBBFLOW_HSTS", "") == "1",
            ratelimit_storage_url=env.get("EBBFLOW_RATELIMIT_STORAGE_URL") or "memory://",
            ready_max_lag=int(env.get("EBBFLOW_READY_MAX_LAG", "1000")),
            metrics_token=env.get("EBBFLOW_METRICS_TOKEN", ""),
            smtp_url=env.get("EBBFLOW_SMTP_URL", ""),
            mail_from=env.get("EBBFLOW_MAIL_FROM") or "Notes <notes@localhost>",
            base_url=(env.get("EBBFLOW_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
            digest_time=env.get("EBBFLOW_DIGEST_TIME") or "08:00",
        )

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over TLS: in production, or wherever HSTS says TLS is in front."""
        return self.production or self.hsts

    def with_changes(self, **changes: object) -> Settings:
        values = {**self.__dict__, **changes}
        return Settings(**values)

    def eventsourcing_env(self) -> dict[str, str]:
        """The library's configuration for this instance (encryption always on)."""
        env = {
            "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
            "CIPHER_KEY": self.cipher_key,
            "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
            "CREATE_TABLE": "y" if self.create_tables else "n",
            "AGGREGATE_CACHE_MAXSIZE": str(AGGREGATE_CACHE_SIZE),
            "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",  # safe: see ledger.locks
            "IS_SNAPSHOTTING_ENABLED": "y",
        }
        env.update(_backend_env(self.database_url))
        env.update(self.extra_env)
        return env


    def view_path(self, projection: str) -> Path:
        """SQLite views live in disposable sibling files, one per projection."""
        path = self.sqlite_path
        return path.with_name(f"{path.stem}-{projection}{path.suffix or '.db'}")

    def projection_env(self, projection: str) -> dict[str, str]:
        """One environment for a view, as the library's runner takes it: the log's
        keys under the application's name, the view's keys under the projection's."""
        app_prefix = APP_NAME.upper() + "_"
        env = {app_prefix + key: value for key, value in self.eventsourcing_env().items()}
        view = {
            "CREATE_TABLE": "y" if self.create_tables else "n",
            **_backend_env(self.database_url),
        }
        view.pop("APPLICATION_RECORDER_TOPIC", None)
        if self.is_sqlite:
            view["SQLITE_DBNAME"] = str(self.view_path(projection))
        else:
            view["POSTGRES_POOL_SIZE"] = "1"  # more open under load (max_overflow)
        env.update({f"{projection.upper()}_{key}": value for key, value in view.items()})
        return env


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise ConfigurationError(f"not a SQLite URL: {url.split(':', 1)[0]}:…")
    return Path(url[len("sqlite:///") :])


def _backend_env(url: str) -> dict[str, str]:
    if url.startswith("sqlite:"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": "ledger.infra.stores.sqlite:SQLiteLedgerRecorder",
        }
    if url.startswith(("postgresql:", "postgres:")):
        return postgres_env(url)
    raise ConfigurationError("EBBFLOW_DATABASE_URL must start with sqlite:/// or postgresql://")


def postgres_env(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_POOL_SIZE": query.get("pool_size", ["2"])[0],  # idle connections kept
        "POSTGRES_MAX_OVERFLOW": query.get("max_overflow", ["10"])[0],
        "POSTGRES_LOCK_TIMEOUT": "10",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        # No ping per checkout (a round trip each): a connection the server dropped
        # fails its statement, the pool discards it, and the statement is retried.
        "POSTGRES_PRE_PING": "n",
        "APPLICATION_RECORDER_TOPIC": "ledger.infra.stores.postgres:PostgresLedgerRecorder",
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"][0]
    return env


def _default_data_dir(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return sqlite_path(url).parent
    return Path("var")


def _dev_secret(
    production: bool, data_dir: Path, name: str, var: str, make: Callable[[], str]
) -> str:
    if production:
        raise ConfigurationError(f"{var} is required when EBBFLOW_ENV=production")
    path = data_dir / name
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = make()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process generated it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def _new_cipher_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _new_secret() -> str:
    return secrets.token_urlsafe(48)


def _check_cipher_key(key: str) -> None:
    try:
        raw = base64.b64decode(key, validate=True)
    except ValueError:
        raise ConfigurationError("EBBFLOW_CIPHER_KEY is not valid base64") from None
    if len(raw) != 32:
        raise ConfigurationError("EBBFLOW_CIPHER_KEY must be 32 bytes, base64-encoded")


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "y", "yes", "true", "on"}
