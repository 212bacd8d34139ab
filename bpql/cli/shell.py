"""`bpql shell`: an interactive prompt with history, completion, `help` and `viz`.

A statement may span lines: it runs once it parses, and a line that leaves it unfinished (a
clause still expected) asks for more, until a blank line gives up on it. Completion comes from
`bpql.query.complete`, the source `bpql serve` uses too.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from bpql.present.terminal import HINTS, SHELL_HINTS
from bpql.query.complete import Entries, StoreEntries, complete, is_unfinished, vocabulary
from bpql.safe import terminal_text

if TYPE_CHECKING:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from bpql.backends.base import Backend

QUIT = ("quit", "exit", ".quit", r"\q")

HELP = """\
Statements (end with Enter; an unfinished one continues on the next line, a blank line drops it):
  find <kinds> [where ...] [return ...] [order by ...] [limit N]   a table
  count <kinds> by <field>                                          counts per value
  show <kind> "<id or name>" [depth N]                              a neighbourhood
  path from <kind> "<ref>" to <kind> "<ref>" [within N]             shortest paths
  impact of <kind> "<ref>"                                          what a change reaches
  risk of <kind> "<ref>"                                            what a failure breaks
  explain <statement>                                               its Cypher, run nothing
Shell commands:
  viz <statement>        draw the answer as a page and open it in a browser
  viz blueprint "<service>" [to-be]   draw one service's blueprint
  diff [<service>] [--variant V] [--view FILE] [--format json]
                         as-is with to-be from this store, as `bpql diff` (also --files,
                         --rev REV PATH, or two folders; paths from the shell's folder)
  clear                  clear the screen
  help                   this text
  quit                   leave (or Ctrl-D)
Tab completes keywords, fields, and ids and names inside quotes (service "mo<Tab>).
The language: docs/language.md; the views: docs/views.md."""


def words() -> list[str]:
    """Every keyword and word of the language (kept for callers of the old shell API)."""
    from bpql.query.complete import keywords

    return sorted(set(keywords().values()) | set(vocabulary()))


class Shell:
    """The loop's state: the store to open per query, where `viz` writes, what completes."""

    def __init__(self, open_store: Callable[[], Backend], uri: str) -> None:
        from rich.console import Console

        self.open_store = open_store
        self.uri = uri
        self.console = Console()
        self.entries = StoreEntries(open_store)
        self.pages = 0
        self.folder: Path | None = None

    def say(self, text: str) -> None:
        """A line of the shell's own (help, errors, `viz`'s page) as plain text: nothing in it
        is rich markup or reaches the terminal as a control character."""
        from rich.text import Text

        self.console.print(Text(terminal_text(text, keep_newlines=True)))

    def run(self, text: str) -> None:
        from bpql.api import Client
        from bpql.errors import BpqlError, QueryError
        from bpql.present.terminal import print_results

        # the hints under an answer name the shell's own `viz`, and the CLI for the rest
        hint = HINTS.set(SHELL_HINTS)
        try:
            command = text.split(None, 1)
            run = COMMANDS.get(command[0].lower()) if command else None
            if run is not None:
                run(self, command[1] if len(command) > 1 else "")
                return
            with self.open_store() as backend:
                results = Client.over(backend).run(text, draw=False)  # `viz` draws
            print_results(results, "table")
        except QueryError as exc:
            self.say(exc.with_source(text).pretty() if exc.source is None else exc.pretty())
        except BpqlError as exc:
            self.say(f"error: {exc}")
        finally:
            HINTS.reset(hint)
            sys.stdout.flush()

    def clear(self, text: str = "") -> None:
        """Clear a terminal's screen; on a pipe there is no screen, and nothing is written."""
        if self.console.is_terminal:
            self.console.clear()

    def diff(self, text: str) -> None:
        """`bpql diff` with the shell's store: the same arguments but `--db`, the same text,
        JSON and view; a wrong argument is one line, and the shell carries on."""
        import argparse
        import shlex

        from bpql.cli.commands import diff_arguments, run_diff
        from bpql.errors import BpqlError

        class Arguments(argparse.ArgumentParser):
            def error(self, message: str) -> NoReturn:
                raise BpqlError(f"diff: {message}", code="BPQL-C106")

        parser = Arguments(prog="diff", add_help=False)
        diff_arguments(parser)
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise BpqlError(f"diff: {exc}", code="BPQL-C107") from None
        run_diff(parser.parse_args(words), self.open_store)

    def viz(self, text: str) -> None:
        """Draw an answer (or `blueprint "<service>" [to-be]`) as a page and open it."""
        import webbrowser

        from bpql import viz
        from bpql.api import Client
        from bpql.errors import BpqlError
        from bpql.result import Kind

        if not text.strip():
            raise BpqlError(
                'viz: expected a statement, as in: viz impact of department "billing"',
                code="BPQL-C100",
            )
        with self.open_store() as backend:
            client = Client.over(backend)
            blueprint = _blueprint_words(text)
            if blueprint is not None:
                result = client.blueprint(*blueprint)
            else:
                results = client.run(text, max_nodes=viz.DEFAULT_MAX_NODES)
                if len(results) != 1 or results[0].kind is Kind.EXPLAIN:
                    raise BpqlError(
                        "viz draws the answer of one statement (not `explain`)", code="BPQL-C101"
                    )
                result = results[0]
        view = viz.render(result, title=result.title or " ".join(text.split()))
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="bpql-shell-"))
        self.pages += 1
        out = view.save(self.folder / f"view-{self.pages}.html")
        self.say(f"wrote {out}: {view.kind} view, {view.nodes} nodes, {view.edges} edges")
        webbrowser.open(out.as_uri())


