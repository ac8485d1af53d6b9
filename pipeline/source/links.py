"""What a link in a manuscript points at, and where it goes in each format.

An author links to a full address (https://…, mailto:, tel:), to an element of the same
article (#heading-id), or to another article by its manuscript's file name (other-slug.md,
other-slug.ar.md#heading-id). Anything else would go nowhere in some output, so check
refuses it; each renderer then turns article links into its own kind of address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

WEB_SCHEMES = ("http", "https")
OTHER_SCHEMES = ("mailto", "tel")
EXAMPLES = {"mailto": "someone@example.org", "tel": "+441632960000"}
ARTICLE_LINK = re.compile(r"^(?:\./)?(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)?)\.md"
                          r"(?:#(?P<fragment>.+))?$")


@dataclass(frozen=True)
class Target:
    """Where a link goes: `kind` is external, local (this article) or article (another one)."""

    kind: str
    name: str = ""  # the other article's manuscript name (its file stem)
    fragment: str = ""  # an element id, without '#'


class LinkProblem(ValueError):
    """A link that would go nowhere; the message says why, the hint what to write instead."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def target_of(href: str) -> Target:
    """Classify a link as written in the manuscript; raise LinkProblem if it goes nowhere."""
    if href.startswith("#"):
        if len(href) == 1:
            raise LinkProblem("link '#' goes nowhere")
        return Target("local", fragment=unquote(href[1:]))
    scheme = href.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href) else ""
    if scheme in WEB_SCHEMES:
        return web_address(href)
    if scheme in OTHER_SCHEMES:
        if not href.split(":", 1)[1].strip() or re.search(r"[\s\\]", href):
            raise LinkProblem(f"link '{href}' is not a valid {scheme}: address", f"write it as {scheme}:{EXAMPLES[scheme]}")
        return Target("external")
    if scheme:
        raise LinkProblem(f"link '{href}' uses '{scheme}:', which readers cannot follow from every format")
    match = ARTICLE_LINK.match(href)
    if match is None:
        raise LinkProblem(f"link '{href}' goes nowhere: the outputs hold no such file")
    return Target("article", match["name"], unquote(match["fragment"] or ""))


def web_address(href: str) -> Target:
    if re.search(r"[\s\\<>\"{}|^`]", href):
        raise LinkProblem(f"link '{href}' is not a valid web address (spaces or backslashes)",
                          "write '/' for '\\' and %20 for a space")
    try:
        parts = urlsplit(href)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise LinkProblem(f"link '{href}' is not a valid web address") from None
    if not parts.hostname or "." not in parts.hostname and parts.hostname != "localhost":
        raise LinkProblem(f"link '{href}' has no host name", "write the whole address, e.g. https://example.org/page")
    return Target("external")


def resolver(article_href):
    """A function that maps a manuscript's link to the address one format uses, given
    article_href(name, fragment) for links to other articles; other links stay as written."""

    def resolve(href: str) -> str:
        try:
            target = target_of(href)
        except LinkProblem:
            return href  # refused at check time; never published
        if target.kind != "article":
            return href
        return article_href(target.name, target.fragment)

    return resolve


def with_fragment(address: str, fragment: str) -> str:
    return f"{address}#{fragment}" if fragment else address
