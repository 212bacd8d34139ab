"""Cypher lives in three packages only: `bpql/query/render/` (the dialects), `bpql/backends/`
(the stores' own reads and writes: `reads.py`, `writes.py`) and `bpql/query/statements/` (each
analysis statement's plan is its own module, issue 24 item 1, so its Cypher stays beside its
shaper).
Anywhere else a Cypher clause in a string is a read or a write that bypassed those modules.

The check reads code strings through `tokenize`, so a clause named in a docstring, a comment
or a sentence (`handoff created`) is not one; a string that is a statement of its own (a
docstring, a bare string) is skipped. It looks for the clauses that start a read or a write,
upper case as the project writes them: MATCH, OPTIONAL MATCH, MERGE, CREATE, DETACH DELETE.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import bpql

#: where Cypher may be written, relative to the package
ALLOWED = ("query/render", "backends", "query/statements")
#: a Cypher clause that reads or writes, as a whole upper-case word
CLAUSE = re.compile(r"\b(?:MATCH|MERGE|CREATE|DETACH\s+DELETE)\b")

_FSTRING_START = getattr(tokenize, "FSTRING_START", None)  # Python 3.12+: f-strings in parts
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", None)
_STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}


def code_strings(text: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal in `text` that is part of an expression: not a
    docstring or any other string standing alone as a statement, never a comment."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(text).readline)
        if t.type not in (tokenize.COMMENT, tokenize.NL)
    ]
    # each string as one item: (index of its first token, of its last, line, text)
    found: list[tuple[int, int, int, str]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == tokenize.STRING:
            found.append((i, i, t.start[0], t.string))
        elif _FSTRING_START is not None and t.type == _FSTRING_START:
            j, depth, parts = i, 0, [t.string]
            while True:
                tj = tokens[j]
                depth += tj.type == _FSTRING_START
                depth -= tj.type == _FSTRING_END
                if tj.type == _FSTRING_MIDDLE:
                    parts.append(tj.string)
                if depth == 0:
                    break
                j += 1
            found.append((i, j, t.start[0], "".join(parts)))
            i = j
        i += 1
    out = []
    for first, last, line, string in found:
        before = tokens[first - 1].type if first else tokenize.NEWLINE
        after = tokens[last + 1].type if last + 1 < len(tokens) else tokenize.ENDMARKER
        alone = before in _STATEMENT_START and after in (tokenize.NEWLINE, tokenize.ENDMARKER)
        if not alone:
            out.append((line, string))
    return out


def cypher_in(text: str) -> list[tuple[int, str]]:
    """(line, string) of each code string in `text` that holds a Cypher clause."""
    return [(line, s) for line, s in code_strings(text) if CLAUSE.search(s)]


def offenders(package: Path) -> list[str]:
    """`path:line: string` for each Cypher clause in a code string of `package` outside the
    packages allowed to hold Cypher."""
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if any(rel.as_posix().startswith(f"{allowed}/") for allowed in ALLOWED):
            continue
        for line, string in cypher_in(path.read_text(encoding="utf-8")):
            out.append(f"{rel.as_posix()}:{line}: {string[:80]}")
    return out


def test_no_cypher_outside_render_backends_and_statements() -> None:
    package = Path(bpql.__file__).parent
    assert offenders(package) == [], (
        "Cypher outside bpql/render, bpql/backends and bpql/statements: a read belongs in "
        "bpql/backends/reads.py, a write in bpql/backends/writes.py"
    )


PLANTED = '''"""A module that MATCHes nothing: MATCH (n) RETURN n in a docstring is words."""

# a comment may say MATCH (n) DETACH DELETE n
NOTE = "the handoff created by the move, and a match (case) of words"


def count(backend, label):
    """MATCH (n) in a function's docstring is words too."""
    _, rows = backend.read(f"MATCH (n:{label}) RETURN count(n) AS c", {})
    return rows


def wipe(run):
    run("MATCH (n) " "DETACH DELETE n", {})
    run(
        "UNWIND $rows AS row "
        "MERGE (n:Step {id: row.id})",
        {},
    )
    return ["CREATE (n:Step)"]
