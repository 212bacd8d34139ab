"""Loading: validate every file, then write the whole enterprise in one atomic step."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bpql.backends.base import Backend, Progress
from bpql.graphdata import Enterprise


def load(backend: Backend, paths: Sequence[Path], progress: Progress | None = None) -> Enterprise:
    """Make the store hold exactly the enterprise in `paths`.

    Validation of every file finishes before the first write, and the write is one
    transaction, so a bad file or a crash leaves the store as it was. Loading the same files
    again gives the same graph; a step deleted from a file disappears from the graph.
    """
    from bpql.model.validate import validate_paths

    return write(backend, validate_paths(paths), progress)


def write(backend: Backend, enterprise: Enterprise, progress: Progress | None = None) -> Enterprise:
    """Make the store hold exactly `enterprise`, already validated, in one transaction
    (with its lint findings when the lint settings say `store = true`)."""
    from bpql.lint.store import annotate

    annotate(enterprise)
    backend.replace_graph(enterprise.graph, progress)
    return enterprise
