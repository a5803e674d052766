"""The package's version, as installed (``0+unknown`` in a source tree that was never installed)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rm-research")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
