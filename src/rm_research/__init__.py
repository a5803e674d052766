"""rm-research: reproducible evaluation reports for NHS reverse-mentoring programmes.

``rm_research.load_all()`` gives every cohort's tidy tables and findings, ready for pandas
(``rm_research.examples.explore``).
"""

from typing import Any

from rm_research.core.version import __version__

__all__ = ["__version__", "load_all"]


def __getattr__(name: str) -> Any:
    """``load_all`` on first use: the command line imports this package, and must not pay for pandas."""
    if name == "load_all":
        from rm_research.examples.explore import load_all

        return load_all
    raise AttributeError(f"module 'rm_research' has no attribute {name!r}")
