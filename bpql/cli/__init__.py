"""The front ends over the pipeline: the command line (`app`), the shell, the explorer
(`serve`), the demo, completion, and what the shell shares with the command line
(`commands`). Each answers through `bpql.api.Client`."""

from bpql.cli.app import main

__all__ = ["main"]
