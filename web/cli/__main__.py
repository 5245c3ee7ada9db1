"""`python -m web.cli`: the `ebbflow` command, as child processes and tests run it."""

import sys

from web.cli import main

sys.exit(main())
