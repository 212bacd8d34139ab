"""Event logs read as streams: CSV, XLSX (openpyxl's read-only mode) and XES (expat).

A reader yields each row as a list of raw values in `ROLE_ORDER` with where it stands (a
line, a row), and turns a problem with one of them into a one-line error naming the file, the
row and the column. Nothing is read whole: a log of millions of rows is read row by row, and a
file that is no regular file (a pipe, a device) is refused before it is opened.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone, tzinfo
from operator import itemgetter
from pathlib import Path
from typing import Any

from bpql.errors import BpqlError, Span
from bpql.model.files import FileRefused, check_regular
from bpql.model.validate import did_you_mean
from bpql.observe.mapping import LogSpec

#: the order a reader gives a row's values in
ROLE_ORDER = (
    "case",
    "activity",
    "timestamp",
    "start",
    "lifecycle",
    "sort",
    "outcome",
    "service",
    "resource",
    "channel",
)
#: the largest log read: far beyond 10 million rows of a CSV export; it keeps a sparse file or
#: a runaway dump from being read for hours
MAX_LOG_BYTES = 16 * 1024**3
#: the largest metric readings file and the largest field of a CSV row
MAX_READINGS_BYTES = 64 * 1024**2
MAX_FIELD = 1024 * 1024


def open_log(path: Path, name: str, limit: int = MAX_LOG_BYTES) -> io.BufferedReader:
    """A regular file of at most `limit` bytes, opened without blocking (a pipe put in its
    place between the check and the open answers at once) and checked again once open."""
    try:
        if not os.path.lexists(path):
            raise FileRefused("no such file", "unreadable")
        check_regular(path, limit)
        flags = os.O_RDONLY
        for flag in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
            flags |= getattr(os, flag, 0)
        fd = os.open(path, flags)
    except FileRefused as exc:
        raise BpqlError(f"{name}: {exc.reason}", code="BPQL-F410") from None
    except OSError as exc:
        raise BpqlError(f"{name}: cannot read the log: {exc.strerror}", code="BPQL-F411") from None
    import stat

    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
        os.close(fd)
        raise BpqlError(f"{name}: not a regular file of at most {limit} bytes", code="BPQL-F412")
    return io.BufferedReader(io.FileIO(fd, "rb", closefd=True), buffer_size=1 << 20)


# --- timestamps --------------------------------------------------------------------------------

_FRACTION = re.compile(r"([T ]\d{2}:\d{2}:\d{2})[.,](\d+)")
_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def _normalised(text: str) -> str:
    """What Python 3.10's `fromisoformat` needs: `Z` as +00:00, a fraction of 6 digits (a
    comma for the decimal point too), an offset with a colon."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(lambda m: f"{m[1]}.{(m[2] + '000000')[:6]}", text)
    return _OFFSET.sub(r"\1:\2", text) if re.search(r"\d{2}:\d{2}", text) else text


#: Python 3.11's `fromisoformat` reads a zone (`Z`, `+01:00`) itself, in C
_ZONED_IN_C = sys.version_info >= (3, 11)


class Timestamps:
    """`parse_timestamp`, faster for the two forms most logs write. A timestamp with a zone
    (`...Z`) goes straight to `datetime.fromisoformat` where it reads zones (3.11 on). A
    naive `YYYY-MM-DDTHH:MM:SS` has its minute remembered: a log of a million events has some
    ten thousand distinct minutes, so the minute is read once (through `parse_timestamp`, in
    the mapping's zone) and the seconds added to it, one slice and one dict look-up a
    timestamp instead of a parse and a zone. Anything else takes the full reading."""

    #: minutes remembered at most (a few tens of megabytes)
    LIMIT = 300_000

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        #: 'YYYY-MM-DDTHH:MM' -> that minute in seconds since the epoch; only keys of that
        #: shape are ever put in, so a hit is one
        self.minutes: dict[str, float] = {}

    def __call__(self, value: Any) -> float:
        if type(value) is str:
            if len(value) == 19:
                base = self.minutes.get(value[:16])
                if base is None and (
                    value[10] in "T "
                    and value[13] == ":"
                    and value[16] == ":"
                    and len(self.minutes) < self.LIMIT
                ):
                    try:
                        base = parse_timestamp(value[:16] + ":00", self.tz)
                    except ValueError:
                        base = None
                    else:
                        self.minutes[value[:16]] = base
                if base is not None:
                    ss = value[17:]
                    if value[16] == ":" and "0" <= ss[0] <= "5" and ss.isdigit() and ss.isascii():
                        return base + int(ss)
            elif _ZONED_IN_C and value[-1:] == "Z":
                try:
                    return datetime.fromisoformat(value).timestamp()
                except ValueError:
                    pass
        return parse_timestamp(value, self.tz)