#: the shell's own commands, by their word: the rest of the line is their argument
COMMANDS: dict[str, Callable[[Shell, str], None]] = {
    "viz": Shell.viz,
    "diff": Shell.diff,
    "clear": Shell.clear,
}
#: the shell's own words: a line starting with one is whole, never a statement's start
SHELL_WORDS = ("help", *COMMANDS, *QUIT)


def _blueprint_words(text: str) -> tuple[str, str] | None:
    """`blueprint "<service>" [as-is|to-be]` as (service, scenario), else None."""
    import shlex

    try:
        parts = shlex.split(text)
    except ValueError:
        return None
    if len(parts) in (2, 3) and parts[0].lower() == "blueprint":
        return parts[1], parts[2] if len(parts) == 3 else "as-is"
    return None


def statements(lines: Iterable[str], more: Callable[[], None] | None = None) -> Iterable[str]:
    """Whole statements from lines: a line continues the statement before it while that one
    is unfinished; a blank line ends it as it is (its error then shows)."""
    buffer: list[str] = []
    for line in lines:
        if not line.strip():
            if buffer:
                yield "\n".join(buffer)
                buffer = []
            continue
        buffer.append(line)
        text = "\n".join(buffer)
        first = text.split(None, 1)[0].lower()
        if first in SHELL_WORDS or not is_unfinished(text):
            yield text
            buffer = []
        elif more is not None:
            more()
    if buffer:
        yield "\n".join(buffer)


def run_shell(open_store: Callable[[], Backend], uri: str) -> int:
    """Read statements until end of input. The store is opened for each query and closed before
    the next prompt, so an idle shell holds no lock, and a load made meanwhile in another
    terminal is what the next query sees."""
    shell = Shell(open_store, uri)
    lines, set_continued = (
        _terminal_lines(shell) if sys.stdin.isatty() else (_piped_lines(), lambda: None)
    )
    shell.say(f"bpql shell on {uri}; end a query with Enter, `help` for help, quit with Ctrl-D")
    for text in statements(lines, set_continued):
        word = text.strip().lower()
        if word in QUIT:
            return 0
        if word == "help":
            shell.say(HELP)
            continue
        shell.run(text)
    return 0


def _terminal_lines(shell: Shell, **session: Any) -> tuple[Iterable[str], Callable[[], None]]:
    """prompt_toolkit, with history and completion, for a person at a terminal; the prompt
    turns to `...` while a statement continues. `session` goes to the PromptSession (a test
    gives it a pipe for input)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    if "history" not in session:
        session["history"] = FileHistory(str(Path.home() / ".bpql_history"))
    prompt: PromptSession[str] = PromptSession(
        completer=completer(shell.entries), complete_while_typing=False, **session
    )
    state = {"prompt": "bpql> "}

    def continued() -> None:
        state["prompt"] = "  ... "

    def lines() -> Iterable[str]:
        while True:
            try:
                line = prompt.prompt(state["prompt"])
            except KeyboardInterrupt:
                state["prompt"] = "bpql> "
                yield ""
                continue
            except EOFError:
                return
            state["prompt"] = "bpql> "
            yield line

    return lines(), continued


def completer(entries: Entries) -> Any:
    """A prompt_toolkit completer over `bpql.query.complete` (the text before the cursor)."""
    from prompt_toolkit.completion import Completer, Completion

    class BpqlCompleter(Completer):
        def get_completions(
            self, document: Document, complete_event: CompleteEvent
        ) -> Iterable[Completion]:
            text = document.text_before_cursor
            # a `viz ` prefix completes as the statement after it
            skip = 4 if text.lower().startswith("viz ") else 0
            found = complete(text[skip:], None, entries)
            for c in found.candidates:
                yield Completion(
                    c.text, start_position=found.start + skip - len(text), display_meta=c.meta
                )

    return BpqlCompleter()


def _piped_lines() -> Iterable[str]:
    """Standard input when it is a pipe or a file: queries fed by a program get their answers
    without a terminal's redrawing (prompt_toolkit would warn and repaint)."""
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        yield line.rstrip("\n")
