"""mirra: faithful, stateful local mirrors of third-party HTTP APIs."""

__version__ = "0.1.0"
