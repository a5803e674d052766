"""Run axe-core (Deque's accessibility engine) on rendered reports in headless Chromium.

The tests check accessibility with ``rm_research.report.accessibility.check_html``, which needs no browser;
this script is the fuller, browser-based check for a developer's machine. It needs Chromium and
axe-core, neither of which the package depends on:

    apt-get install chromium            # or any Chrome/Chromium: --chromium PATH
    npm install --prefix /tmp/axe axe-core

    python scripts/axe_check.py reports/south-east/cohort-1/report.html --axe /tmp/axe/node_modules/axe-core/axe.min.js

A report forbids every script (its Content-Security-Policy), so the script works on a copy without
that policy, with axe-core and a few lines that run it added at the end of the body; Chromium prints
the page after the scripts ran (``--dump-dom``), and the results are read back from it. Exit status:
0 when axe finds no violations, 1 when it finds some, 2 when it could not run.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

#: WCAG 2.2 A and AA, and axe's best practices (heading order, one h1, landmarks and the like).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUNNER = """
<script>
axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(function (results) {
  var out = document.createElement("pre");
  out.id = "axe-results";
  out.textContent = JSON.stringify(results.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) {
      return {target: n.target.join(" "), summary: n.failureSummary};
    })};
  }));
  document.body.appendChild(out);
});
</script>
"""
_POLICY = re.compile(r"<meta[^>]*http-equiv=\"Content-Security-Policy\"[^>]*>", re.IGNORECASE)
_RESULTS = re.compile(r'<pre id="axe-results">(.*?)</pre>', re.DOTALL)


def instrumented(page: str, axe: str) -> str:
    """``page`` without its script-forbidding policy, with axe-core and its runner before ``</body>``."""
    runner = f"<script>{axe}</script>" + RUNNER % json.dumps(TAGS)
    without_policy = _POLICY.sub("", page)
    return without_policy.replace("</body>", runner + "</body>", 1)


def run_axe(report: Path, axe: Path, chromium: str = "chromium", budget_ms: int = 60_000) -> list[dict]:
    """axe-core's violations for the page ``report`` (each: id, impact, help, nodes)."""
    page = instrumented(report.read_text(encoding="utf-8"), axe.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="rm-axe-") as folder:
        copy = Path(folder) / "report.html"
        copy.write_text(page, encoding="utf-8")
        dom = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--virtual-time-budget={budget_ms}",
             "--dump-dom", copy.as_uri()],
            capture_output=True, text=True, check=True, timeout=300,
        ).stdout
    found = _RESULTS.search(dom)
    if found is None:
        raise RuntimeError("axe-core produced no results (did the page finish loading?)")
    return json.loads(html.unescape(found.group(1)))


def main(argv: list[str] | None = None) -> int:
    """Check each report given; print every violation with the elements it concerns."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--axe", type=Path, default=Path("node_modules/axe-core/axe.min.js"),
                        help="axe.min.js from the axe-core npm package")
    parser.add_argument("--chromium", default="chromium", help="the Chromium or Chrome executable")
    args = parser.parse_args(argv)
    if not args.axe.is_file():
        print(f"axe-core not found at {args.axe}: npm install axe-core, then pass --axe", file=sys.stderr)
        return 2
    status = 0
    for report in args.reports:
        try:
            violations = run_axe(report, args.axe, args.chromium)
        except (OSError, subprocess.SubprocessError, RuntimeError) as error:
            print(f"{report}: axe-core could not run: {error}", file=sys.stderr)
            return 2
        print(f"{report}: {len(violations)} axe-core violation(s)")
        for violation in violations:
            status = 1
            print(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                print(f"    {node['target']}")
            if len(violation["nodes"]) > 5:
                print(f"    ... and {len(violation['nodes']) - 5} more")
    return status


if __name__ == "__main__":
    sys.exit(main())
