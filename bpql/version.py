"""The version, apart from the package's root, so that its modules can say it without
importing the root (whose lazy names import them: a cycle, tests/test_layers.py)."""

__version__ = "0.1.0"
