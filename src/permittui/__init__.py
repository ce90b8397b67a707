"""permittui: the keyboard-driven desk of a permitting officer (sample regime, not law)."""

__version__ = "0.1.0"
