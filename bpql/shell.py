"""`bpql shell`: an interactive prompt with history and keyword completion."""

from __future__ import annotations

import sys
from collections.abc import Callable
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


def run_shell(open_store: Callable[[], Backend], uri: str) -> int:
    """Read queries until end of input. The store is opened for each query and closed before
    the next prompt, so an idle shell holds no lock, and a load made meanwhile in another
    terminal is what the next query sees."""
    from rich.console import Console

    from bpql.engine import Engine
    from bpql.errors import BpqlError, QueryError
    from bpql.present import print_results

    prompt = _terminal_prompt() if sys.stdin.isatty() else _piped_prompt
    console = Console()
    console.print(f"bpql shell on {uri}; end a query with Enter, quit with Ctrl-D")
    while True:
        try:
            text = prompt()
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        if not text.strip():
            continue
        if text.strip().lower() in ("quit", "exit", ".quit", r"\q"):
            return 0
        try:
            with open_store() as backend:
                results = Engine(backend).run(text)
            print_results(results, "table")
        except QueryError as exc:
            console.print(exc.pretty(), markup=False, highlight=False)
        except BpqlError as exc:
            console.print(f"error: {exc}", markup=False, highlight=False)
        sys.stdout.flush()


def _terminal_prompt() -> Callable[[], str]:
    """prompt_toolkit, with history and completion, for a person at a terminal."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import FileHistory

    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(Path.home() / ".bpql_history")),
        completer=WordCompleter(words(), ignore_case=True),
    )
    return lambda: session.prompt("bpql> ")


def _piped_prompt() -> str:
    """One line of standard input when it is a pipe or a file: queries fed by a program get
    their answers without a terminal's redrawing (prompt_toolkit would warn and repaint)."""
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")
