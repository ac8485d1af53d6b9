"""Raw HTML in a manuscript, read once: the images it shows, the links and ids it gives, and what
in it could run script or load files (the checks report those; the sanitiser removes them from
every output). Its links and ids face the same checks as Markdown's: every output keeps them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

UNSAFE_TAGS = frozenset({"script", "iframe", "object", "embed", "form", "frame", "frameset",
                         "applet", "base", "meta", "link", "style"})
LOADING_STYLE = re.compile(r"url\s*\(|expression\s*\(|@import", re.I)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"})
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")


def is_script_url(url: str) -> bool:
    compact = "".join(ch for ch in url if ch > " ").lower()
    return compact.startswith(SCRIPT_SCHEMES)


class HtmlScan(HTMLParser):
    """What a snippet of raw HTML contains that matters here: script vectors and images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.images: list[tuple[str, str]] = []
        self.links: list[str] = []  # the href of every <a> (the sanitiser keeps no other link)
        self.ids: list[str] = []
        self.tables = 0

    @classmethod
    def of(cls, html: str) -> "HtmlScan":
        scan = cls()
        scan.feed(html)
        scan.close()
        return scan

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "style":
            self.problems.append("that could load files: <style> element (styles come from styles/)")
        elif tag in UNSAFE_TAGS:
            self.problems.append(f"that could run script: <{tag}> element")
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"that could run script: event handler attribute '{name}'")
            elif name in URL_ATTRIBUTES and is_script_url(value):
                self.problems.append(f"that could run script: '{value.split(':')[0]}:' URL in '{name}'")
            elif name == "style" and LOADING_STYLE.search(value):
                self.problems.append("that could load files: style attribute with url()")
        if tag == "img" and "src" in values and not is_script_url(values["src"]):
            self.images.append((values["src"], values.get("alt", "")))
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if "id" in values:
            self.ids.append(values["id"])
        self.tables += tag == "table"
