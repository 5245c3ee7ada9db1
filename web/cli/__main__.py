"""`python -m web.cli`: the `ebbflow` command, as child processes and tests run it."""

import sys

from web.cli import main

if __name__ == "__main__":  # not again in a process a rebuild spawns (parallel_replay)
    sys.exit(main())
