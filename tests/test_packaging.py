"""The built wheel works on its own: it holds the grammar, the Neo4j schema, the examples and
py.typed, and `bpql demo` runs from a virtual environment in a folder far from the checkout.

The wheel is built from a copy of the checkout (so no build/ or *.egg-info is left in it) and
installed without dependencies into a venv that sees the packages already installed here, so
nothing is fetched except, when this Python cannot build the wheel itself, the build backend.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import bpql
from tests.conftest import ROOT
from tests.test_cli import DEMO_TEXTS

#: kill -9 trials and wheel builds run in the full suite, not the fast loop
pytestmark = pytest.mark.slow

#: left out of the copy the wheel is built from: not needed to build, or build leftovers
_NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".bpql",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "*.lbdb",
    "*.lbdb.wal",
    "out",
    "docs",
    "tests",
    "bench",
)


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    outside: Path  # a working folder outside the checkout

    @property
    def bpql(self) -> Path:
        return self.venv / "bin" / "bpql"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def _version_tuple(dist: str) -> tuple[int, ...]:
    try:
        text = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return ()
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def _can_build_here() -> bool:
    """Whether this Python's setuptools can build the wheel without an isolated build
    environment (which pip fills from the network)."""
    setuptools = _version_tuple("setuptools")
    if setuptools >= (70, 1):  # bdist_wheel is part of setuptools from 70.1
        return True
    return setuptools >= (68,) and bool(_version_tuple("wheel"))


def _clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH, so the venv imports its own bpql, not a checkout's."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _run(args: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=_NOT_COPIED)
    wheels = tmp / "wheels"
    # tests touch nothing outside loopback: the build backend comes from the test extras
    # (setuptools >= 70.1), never from an isolated build environment pip would download
    assert _can_build_here(), "pip install -e '.[test]' installs setuptools>=70.1"
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        wheels,
        ".",
    ]
    r = _run(build, cwd=src)
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = wheels.glob("bpql-*.whl")
    venv = tmp / "venv"
    r = _run([sys.executable, "-m", "venv", "--system-site-packages", venv], cwd=tmp)
    assert r.returncode == 0, r.stderr
    # --force-reinstall: a bpql installed here (editable, say) would otherwise count as present
    r = _run(
        [venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--force-reinstall", wheel],
        cwd=tmp,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    outside = tmp / "elsewhere"
    outside.mkdir()
    yield Installed(wheel=wheel, venv=venv, outside=outside)


def test_wheel_holds_the_package_data(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for name in (
        "bpql/py.typed",
        "bpql/data/bpql.lark",
        "bpql/data/schema.cypher",
        "bpql/examples/insurer/enterprise.yaml",
        "bpql/examples/clinic/enterprise.yaml",
    ):
        assert name in names, name
    for example in ("insurer", "clinic"):
        shipped = {n for n in names if n.startswith(f"bpql/examples/{example}/services/")}
        in_checkout = list((ROOT / "bpql" / "examples" / example / "services").glob("*.yaml"))
        assert len(shipped) == len(in_checkout) > 0
    assert any(".dist-info/" in n and n.endswith("/LICENSE") for n in names), "LICENSE"
    # each file once: the top-level grammar/, cypher/ and examples/ are links, not copies
    assert not any(n.startswith(("grammar/", "cypher/", "examples/")) for n in names)


def test_checkout_keeps_one_copy() -> None:
    for link, target in (
        ("grammar/bpql.lark", "bpql/data/bpql.lark"),
        ("cypher/schema.cypher", "bpql/data/schema.cypher"),
        ("examples", "bpql/examples"),
    ):
        assert (ROOT / link).is_symlink(), link
        assert (ROOT / link).resolve() == (ROOT / target).resolve(), link


def test_venv_imports_the_installed_package(installed: Installed) -> None:
    r = _run([installed.python, "-c", "import bpql; print(bpql.__file__)"], cwd=installed.outside)
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).is_relative_to(installed.venv), r.stdout


def test_version_comes_from_the_package(installed: Installed) -> None:
    r = _run([installed.bpql, "--version"], cwd=installed.outside)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"bpql {bpql.__version__}"
    assert f"bpql-{bpql.__version__}-" in installed.wheel.name


def test_demo_runs_from_the_wheel(installed: Installed) -> None:
    store = installed.outside.parent / "store"
    store.mkdir()
    r = _run([installed.bpql, "demo", "--store", store], cwd=installed.outside)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    for text in DEMO_TEXTS:
        assert text in r.stdout, text
    assert (store / "insurer.lbdb").exists()
