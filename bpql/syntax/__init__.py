"""Syntax: BPQL text to a typed AST whose every node knows where it came from."""

from bpql.syntax.parser import parse

__all__ = ["parse"]
