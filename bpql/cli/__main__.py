"""`python -m bpql.cli`: the command line, as the `bpql` script runs it."""

import sys

from bpql.cli.app import main

sys.exit(main())