def parse_timestamp(value: Any, tz: tzinfo) -> float:
    """An ISO 8601 timestamp (or a workbook's date and time) as seconds since the epoch; one
    without a zone is read in `tz`. ValueError when it is not one."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = datetime.fromisoformat(_normalised(value))
    else:
        raise ValueError(f"a {type(value).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.timestamp()


# --- readers ------------------------------------------------------------------------------------


def _shown(value: object) -> str:
    text = repr(value if isinstance(value, str) else str(value))
    return text if len(text) <= 60 else text[:50] + "...'"


class LogReader:
    """Rows of one log, in `ROLE_ORDER`, with their place for errors."""

    spec: LogSpec

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        raise NotImplementedError

    def problem(self, where: int, role: str, value: object, expected: str) -> BpqlError:
        raise NotImplementedError


def _missing_column(spec: LogSpec, role: str, header: list[str], what: str) -> BpqlError:
    wanted = spec.columns[role]
    lower = {h.lower(): h for h in header}
    hint = (
        f" (did you mean '{lower[wanted.lower()]}'?)"
        if wanted.lower() in lower
        else did_you_mean(wanted, header)
    )
    shown = ", ".join(repr(h) for h in header[:20]) + (" ..." if len(header) > 20 else "")
    mapped = spec.spans.get(role)
    where = f" (log.columns.{role} at {mapped})" if mapped else ""
    return BpqlError(
        f"no {what} '{wanted}' for the {role}{where}{hint}; the {what}s are: {shown or 'none'}",
        Span(1, 1, file=spec.name),
        code="BPQL-F413",
    )


def _empty(spec: LogSpec) -> BpqlError:
    return BpqlError(
        "the log has no events: expected a header row and at least one row of events",
        Span(1, 1, file=spec.name),
        code="BPQL-F414",
    )


class CsvReader(LogReader):
    """A CSV export, decoded as UTF-8 (a byte order mark is skipped) while it is read."""

    def __init__(self, spec: LogSpec) -> None:
        self.spec = spec
        self.index: dict[str, int] = {}

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        spec = self.spec
        raw = open_log(spec.path, spec.name)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        csv.field_size_limit(MAX_FIELD)
        reader = csv.reader(text, delimiter=spec.delimiter)
        try:
            try:
                header = next(reader)
            except StopIteration:
                raise _empty(spec) from None
            for role in spec.columns:
                if spec.columns[role] not in header:
                    raise _missing_column(spec, role, header, "column")
            self.index = {role: header.index(col) for role, col in spec.columns.items()}
            width = len(header)
            # one C call per row: a column the mapping does not name reads the None at `width`
            pick = itemgetter(*[self.index.get(role, width) for role in ROLE_ORDER])
            tail = [None]
            any_row = False
            for row in reader:
                if not row:
                    continue
                any_row = True
                if len(row) != width:
                    row = (row + [""] * width)[:width]
                yield reader.line_num, pick(row + tail)
            if not any_row:
                raise _empty(spec)
        except UnicodeDecodeError:
            raise _not_utf8(spec) from None
        except csv.Error as exc:
            raise BpqlError(
                f"the CSV cannot be read here: {exc}",
                Span(reader.line_num or 1, 1, file=spec.name),
                code="BPQL-F415",
            ) from None
        finally:
            text.close()

    def problem(self, where: int, role: str, value: object, expected: str) -> BpqlError:
        column = self.spec.columns[role]
        return BpqlError(
            f"row {where}, column '{column}': {_shown(value)} is not {expected}",
            Span(where, self.index.get(role, 0) + 1, file=self.spec.name),
            code="BPQL-F416",
        )


def _not_utf8(spec: LogSpec) -> BpqlError:
    """The first byte that is not UTF-8, found again line by line (the error path only)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, col, bad = 1, 1, ""
    with open_log(spec.path, spec.name) as f:
        for n, raw in enumerate(f, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError as exc:
                line, col = n, len(raw[: exc.start].decode("utf-8", "replace")) + 1
                bad = f"byte 0x{raw[exc.start]:02X} cannot be read; "
                break
    return BpqlError(
        f"not UTF-8 text: {bad}export the log as UTF-8",
        Span(line, col, file=spec.name),
        code="BPQL-F417",
    )


class XlsxReader(LogReader):
    """A workbook's sheet, row by row (openpyxl's read-only mode); formulas are read as the
    values a spreadsheet last worked out, never as formulas."""

    def __init__(self, spec: LogSpec) -> None:
        self.spec = spec
        self.index: dict[str, int] = {}
        self.sheet = ""

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        spec = self.spec
        from zipfile import BadZipFile

        from openpyxl import load_workbook

        handle = open_log(spec.path, spec.name)
        try:
            try:
                wb = load_workbook(handle, read_only=True, data_only=True)
            except (BadZipFile, KeyError, OSError, ValueError) as exc:
                raise BpqlError(
                    f"{spec.name}: not a workbook that can be read ({exc})", code="BPQL-F418"
                ) from None
            try:
                if spec.sheet is not None and spec.sheet not in wb.sheetnames:
                    raise BpqlError(
                        f"{spec.name}: no sheet '{spec.sheet}'"
                        f"{did_you_mean(spec.sheet, wb.sheetnames)}; the sheets are: "
                        + ", ".join(wb.sheetnames),
                        code="BPQL-F419",
                    )
                ws = wb[spec.sheet] if spec.sheet is not None else wb.worksheets[0]
                self.sheet = ws.title
                it = ws.iter_rows(values_only=True)
                try:
                    first = next(it)
                except StopIteration:
                    raise _empty(spec) from None
                header = ["" if v is None else str(v) for v in first]
                for role in spec.columns:
                    if spec.columns[role] not in header:
                        raise _missing_column(spec, role, header, "column")
                self.index = {role: header.index(col) for role, col in spec.columns.items()}
                picks = [self.index.get(role) for role in ROLE_ORDER]
                any_row = False
                for n, row in enumerate(it, start=2):
                    if not any(v is not None and v != "" for v in row):
                        continue
                    any_row = True
                    yield (
                        n,
                        [None if i is None else (row[i] if i < len(row) else None) for i in picks],
                    )
                if not any_row:
                    raise _empty(spec)
            finally:
                wb.close()
        finally:
            handle.close()

    def problem(self, where: int, role: str, value: object, expected: str) -> BpqlError:
        from openpyxl.utils import get_column_letter

        cell = f"{get_column_letter(self.index.get(role, 0) + 1)}{where}"
        column = self.spec.columns[role]
        return BpqlError(
            f"{self.spec.name}: {self.sheet}!{cell} (column '{column}'): {_shown(value)} is not "
            f"{expected}",
            code="BPQL-F420",
        )


class XesReader(LogReader):
    """The XES standard (IEEE 1849) streamed through expat: each trace's events are given
    when the trace closes; no document type or entity is accepted."""

    def __init__(self, spec: LogSpec) -> None:
        self.spec = spec

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        from xml.parsers import expat

        spec = self.spec
        keys = {role: spec.columns[role] for role in spec.columns}
        case_key = keys["case"]
        out: list[tuple[int, Sequence[Any]]] = []
        state: dict[str, Any] = {"depth": [], "case": None, "events": [], "event": None}

        def start(tag: str, attrs: dict[str, str]) -> None:
            name = tag.rsplit("}", 1)[-1]
            stack = state["depth"]
            stack.append(name)
            if name == "trace":
                state["case"], state["events"] = None, []
            elif name == "event" and len(stack) >= 2 and stack[-2] == "trace":
                state["event"] = ({}, parser.CurrentLineNumber)
            elif "key" in attrs and "value" in attrs and len(stack) >= 2:
                parent = stack[-2]
                if parent == "event" and state["event"] is not None:
                    state["event"][0].setdefault(attrs["key"], attrs["value"])
                elif parent == "trace" and attrs["key"] == case_key:
                    state["case"] = attrs["value"]

        def end(tag: str) -> None:
            name = state["depth"].pop()
            if name == "event" and state["event"] is not None:
                state["events"].append(state["event"])
                state["event"] = None
            elif name == "trace":
                case = state["case"]
                for values, line in state["events"]:
                    row = [values.get(keys[r]) if r in keys else None for r in ROLE_ORDER]
                    row[0] = case
                    out.append((line, row))

        def refuse(*_: object) -> None:
            raise _XesRefused("a document type or entity declaration")

        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        any_row = False
        with open_log(spec.path, spec.name) as f:
            while True:
                chunk = f.read(1 << 20)
                try:
                    parser.Parse(chunk, not chunk)
                except expat.ExpatError as exc:
                    raise BpqlError(
                        f"not XES that can be read: {expat.ErrorString(exc.code)}",
                        Span(exc.lineno, exc.offset + 1, file=spec.name),
                        code="BPQL-F421",
                    ) from None
                except _XesRefused as exc:
                    raise BpqlError(
                        f"{exc}: XES logs need none, and they can expand a file without end",
                        Span(
                            parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, file=spec.name
                        ),
                        code="BPQL-F422",
                    ) from None
                if out:
                    any_row = True
                    yield from out
                    out.clear()
                if not chunk:
                    break
        if not any_row:
            raise _empty(spec)

    def problem(self, where: int, role: str, value: object, expected: str) -> BpqlError:
        key = self.spec.columns[role]
        return BpqlError(
            f"event at line {where}, attribute '{key}': {_shown(value)} is not {expected}",
            Span(where, 1, file=self.spec.name),
            code="BPQL-F423",
        )


class _XesRefused(Exception):
    pass


READERS: dict[str, type[LogReader]] = {"csv": CsvReader, "xlsx": XlsxReader, "xes": XesReader}


def reader(spec: LogSpec) -> LogReader:
    return READERS[spec.format](spec)  # type: ignore[call-arg]


def utc() -> tzinfo:
    return timezone.utc
