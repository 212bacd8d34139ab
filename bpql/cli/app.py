"""The `bpql` command line.

Only argparse is imported at start-up; each command imports what it needs, so `bpql --help`
stays instant. User mistakes end as one-line errors with a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bpql.cli.commands import diff_arguments, loaded, run_diff
from bpql.safe import json_text, terminal_text
from bpql.words import counted

if TYPE_CHECKING:
    from bpql.backends.base import Backend, Progress

DB_HELP = (
    "database URI: bolt://HOST:PORT or neo4j://HOST:PORT (credentials from NEO4J_USER and "
    "NEO4J_PASSWORD) or embedded:PATH; default $BPQL_DB or embedded:.bpql/graph.lbdb"
)


def _backend(args: argparse.Namespace, *, create: bool = False) -> Backend:
    """The store `--db` names; only `load` may create one, or write: every other command opens
    it read-only, so it never locks another process out."""
    from bpql.backends import connect

    return connect(args.db, create=create, read_only=not create)


def _progress() -> Progress | None:
    """A rich bar on a terminal; plain lines when BPQL_PROGRESS=plain (for logs and tests)."""
    if os.environ.get("BPQL_PROGRESS") == "plain":

        def plain(done: int, total: int) -> None:
            print(f"load: {done}/{total}", file=sys.stderr, flush=True)

        return plain
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("loading", total=None)
    started = False

    def update(done: int, total: int) -> None:
        nonlocal started
        if not started:
            bar.start()
            started = True
        bar.update(task, completed=done, total=total)
        if done >= total:
            bar.stop()

    return update


def _no_cycle_collector() -> None:
    """For a command that reads a whole enterprise and ends: the cycle collector, let back
    in after reading, walked the millions of objects read (none of them garbage) for about a
    second at 1,000 services; the process ends soon after, so it stays off. The interpreter
    still runs one collection as it ends, over every object left (0.35 s of a reload at
    10,000 services): they are frozen first, which that collection skips."""
    import atexit
    import gc

    gc.disable()
    atexit.unregister(gc.freeze)  # once, however many commands a process runs
    atexit.register(gc.freeze)


def cmd_validate(args: argparse.Namespace) -> int:
    from bpql.model.validate import validate_paths

    _no_cycle_collector()
    ent = validate_paths([Path(p) for p in args.paths])
    n = ent.graph.counts()["nodes"]
    if args.format == "json":
        print(
            json.dumps(
                {"ok": True, "enterprise": ent.name, "files": ent.files, **ent.graph.counts()},
                indent=2,
            )
        )
        return 0
    print(
        terminal_text(
            f"ok: {ent.name}: {counted(len(ent.files), 'file')}, "
            f"{counted(n['Service'], 'service')}, {counted(n['Blueprint'], 'blueprint')}, "
            f"{counted(n['Step'], 'step')}"
        )
    )
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from bpql.lint import RULES, lint_paths, load_config
    from bpql.lint.formats import FORMATS, summary

    first = Path(args.paths[0]) if args.paths else Path.cwd()
    start = first if first.is_dir() else first.parent
    config = load_config(Path(args.config) if args.config else None, start)
    if args.list_rules:
        for rid, rule in sorted(RULES.items()):
            print(f"{rid}\t{config.levels.get(rid, 'off')}\t{rule.summary}")
        return 0
    if not args.paths:
        from bpql.errors import BpqlError

        raise BpqlError("expected PATH: an enterprise folder or files to lint", code="BPQL-C047")
    report = lint_paths([Path(p) for p in args.paths], config)
    sys.stdout.write(FORMATS[args.format](report))
    if args.format == "text":
        print(summary(report), file=sys.stderr)
    return 1 if report.failed else 0


def cmd_register(args: argparse.Namespace) -> int:
    from bpql.analysis import register
    from bpql.model.validate import validate_paths

    reg = register.build(validate_paths([Path(p) for p in args.paths]))
    if args.output:
        register.write(reg, Path(args.output))
        print(terminal_text(f"wrote {args.output}: {counted(len(reg.rows), 'fail point')}"))
    elif args.format == "csv":
        sys.stdout.write(register.to_csv(reg))
    else:
        sys.stdout.write(register.to_text(reg))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from bpql.model.format import json_schema

    print(json.dumps(json_schema(args.draft), indent=2, ensure_ascii=False))
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from bpql.load.protocol import load_files

    _no_cycle_collector()
    done = load_files(
        args.db,
        [Path(p) for p in args.paths],
        dry_run=args.dry_run,
        batch_size=args.batch_size,
        progress=None if args.dry_run else _progress(),
        note=lambda line: print(line, file=sys.stderr),
    )
    ent, changes, uri = done.enterprise, done.changes, done.uri
    n = ent.graph.counts()
    if args.format == "json":
        doc: dict[str, object] = {"loaded": None if args.dry_run else ent.name}
        doc |= {"enterprise": ent.name, "db": uri, "dry_run": args.dry_run}
        doc |= {"changes": changes.to_json(), **n}
        print(json.dumps(doc, indent=2))
        return 0
    if args.dry_run:
        print(
            terminal_text(
                f"dry run: nothing written to {uri}; loading {ent.name} would make these changes:"
            )
        )
    else:
        print(
            terminal_text(
                f"loaded {ent.name} into {uri}: {sum(n['nodes'].values())} nodes, "
                f"{sum(n['relationships'].values())} relationships "
                f"in {done.seconds:.2f} s"
            )
        )
    for line in changes.lines():
        print(terminal_text(f"  {line}"))
    removed = changes.removed("Service")
    if removed:
        verb = "would be" if args.dry_run else "was" if len(removed) == 1 else "were"
        print(
            f"note: {counted(len(removed), 'service')} not in these files {verb} removed, as a "
            "store holds one enterprise; to keep them, load the whole enterprise folder",
            file=sys.stderr,
        )
    return 0


def _batch_size(text: str) -> int:
    """`--batch-size`: a whole number of rows, at least 1."""
    if not text.isdigit() or not 1 <= int(text) <= 10_000_000:
        raise argparse.ArgumentTypeError(f"expected a whole number of rows from 1, got {text!r}")
    return int(text)


def cmd_stats(args: argparse.Namespace) -> int:
    with _backend(args) as backend:
        counts = backend.counts()
        from bpql.backends.neo4j import Neo4jBackend, aura_warning

        warning = aura_warning(counts) if isinstance(backend, Neo4jBackend) else None
        if warning:  # a Neo4j server, maybe Aura Free
            print(f"warning: {warning}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(counts, indent=2))
        return 0
    from rich.console import Console

    from bpql.present.terminal import fit_table

    rows: list[list[object]] = [["node", label, c] for label, c in counts["nodes"].items()]
    rows += [["relationship", t, c] for t, c in counts["relationships"].items()]
    fit_table(["kind", "name", "count"], rows, Console())
    return 0


def _query_text(args: argparse.Namespace) -> str:
    from bpql.errors import BpqlError

    if args.file == "-":
        return sys.stdin.read()
    if args.file:
        try:
            return Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise BpqlError(f"{args.file}: cannot read: {exc.strerror}", code="BPQL-C001") from None
        except UnicodeDecodeError as exc:
            raise BpqlError(
                f"{args.file}: not UTF-8 text: byte 0x{exc.object[exc.start]:02X} cannot be "
                "read; save the file as UTF-8",
                code="BPQL-C011",
            ) from None
    if not args.query:
        raise BpqlError(
            'expected a query, as in: bpql query "find services", or -f FILE.bpql', code="BPQL-C002"
        )
    return str(args.query)


def cmd_query(args: argparse.Namespace) -> int:
    from bpql.api import Client
    from bpql.errors import BpqlError
    from bpql.present.terminal import print_results

    text = _query_text(args)
    for flag, value in (("--limit", args.limit), ("--offset", args.offset)):
        if value is not None and value < 0:
            raise BpqlError(
                f"{flag}: expected a number of rows, 0 or more; got {value}", code="BPQL-C012"
            )
    with loaded(_backend(args)) as backend:
        # the subgraph of an impact answer is fetched for JSON, which holds it, not for tables
        results = Client.over(backend).run(text, draw=args.format == "json")
        print_results(results, args.format, all_rows=args.all, limit=args.limit, offset=args.offset)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from bpql.api import Client, explain_text

    text = _query_text(args)
    with _backend(args) as backend:
        compiled = Client.over(backend).explain(text, args.dialect)
    if args.format == "json":
        print(json_text([c.to_json() for c in compiled]))
    else:
        print(terminal_text(explain_text(compiled), keep_newlines=True))
    return 0


def cmd_viz(args: argparse.Namespace) -> int:
    from bpql.errors import BpqlError, QueryError
    from bpql.viz.export import check_output

    out = Path(args.output)
    check_output(out)
    if not out.parent.is_dir():
        raise BpqlError(
            f"{args.output}: no folder {str(out.parent)!r} to write the page into", code="BPQL-C003"
        )
    _check_max_nodes(args)
    if args.blueprint is None and args.scenario is not None:
        raise BpqlError("--scenario goes with --blueprint SERVICE", code="BPQL-C005")
    if args.blueprint is None and args.observed:
        raise BpqlError("--observed goes with --blueprint SERVICE", code="BPQL-C403")
    if args.blueprint is not None and (args.query or args.file):
        raise BpqlError("give either a query or --blueprint SERVICE, not both", code="BPQL-C006")
    from bpql import viz
    from bpql.api import Client
    from bpql.result import Kind

    with loaded(_backend(args)) as backend:
        client = Client.over(backend)
        if args.blueprint is not None:
            # with --observed, what bpql observe wrote on it
            shown = client.observed_blueprint if args.observed else client.blueprint
            result = shown(args.blueprint, args.scenario or "as-is", args.variant)
            title = None
        else:
            text = _query_text(args)
            results = client.run(text, max_nodes=args.max_nodes)
            if len(results) != 1:
                raise QueryError(f"viz draws one query; got {len(results)}", code="BPQL-Q003")
            if results[0].kind is Kind.EXPLAIN:
                raise QueryError(
                    "viz draws a query's answer; `explain` has none (use bpql explain)",
                    code="BPQL-Q004",
                )
            result = results[0]
            title = result.title or " ".join(text.split())
    from bpql.viz.export import write

    view = viz.render(result, max_nodes=args.max_nodes, title=title)
    try:
        fmt = write(result, view, out)
    except OSError as exc:
        raise BpqlError(
            f"{args.output}: cannot write the page: {exc.strerror}", code="BPQL-C007"
        ) from None
    if view.message:
        print(terminal_text(f"note: {view.message}"), file=sys.stderr)
    what = {".html": "", ".svg": " as SVG", ".png": " as PNG"}[fmt]
    print(
        terminal_text(
            f"wrote {out}: {view.kind} view{what}, {view.nodes} nodes, {view.edges} edges"
        )
    )
    if args.open:
        import webbrowser

        webbrowser.open(out.resolve().as_uri())
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    """As-is with to-be (from the store, or from --files), or two versions of the files."""
    return run_diff(args, lambda: _backend(args))


def cmd_review(args: argparse.Namespace) -> int:
    """The semantic change between two revisions of an enterprise's files; exit 1 when the
    gate configured in bpql.toml fails."""
    from bpql.errors import BpqlError
    from bpql.review import review_range
    from bpql.review.formats import FORMATS

    targets = list(args.targets)
    if len(targets) > 2:
        raise BpqlError(
            f"expected at most RANGE and PATH, got {len(targets)} arguments", code="BPQL-C318"
        )
    spec: str | None = None
    path = "."
    if len(targets) == 2:
        spec, path = targets
    elif targets:
        one = targets[0]
        # a range has dots; anything that exists here is a path; the rest a revision
        if ".." in one or not Path(one).exists():
            spec = one
        else:
            path = one
    outputs: list[tuple[str, Path]] = []
    for item in args.output or []:
        fmt, sep, file = item.partition("=")
        if not sep or fmt not in FORMATS or not file:
            raise BpqlError(
                f"--output {item!r}: expected FORMAT=FILE, FORMAT one of {', '.join(FORMATS)}",
                code="BPQL-C319",
            )
        outputs.append((fmt, Path(file)))
    _no_cycle_collector()
    result = review_range(spec, path, staged=args.staged, config=args.config)
    for fmt, file in outputs:
        try:
            file.write_text(FORMATS[fmt](result), encoding="utf-8")
        except OSError as exc:
            raise BpqlError(
                f"--output {file}: cannot write: {exc.strerror}", code="BPQL-C320"
            ) from None
    sys.stdout.write(FORMATS[args.format](result))
    return 1 if result.gate.failed else 0


def cmd_lsp(args: argparse.Namespace) -> int:
    """A language server over standard input and output, for editors."""
    from bpql.errors import BpqlError

    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise BpqlError(
            "bpql lsp needs the language server extra: pip install 'bpql[lsp]'",
            code="BPQL-C330",
        ) from None
    from bpql.lsp.server import serve

    serve()
    return 0


def _export_source(args: argparse.Namespace, files_too: bool) -> object:
    """What an export reads: the files given (validated; as files for the spreadsheet), or
    the graph read back from the store."""
    if args.paths:
        from bpql.interchange.source import read_files

        _no_cycle_collector()
        ent, files = read_files([Path(p) for p in args.paths])
        return files if files_too else ent
    from bpql.backends.reads import stored_graph

    with loaded(_backend(args)) as backend:
        # every node and relationship, read as one graph (a load meanwhile is not half seen)
        return backend.consistent(lambda: stored_graph(backend))


def cmd_export(args: argparse.Namespace) -> int:
    """A thin wrapper over `bpql.interchange.<format>.export_<format>`."""
    import importlib

    from bpql.errors import BpqlError
    from bpql.interchange import FORMATS

    module, function, what = FORMATS[args.fmt]
    folder = args.fmt in ("csv", "archi-csv")
    # `-o -` is standard output, as for the other text writers
    printed = args.output is None or args.output == "-"
    if printed and (folder or args.fmt == "xlsx"):
        where = "FOLDER" if folder else "FILE.xlsx"
        raise BpqlError(f"export {args.fmt}: expected -o {where}: {what}", code="BPQL-C210")
    out = None if printed else Path(args.output)
    if out is not None and not folder and out.is_dir():
        raise BpqlError(f"{out}: a folder; expected a file to write", code="BPQL-C211")
    target = out if out is None or folder else out.parent
    if target is not None and not folder and not target.is_dir():
        raise BpqlError(f"{out}: no folder {str(target)!r} to write into", code="BPQL-C212")
    source = _export_source(args, files_too=args.fmt in ("xlsx", "csv"))
    options: dict[str, object] = {"services": args.service}
    if args.scenario is not None:
        options["scenario"] = None if args.scenario == "both" else args.scenario
    if args.fmt == "bpmn":
        options["by_role"] = args.by_role
    elif args.by_role:
        raise BpqlError("--by-role goes with bpmn (a lane per role)", code="BPQL-C213")
    export = getattr(importlib.import_module(module), function)
    try:
        written = export(source, out, **options)
    except OSError as exc:
        raise BpqlError(f"{out}: cannot write: {exc.strerror or exc}", code="BPQL-C214") from None
    if out is None:
        text = written if isinstance(written, str) else bytes(written).decode("utf-8")
        sys.stdout.write(text)
        return 0
    if folder:
        print(terminal_text(f"wrote {out}: {', '.join(written)}"))
    else:
        print(terminal_text(f"wrote {out}: {what}"))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from bpql.interchange.xlsx import import_xlsx

    _no_cycle_collector()
    report = import_xlsx(Path(args.book), Path(args.output), dry_run=args.dry_run)
    if args.format == "json":
        print(json_text(report.to_json()))
        return 0
    verb = "would write" if args.dry_run else "wrote"
    changed = len(report.written) + len(report.changed)
    print(
        terminal_text(
            f"{'dry run: ' if args.dry_run else ''}{report.enterprise}: {verb} "
            f"{counted(changed, 'file')} into {report.folder}; "
            f"{len(report.unchanged)} unchanged"
        )
    )
    for word, names in (
        ("new", report.written),
        ("changed", report.changed),
        ("kept (not in the workbook)", report.kept),
    ):
        for name in names:
            print(terminal_text(f"  {word}: {name}"))
    for sheet in report.ignored_sheets:
        note = f"note: sheet {sheet!r} is not read (not a blueprint sheet)"
        print(terminal_text(note), file=sys.stderr)
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    from bpql.cli.shell import run_shell

    # the store is opened per query, never held while the prompt waits (issue 13, item 1)
    with loaded(_backend(args)) as backend:
        uri = backend.uri
    return run_shell(lambda: _backend(args), uri)


def _check_max_nodes(args: argparse.Namespace) -> None:
    """`--max-nodes` of `bpql viz` and `bpql serve`: a whole number of at least 1."""
    from bpql.errors import BpqlError

    if args.max_nodes < 1:
        raise BpqlError(
            f"--max-nodes: expected a whole number of at least 1, got {args.max_nodes}",
            code="BPQL-C004",
        )


def cmd_serve(args: argparse.Namespace) -> int:
    import math

    from bpql.cli.serve import exposure_warning, host_entry, run_server
    from bpql.errors import BpqlError

    if not 0 <= args.port < 65536:
        raise BpqlError(
            f"--port: expected 0 (any free port) to 65535, got {args.port}", code="BPQL-C102"
        )
    timeout = args.query_timeout
    if not (math.isfinite(timeout) and 0 <= timeout <= 86_400):
        raise BpqlError(
            f"--query-timeout: expected seconds, 0 (no limit) to 86400; got {timeout:g}",
            code="BPQL-C105",
        )
    _check_max_nodes(args)
    for entry in args.allow_host or ():
        host_entry(entry)  # one line for a bad name, before the store is opened
    # the store is checked once, then opened read-only per request, never held in between
    with loaded(_backend(args)) as backend:
        uri = backend.uri
    warning = exposure_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    run_server(
        lambda: _backend(args),
        uri,
        args.host,
        args.port,
        allow_hosts=args.allow_host or (),
        query_timeout=timeout or None,
        max_nodes=args.max_nodes,
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bpql.cli.demo import run_demo

    return run_demo(Path(args.store) if args.store else None)


def cmd_observe(args: argparse.Namespace) -> int:
    """Hold an event log against its blueprint; write the aggregates to the store."""
    from bpql.errors import BpqlError
    from bpql.observe.analyse import observe
    from bpql.observe.mapping import read_mapping
    from bpql.observe.report import WRITERS, text, to_json

    _no_cycle_collector()
    output = Path(args.output) if args.output else None
    if output is not None:
        if output.suffix.lower() not in WRITERS:
            raise BpqlError(
                f"{output}: expected a .xlsx or .json file for the report", code="BPQL-C400"
            )
        if not output.parent.is_dir():
            raise BpqlError(
                f"{output}: no folder {str(output.parent)!r} to write the report into",
                code="BPQL-C401",
            )
    mapping_path = Path(args.mapping)
    if not mapping_path.exists():
        raise BpqlError(f"{mapping_path}: no such mapping file", code="BPQL-C402")
    mapping = read_mapping(mapping_path)
    observed = observe(mapping)
    written = None
    if not args.dry_run:
        from bpql.backends import connect
        from bpql.observe.store import write_observed

        with connect(args.db, create=False, read_only=False) as backend:
            write_observed(backend, observed, mapping)
            periods = ", ".join(p.period for p in observed.periods)
            written = f"written to {backend.uri}: {mapping.blueprint}, periods {periods}"
    if output is not None:
        WRITERS[output.suffix.lower()](observed, output)
    if args.format == "json":
        print(json_text({**to_json(observed), "written": written, "dry_run": args.dry_run}))
    else:
        for line in text(observed, written):
            print(line)
        if output is not None:
            print(terminal_text(f"report: {output}"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from bpql.version import __version__

    parser = argparse.ArgumentParser(
        prog="bpql",
        description="Service blueprints of a whole enterprise as one graph, and a small "
        "language to ask it questions.",
    )
    parser.add_argument("--version", action="version", version=f"bpql {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        name: str, fn: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=fn)
        return p

    p = add("validate", cmd_validate, "check blueprint files; write nothing")
    p.add_argument("paths", nargs="+", metavar="PATH", help="enterprise folders or files")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p = add(
        "lint",
        cmd_lint,
        "check that blueprints make sense (lanes, support, ownership); exit 1 on an error",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="enterprise folders or files")
    p.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    p.add_argument(
        "--config", metavar="FILE", help="bpql.toml or pyproject.toml (default: the nearest)"
    )
    p.add_argument(
        "--list-rules", action="store_true", help="print every rule and its configured level"
    )
    p = add(
        "register",
        cmd_register,
        "the risk register: every fail point with its priority, action and owner",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="enterprise folders or files")
    p.add_argument("-o", "--output", help="write it to a .xlsx or .csv file")
    p.add_argument("--format", choices=["text", "csv"], default="text")
    p = add(
        "schema",
        cmd_schema,
        "print the JSON Schema of the blueprint file format, for editors (it accepts every "
        "file `bpql validate` accepts, before cross-file checks)",
    )
    p.add_argument(
        "--draft",
        choices=["2020-12", "07"],
        default="2020-12",
        help="the JSON Schema dialect (default 2020-12; 07 for editors that read draft-07)",
    )
    p = add(
        "load",
        cmd_load,
        "load an enterprise (validated first; all or nothing) and print what it adds, changes "
        "and removes",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="enterprise folders or files")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print what the load would add, change and remove; write nothing",
    )
    p.add_argument(
        "--batch-size",
        type=_batch_size,
        metavar="ROWS",
        help="Neo4j: rows a write transaction holds at most (default $BPQL_BATCH_SIZE or "
        "10000); a load larger than that is staged beside the live graph and switched in, so "
        "a server needs only a batch's memory",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p = add(
        "observe",
        cmd_observe,
        "hold an event log against its blueprint (conformance, deviations, waits, fall-out, "
        "observed risk) and write the figures, never the events, to the store",
    )
    p.add_argument("mapping", metavar="MAPPING", help="the mapping file (docs/observe.md)")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument(
        "--dry-run", action="store_true", help="print the figures; write nothing to the store"
    )
    p.add_argument("-o", "--output", help="also write the figures to a .xlsx or .json file")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p = add("stats", cmd_stats, "node counts per label and relationship counts per type")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p = add("query", cmd_query, "run BPQL queries and print their answers")
    p.add_argument("query", nargs="?", help='a BPQL query, such as "find services"')
    p.add_argument(
        "-f", "--file", help="read the queries from a .bpql file (- reads standard input)"
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument(
        "--all",
        action="store_true",
        help="print every row of a large answer (past 1,000 rows its summary is printed)",
    )
    p.add_argument("--limit", type=int, help="print (or write as JSON) only N of its rows")
    p.add_argument("--offset", type=int, help="skip its first M rows")
    p = add("explain", cmd_explain, "print the Cypher and parameters of a query; run nothing")
    p.add_argument("query", nargs="?", help="a BPQL query")
    p.add_argument(
        "-f", "--file", help="read the queries from a .bpql file (- reads standard input)"
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument(
        "--dialect",
        choices=["neo4j", "ladybug"],
        help="render for this dialect (default: the db's)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p = add(
        "viz",
        cmd_viz,
        "draw a query's answer, or one blueprint, as a self-contained interactive HTML page",
    )
    p.add_argument("query", nargs="?", help="a BPQL query, such as 'show system \"crm\"'")
    p.add_argument("-f", "--file", help="read the query from a .bpql file (- reads standard input)")
    p.add_argument(
        "--blueprint", metavar="SERVICE", help="draw this service's blueprint (id or name)"
    )
    p.add_argument(
        "--scenario", choices=["as-is", "to-be"], help="with --blueprint (default as-is)"
    )
    p.add_argument(
        "--variant",
        help='with --blueprint: which to-be variant, when there are several; "" for the one '
        "without a variant",
    )
    p.add_argument(
        "-o",
        "--output",
        default="bpql-view.html",
        help="the file to write: .html (interactive page), .svg (blueprint and impact views) "
        "or .png (through headless Chromium)",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=3000,
        help="above this many nodes, draw the result collapsed per service (default 3000)",
    )
    p.add_argument("--open", action="store_true", help="open the page in a browser")
    p.add_argument(
        "--observed",
        action="store_true",
        help="with --blueprint: the steps marked with what bpql observe wrote (docs/observe.md)",
    )
    p.add_argument("--db", help=DB_HELP)
    p = add(
        "diff",
        cmd_diff,
        "compare a service's as-is with its to-be, or two versions of the files (two folders, "
        "or a git revision with --rev): steps, fail points and the designer's figures",
    )
    diff_arguments(p)
    p.add_argument("--db", help=DB_HELP)
    p = add(
        "review",
        cmd_review,
        "what a change to the files does, between two git revisions: services, steps, "
        "handoffs, what changed shared things reach, fail points, lint; exit 1 when the gate "
        "in bpql.toml fails",
    )
    p.add_argument(
        "targets",
        nargs="*",
        metavar="[RANGE] [PATH]",
        help="RANGE: BASE..HEAD, BASE...HEAD (from their merge base) or BASE (against the "
        "working files; default HEAD); PATH: the enterprise folder, a folder inside it or one "
        "of its files (default .)",
    )
    p.add_argument(
        "--staged",
        action="store_true",
        help="compare the index (what git commit would "
        "record) with HEAD, or with the one revision given",
    )
    p.add_argument(
        "--format", choices=["text", "json", "markdown", "sarif", "gitlab"], default="text"
    )
    p.add_argument(
        "-o",
        "--output",
        action="append",
        metavar="FORMAT=FILE",
        help="also write the review in FORMAT to FILE (repeat: markdown=review.md "
        "sarif=review.sarif)",
    )
    p.add_argument(
        "--config", metavar="FILE", help="bpql.toml or pyproject.toml (default: the nearest)"
    )
    p = add(
        "lsp",
        cmd_lsp,
        "a language server over standard input and output for blueprint files and .bpql "
        "queries (needs pip install 'bpql[lsp]')",
    )
    p = add(
        "export",
        cmd_export,
        "write blueprints for other tools: xlsx (the blueprint grid), csv, archimate, "
        "archi-csv, bpmn, mermaid, drawio (docs/interchange.md)",
    )
    p.add_argument(
        "fmt",
        metavar="FORMAT",
        choices=["xlsx", "csv", "archimate", "archi-csv", "bpmn", "mermaid", "drawio"],
        help="xlsx, csv, archimate, archi-csv, bpmn, mermaid or drawio",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="enterprise folders or files (validated first); none: the store (--db)",
    )
    p.add_argument(
        "-o",
        "--output",
        help="the file (or folder, for csv and archi-csv) to write; text formats print "
        "without it or with -o -",
    )
    p.add_argument(
        "--service",
        action="append",
        metavar="SERVICE",
        help="only this service (id or name); repeat for more (default: every service)",
    )
    p.add_argument(
        "--scenario",
        choices=["as-is", "to-be", "both"],
        help="which blueprints (default: both for xlsx, csv and archimate; as-is for bpmn, "
        "mermaid and drawio)",
    )
    p.add_argument("--by-role", action="store_true", help="bpmn: a lane per role inside each lane")
    p.add_argument("--db", help=DB_HELP)
    p = add(
        "import",
        cmd_import,
        "read a workbook (as bpql export xlsx writes it, edited or not) back into blueprint "
        "files; all or nothing",
    )
    p.add_argument("fmt", metavar="FORMAT", choices=["xlsx"], help="xlsx")
    p.add_argument("book", metavar="BOOK", help="the .xlsx workbook to read")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FOLDER",
        help="the enterprise folder to write into (files the workbook leaves as they are "
        "keep their bytes)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="check and say what would change; write nothing"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p = add("shell", cmd_shell, "an interactive BPQL prompt with history and completion")
    p.add_argument("--db", help=DB_HELP)
    p = add(
        "serve",
        cmd_serve,
        "a local web explorer: ask queries with completion, see answers as views and tables, "
        "expand nodes, open blueprints (read-only)",
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; anything else is reachable by others, with "
        "no authentication)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="also answer requests for this host name (NAME or NAME:PORT; repeatable): by "
        "default only localhost, 127.0.0.1, [::1] and the bound address are answered",
    )
    p.add_argument(
        "--query-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="stop a request's work on the store after this long (default 10; 0: no limit)",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=3000,
        help="above this many nodes, a view is drawn collapsed, and an answer reaching more "
        "steps is read without its subgraph (default 3000)",
    )
    p = add(
        "demo",
        cmd_demo,
        "load the example enterprises into a fresh embedded store and "
        "answer the four daily questions",
    )
    p.add_argument("--store", help="folder for the demo stores (default: a temporary folder)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from bpql.errors import BpqlError

    try:
        code: int = args.func(args)
        return code
    except BpqlError as exc:
        if getattr(args, "format", None) != "json":
            print(exc.for_terminal(), file=sys.stderr)
            return exc.exit_code
        # programs asked for JSON: the problem as data on stdout, still a non-zero exit
        print(json_text({"error": exc.to_json()}))
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