'''


def test_the_check_finds_a_planted_clause_and_not_words() -> None:
    lines = [line for line, _ in cypher_in(PLANTED)]
    # the f-string read, the DETACH DELETE, the MERGE, the CREATE; no docstring, comment or
    # sentence
    assert lines == [9, 14, 14, 17, 20]


def test_the_walk_fails_on_a_clause_planted_outside_the_allowed_packages(tmp_path: Path) -> None:
    package = tmp_path / "bpql"
    for rel in (
        "words.py",
        "backends/reads.py",
        "query/render/x.py",
        "query/statements/y.py",
        "query/z.py",
        "observe/z.py",
    ):
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text('"""MATCH (n) in a docstring."""\nX = 1\n', encoding="utf-8")
    assert offenders(package) == []
    for rel in ("backends/reads.py", "query/render/x.py", "query/statements/y.py"):
        (package / rel).write_text('Q = "MATCH (n) RETURN n"\n', encoding="utf-8")
    assert offenders(package) == []
    real = Path(bpql.__file__).parent / "words.py"
    planted = real.read_text(encoding="utf-8") + '\n\nQ = f"MATCH (n:{1}) RETURN n"\n'
    (package / "words.py").write_text(planted, encoding="utf-8")
    (package / "observe/z.py").write_text('def f(r):\n    r("CREATE (n:X)")\n', encoding="utf-8")
    (package / "query/z.py").write_text('Q = "MERGE (n:X)"\n', encoding="utf-8")
    found = offenders(package)
    assert [f.split(": ", 1)[0] for f in found] == [
        "observe/z.py:2",
        "query/z.py:1",
        f"words.py:{len(planted.splitlines())}",
    ]


def engine_makers(text: str) -> list[int]:
    """Lines of `text` that make an Engine (a call of the name `Engine`)."""
    import ast

    return [
        node.lineno
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Engine"
    ]


def test_the_front_ends_ask_through_the_client() -> None:
    """One façade (issue 24 item 5): the CLI, the shell, the explorer and the demo answer a
    text through `api.Client` (`Client.over` on the store they opened); only the client makes
    an engine."""
    root = Path(bpql.__file__).parent
    found = [
        f"{path.relative_to(root)}:{line}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "engine.py" and path.relative_to(root) != Path("api.py")
        for line in engine_makers(path.read_text(encoding="utf-8"))
    ]
    assert found == [], found
    planted = "from bpql.query.engine import Engine\n\ndef f(b):\n    return Engine(b).run('x')\n"
    assert engine_makers(planted) == [4]


def imports_of(text: str, module: str, package: bool, known: set[str]) -> set[str]:
    """The modules of `known` that a module's code imports, lazy imports inside functions
    included (they still make a cycle, only a hidden one); `if TYPE_CHECKING:` imports
    excluded (never run). An import names the most specific module it reaches."""
    tree = ast.parse(text)
    unrun = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    here = module if package else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in unrun:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names = [f"{base}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                out.add(name)
    return out


def import_cycles(modules: dict[str, tuple[str, bool]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's walk), each sorted."""
    known = set(modules)
    edges = {m: imports_of(text, m, package, known) for m, (text, package) in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    """Issue 24: 0 import cycles among bpql's modules, counting the lazy imports that used to
    hide two (`backends/base.py` <-> `diff.py`, `viz/page.py` <-> `viz/diffview.py`); the
    package's root, whose public names import `api` lazily, is imported by no module of it
    (the version is `bpql/version.py`)."""
    root = Path(bpql.__file__).parent
    modules: dict[str, tuple[str, bool]] = {}
    for path in root.rglob("*.py"):
        parts = ["bpql", *path.relative_to(root).with_suffix("").parts]
        package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if package else parts)] = (
            path.read_text(encoding="utf-8"),
            package,
        )
    assert len(modules) > 100
    assert import_cycles(modules) == []
    planted = {
        "bpql": ("def f():\n    from bpql import a\n", True),
        "bpql.a": ("from bpql.b import x\n", False),
        "bpql.b": ("import bpql\nif TYPE_CHECKING:\n    from bpql.a import y\n", False),
        "bpql.c": ("from . import a\n", False),
    }
    assert import_cycles(planted) == [["bpql", "bpql.a", "bpql.b"]]
