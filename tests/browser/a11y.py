"""axe-core (Deque's accessibility engine) and the Nu Html Checker, as ./test installs them."""

import json
import subprocess
from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parents[2] / "var" / "node" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

# WCAG 2.1 A and AA, and Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Best-practice rules we do not follow, each with its reason. (None so far.)
AXE_EXCEPTIONS: dict[str, str] = {}


def axe_violations(page):
    """The axe-core rules the page in the browser breaks: {rule id: [element selectors]}."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern; a
        # <script> tag (add_script_tag) would be refused, as the CSP refuses every inline one.
        page.evaluate(AXE.read_text() + "\n;true")
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return {
        violation["id"]: [", ".join(node["target"]) for node in violation["nodes"]]
        for violation in result["violations"]
        if violation["id"] not in AXE_EXCEPTIONS
    }


def html_errors(documents, folder):
    """Run the Nu Html Checker once over {name: html}; its errors as 'name:line: message'."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, html in documents.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
         str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine', '?')}: {m['message']}" for m in messages
    ]
