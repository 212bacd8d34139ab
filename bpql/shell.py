"""`bpql shell`: an interactive prompt with history and keyword completion."""

from __future__ import annotations

from pathlib import Path

from bpql.backends.base import Backend
from bpql.language import DERIVED
from bpql.schema import CHANNELS, LANE_BY_KEY, NODE_KINDS

KEYWORDS = (  # noqa: SIM905 - a sentence is easier to keep in step with the grammar
    "find where return order by asc desc limit count impact risk of path from to show depth "
    "explain within scenario and or not contains starts with in uses depends on performed "
    "at supports owned true false"
).split()


def words() -> list[str]:
    out = set(KEYWORDS) | set(LANE_BY_KEY) | set(CHANNELS)
    for kind in NODE_KINDS:
        out |= {kind.plural, kind.singular, *kind.prop_names}
        out |= set(DERIVED.get(kind.label, {}))
    return sorted(out)


def run_shell(backend: Backend) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import FileHistory
    from rich.console import Console

    from bpql.engine import Engine
    from bpql.errors import BpqlError, QueryError
    from bpql.present import print_results

    history = Path.home() / ".bpql_history"
    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(history)),
        completer=WordCompleter(words(), ignore_case=True),
    )
    console = Console()
    engine = Engine(backend)
    console.print(f"bpql shell on {backend.uri}; end a query with Enter, quit with Ctrl-D")
    while True:
        try:
            text = session.prompt("bpql> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        if not text.strip():
            continue
        if text.strip().lower() in ("quit", "exit", ".quit", r"\q"):
            return 0
        try:
            print_results(engine.run(text), "table")
        except QueryError as exc:
            console.print(exc.pretty(), markup=False, highlight=False)
        except BpqlError as exc:
            console.print(f"error: {exc}", markup=False, highlight=False)
