"""The ArchiMate 3.2 relationship table: which relationship may go from which element to
which, for the element types BPQL writes.

Source: The Open Group, ArchiMate 3.2 Specification, Appendix B "Relationships (Normative)",
as Archi (https://github.com/archimatetool/archi, MIT licence) encodes it in
`com.archimatetool.model/model/relationships.xml` (`<relationships version="3.2">`), read
at commit 069a862 (2026). Only the rows and columns of the eleven element types BPQL writes
are copied here; each cell is the set of relationships the table allows, one letter each,
Archi's key (`relationships-keys.xml`): a access, c composition, f flow, g aggregation,
i assignment, n influence, o association, r realization, s specialization, t triggering,
v serving. `bpql.interchange.archimate` checks every relationship it writes against it, and
tests/test_interchange_archimate.py checks every relationship of every export.
"""

from __future__ import annotations

#: relationship type (as the exchange format names it) -> its letter in the table
LETTERS: dict[str, str] = {
    "Access": "a",
    "Composition": "c",
    "Flow": "f",
    "Aggregation": "g",
    "Assignment": "i",
    "Influence": "n",
    "Association": "o",
    "Realization": "r",
    "Specialization": "s",
    "Triggering": "t",
    "Serving": "v",
}

#: source element type -> target element type -> the letters of the allowed relationships
TABLE: dict[str, dict[str, str]] = {
    "ApplicationComponent": {
        "ApplicationComponent": "cfgorstv",
        "Assessment": "no",
        "BusinessActor": "fotv",
        "BusinessEvent": "fortv",
        "BusinessInterface": "fortv",
        "BusinessProcess": "fortv",
        "BusinessRole": "fotv",
        "BusinessService": "fortv",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "ao",
    },
    "Assessment": {
        "ApplicationComponent": "o",
        "Assessment": "cgnos",
        "BusinessActor": "o",
        "BusinessEvent": "o",
        "BusinessInterface": "o",
        "BusinessProcess": "o",
        "BusinessRole": "o",
        "BusinessService": "o",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "o",
    },
    "BusinessActor": {
        "ApplicationComponent": "fotv",
        "Assessment": "no",
        "BusinessActor": "cfgostv",
        "BusinessEvent": "fiotv",
        "BusinessInterface": "cfgiotv",
        "BusinessProcess": "fiotv",
        "BusinessRole": "fiotv",
        "BusinessService": "fiortv",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "ao",
    },
    "BusinessEvent": {
        "ApplicationComponent": "fotv",
        "Assessment": "no",
        "BusinessActor": "fotv",
        "BusinessEvent": "cfgostv",
        "BusinessInterface": "fotv",
        "BusinessProcess": "fotv",
        "BusinessRole": "fotv",
        "BusinessService": "fotv",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "ao",
    },
    "BusinessInterface": {
        "ApplicationComponent": "fotv",
        "Assessment": "no",
        "BusinessActor": "fotv",
        "BusinessEvent": "fotv",
        "BusinessInterface": "cfgostv",
        "BusinessProcess": "fotv",
        "BusinessRole": "fotv",
        "BusinessService": "fiotv",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "ao",
    },
    "BusinessProcess": {
        "ApplicationComponent": "fotv",
        "Assessment": "no",
        "BusinessActor": "fotv",
        "BusinessEvent": "fotv",
        "BusinessInterface": "fotv",
        "BusinessProcess": "cfgostv",
        "BusinessRole": "fotv",
        "BusinessService": "fortv",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "ao",
    },
    "BusinessRole": {
        "ApplicationComponent": "fotv",
        "Assessment": "no",
        "BusinessActor": "fotv",
        "BusinessEvent": "fiotv",
        "BusinessInterface": "cfgotv",
        "BusinessProcess": "fiotv",
        "BusinessRole": "cfgostv",
        "BusinessService": "fiortv",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "ao",
    },
    "BusinessService": {
        "ApplicationComponent": "fotv",
        "Assessment": "no",
        "BusinessActor": "fotv",
        "BusinessEvent": "fotv",
        "BusinessInterface": "fotv",
        "BusinessProcess": "fotv",
        "BusinessRole": "fotv",
        "BusinessService": "cfgostv",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "ao",
    },
    "Gap": {
        "ApplicationComponent": "o",
        "Assessment": "o",
        "BusinessActor": "o",
        "BusinessEvent": "o",
        "BusinessInterface": "o",
        "BusinessProcess": "o",
        "BusinessRole": "o",
        "BusinessService": "o",
        "Gap": "cgos",
        "Plateau": "o",
        "Representation": "o",
    },
    "Plateau": {
        "ApplicationComponent": "cgor",
        "Assessment": "no",
        "BusinessActor": "cgor",
        "BusinessEvent": "cgor",
        "BusinessInterface": "cgor",
        "BusinessProcess": "cgor",
        "BusinessRole": "cgor",
        "BusinessService": "cgor",
        "Gap": "o",
        "Plateau": "cfgost",
        "Representation": "cgor",
    },
    "Representation": {
        "ApplicationComponent": "o",
        "Assessment": "no",
        "BusinessActor": "o",
        "BusinessEvent": "o",
        "BusinessInterface": "o",
        "BusinessProcess": "o",
        "BusinessRole": "o",
        "BusinessService": "o",
        "Gap": "o",
        "Plateau": "o",
        "Representation": "cgos",
    },
}


def allowed(relationship: str, source: str, target: str) -> bool:
    """Whether the table allows `relationship` from a `source` element to a `target` one."""
    letter = LETTERS.get(relationship)
    return letter is not None and letter in TABLE.get(source, {}).get(target, "")
