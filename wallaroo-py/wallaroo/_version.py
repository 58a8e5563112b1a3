"""The version of the wallaroo package and of the engine that ships it (one source for both:
the engine's ``wallaroo --version`` and the distribution read this file)."""

__version__ = "0.1.0"
