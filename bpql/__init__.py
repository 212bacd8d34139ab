"""BPQL: the service blueprints of an enterprise as one graph, and a small language to ask it."""

__version__ = "0.1.0"
