"""`ebbflow`: the command line, the outermost layer that wires the others. One
function per command, grouped by theme: the instance, exports, the demo, benchmarks.

Exit codes: 0 success, 1 failure (one line on stderr), 2 bad usage.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from ledger.domain.exceptions import LedgerError
from web.cli import benchmarks, demo, exports, instance

ebbflow = click.Group(
    "ebbflow", help="Ebb & Flow: a shared-needs ledger for couples.",
    epilog="Configured by EBBFLOW_DATABASE_URL, EBBFLOW_CIPHER_KEY, EBBFLOW_SECRET_KEY.",
    context_settings={"max_content_width": 120},  # whole help lines in a wide terminal
    commands=[instance.migrate, demo.demo, instance.project, instance.notify,
              instance.rebuild,
              instance.dead_letters, instance.serve, exports.export, exports.verify, exports.key,
              exports.import_export, instance.backup, instance.restore, benchmarks.bench],
)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command and answers its exit code; what the ledger refuses is one
    line on stderr, as is any usage error (click's, exit 2)."""
    try:
        code = ebbflow.main(args=list(argv) if argv is not None else None,
                            prog_name="ebbflow", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except LedgerError as error:
        click.echo(f"ebbflow: {error}", err=True)
        return 1
    return code if isinstance(code, int) else 0
