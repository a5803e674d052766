"""rm-research: reproducible evaluation reports for NHS reverse-mentoring programmes."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rm-research")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
