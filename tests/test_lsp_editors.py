"""The editors' set-ups against the real server: a headless VS Code cannot run here, so the VS
Code extension's client configuration (its compiled `out/config.js`: the command, the
documents it hands over and their language ids) is read with node and the same messages sent
to `bpql lsp` started with that command; the Neovim and Helix set-ups of docs/editors.md are
read from the page and used the same way. The extension is built and packaged with npm (as
scripts/test does in CI) and its .vsix checked to hold what VS Code loads."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as t

from bpql.lsp.client import Session
from bpql.model.format import json_schema
from tests.conftest import EXAMPLES, ROOT
from tests.test_lsp import own_loop

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXTENSION = ROOT / "editors/vscode"
DOCS = ROOT / "docs/editors.md"


def npm(*args: str) -> None:
    done = subprocess.run(
        ["npm", *args], cwd=EXTENSION, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.fixture(scope="module")
def built() -> Path:
    """The extension compiled and packaged (`npm ci && npm run compile && vsce package`)."""
    if not (EXTENSION / "node_modules").is_dir():
        npm("ci", "--no-audit", "--no-fund")
    npm("run", "compile")
    vsix = EXTENSION / "bpql.vsix"
    if not vsix.exists() or vsix.stat().st_mtime < (EXTENSION / "out/extension.js").stat().st_mtime:
        npm("run", "package")
    return vsix


def test_the_vsix_holds_what_vs_code_loads(built: Path) -> None:
    with zipfile.ZipFile(built) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("extension/package.json"))
    for needed in (
        "extension/out/extension.js",
        "extension/out/config.js",
        "extension/schemas/blueprint.schema.json",
        "extension/syntaxes/bpql.tmLanguage.json",
        "extension/language-configuration.json",
        "extension/node_modules/vscode-languageclient/package.json",
    ):
        assert needed in names, needed
    assert not any(n.startswith("extension/src/") for n in names)
    assert manifest["main"] == "./out/extension.js"
    (schema,) = manifest["contributes"]["yamlValidation"]
    assert "extension/" + schema["url"].removeprefix("./") in names


def test_the_schema_is_the_one_bpql_schema_prints() -> None:
    """`bpql schema --draft 07`, committed for the YAML extension: a file-format change that
    forgot to write it again fails here."""
    committed = json.loads(
        (EXTENSION / "schemas/blueprint.schema.json").read_text(encoding="utf-8")
    )
    assert committed == json_schema("07")


def client_config() -> dict[str, Any]:
    out = subprocess.run(
        [
            "node",
            "-e",
            "process.stdout.write(JSON.stringify(require('./out/config.js').clientConfig()))",
        ],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def editors() -> list[tuple[str, list[str], dict[str, str]]]:
    """(editor, server command, language id by file suffix) for each documented set-up."""
    text = DOCS.read_text(encoding="utf-8")
    helix = tomllib.loads(re.search(r"```toml\n(.*?)```", text, re.S)[1])  # type: ignore[index]
    server = helix["language-server"]["bpql"]
    languages = {
        f".{t}": lang["name"]
        for lang in helix["language"]
        if "bpql" in lang["language-servers"]
        for t in lang.get("file-types", ["yaml", "yml"] if lang["name"] == "yaml" else [])
    }
    lua = re.search(r"```lua\n(.*?)```", text, re.S)[1]  # type: ignore[index]
    cmd = json.loads("[" + re.search(r"cmd = \{(.*?)\}", lua)[1] + "]")  # type: ignore[index]
    filetypes = json.loads("[" + re.search(r"filetypes = \{(.*?)\}", lua)[1] + "]")  # type: ignore[index]
    assert set(filetypes) == {"yaml", "bpql"}
    return [
        ("helix", [server["command"], *server.get("args", [])], languages),
        ("neovim", cmd, {".yaml": "yaml", ".bpql": "bpql"}),
    ]


def _patterns(glob: str) -> list[str]:
    """`**/*.{yaml,yml}` as fnmatch patterns: `*/*.yaml`, `*/*.yml`."""
    m = re.search(r"\{([^}]*)\}", glob)
    found = [glob[: m.start()] + alt + glob[m.end() :] for alt in m[1].split(",")] if m else [glob]
    return [g.replace("**/", "*/") for g in found]


def language_of(selector: list[dict[str, str]], path: Path) -> str:
    """The language id VS Code gives a file, checked to be one the selector hands over."""
    lang = {".yaml": "yaml", ".yml": "yaml", ".bpql": "bpql"}[path.suffix]
    assert any(
        s["language"] == lang
        and any(fnmatch.fnmatch(str(path), g) for g in _patterns(s.get("pattern", "*")))
        for s in selector
    ), (path, selector)
    return lang


def exercise(ws: Path, command: list[str], language: dict[str, str]) -> None:
    """What an editor does on opening a blueprint and a query file: diagnostics, completion."""
    exe = shutil.which(command[0]) if not Path(command[0]).is_absolute() else command[0]
    assert exe is not None, f"{command[0]} is not on the PATH: pip install -e '.[lsp]'"
    claims = ws / "insurer/services/claims.yaml"
    queries = ws / "insurer/q.bpql"
    queries.write_text('find services where depends on system "cr"\n', encoding="utf-8")

    async def main() -> None:
        async with Session(ws, [exe, *command[1:]]) as s:
            for path in (claims, queries):
                item = t.TextDocumentItem(
                    uri=path.as_uri(),
                    language_id=language[path.suffix],
                    version=1,
                    text=path.read_text(encoding="utf-8"),
                )
                s.client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=item))
            found = await s.wait(claims, lambda d: len(d) > 0)
            assert all(d.source == "bpql lint" for d in found)
            (bad,) = await s.wait(queries, lambda d: len(d) == 1)
            assert "did you mean" in bad.message
            items = await s.completion(queries, 0, len('find services where depends on system "cr'))
            assert '"crm"' in [i.label for i in items]

    async def bounded() -> None:
        await asyncio.wait_for(main(), 240)

    own_loop(bounded)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "insurer", tmp_path / "insurer")
    return tmp_path


def test_vs_code_client_configuration_against_the_server(built: Path, ws: Path) -> None:
    config = client_config()
    assert config["server"] == {"command": "bpql", "args": ["lsp"]}
    selector = config["documentSelector"]
    language = {s: language_of(selector, ws / f"x{s}") for s in (".yaml", ".bpql")}
    exercise(ws, [config["server"]["command"], *config["server"]["args"]], language)


@pytest.mark.parametrize("editor", ["helix", "neovim"])
def test_documented_editor_set_ups_against_the_server(editor: str, ws: Path) -> None:
    (command, language) = next((c, lang) for e, c, lang in editors() if e == editor)
    assert command == ["bpql", "lsp"]
    exercise(ws, command, language)
