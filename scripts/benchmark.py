"""Benchmark: how long each stage of a report takes, measured, not asserted.

Each stage is timed in a fresh Python process (imports included, as a user pays them), repeated,
and the median and range printed. Run with ``make benchmark``; figures go in the issue notes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
STAGES = {
    "import the library (pandas, scipy, pandera)": "import rm_research.pipeline",
    "validate + tidy the example cohort": (
        "from pathlib import Path; from rm_research.pipeline import load_cohort; "
        f"load_cohort(Path({str(ROOT)!r}), 'south-east', 1)"),
    "validate + tidy + findings": (
        "from pathlib import Path; from rm_research.pipeline import load_cohort; "
        f"load_cohort(Path({str(ROOT)!r}), 'south-east', 1).findings()"),
}


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def report(name: str, seconds: list[float]) -> None:
    print(f"{name:<58} median {statistics.median(seconds):6.2f} s"
          f"  (min {min(seconds):.2f}, max {max(seconds):.2f}, runs {len(seconds)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for name, code in STAGES.items():
        report(name, [timed([PY, "-c", code], ROOT) for _ in range(args.repeat)])
    with tempfile.TemporaryDirectory() as scratch:
        sys.path.insert(0, str(ROOT))
        from tests.conftest import make_project

        project = make_project(Path(scratch))
        cli = [str(Path(PY).parent / "rm-research"), "report", "--cohort", "1", "--root", str(project)]
        report("rm-research report --no-html (findings only)",
               [timed([*cli, "--no-html"], project) for _ in range(args.repeat)])
        report("rm-research report (execute notebook + render HTML)",
               [timed(cli, project) for _ in range(args.repeat)])
        publish = [cli[0], "publish", *cli[2:]]
        report("rm-research publish (public notebook + HTML)", [timed(publish, project) for _ in range(args.repeat)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
