"""Reading pandoc's JSON AST: walking it, its text, its tables, its attributes."""

from __future__ import annotations

from dataclasses import dataclass

BLOCKS = frozenset({"Para", "Plain", "Header", "Div", "BlockQuote"})


def walk(node):
    """Every AST element (a dict with 't') inside `node`, depth first, in document order."""
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def stringify(node, skip: frozenset = frozenset({"Note"})) -> str:
    """Plain text of AST nodes, as a reader would see it before citations are resolved."""
    parts: list[str] = []
    _collect_text(node, parts, skip)
    return "".join(parts).strip()


def _collect_text(node, parts: list[str], skip: frozenset) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_text(item, parts, skip)
        return
    if not isinstance(node, dict) or node.get("t") in skip:
        return
    kind, content = node.get("t"), node.get("c")
    if kind in ("Str", "Code", "Math"):
        parts.append(content if kind == "Str" else content[-1])
    elif kind in ("Space", "SoftBreak", "LineBreak"):
        parts.append(" ")
    elif kind == "Cite":
        _collect_text(content[1], parts, skip)
    elif kind in ("Link", "Image"):
        _collect_text(content[1], parts, skip)
    elif kind in BLOCKS:
        if parts and not parts[-1].endswith("\n"):
            parts.append("\n")
        _collect_text(content, parts, skip)
    else:
        _collect_text(content, parts, skip)


def attributes(node: dict) -> list[tuple[str, str]]:
    """Key-value attributes of an element that has an Attr ([id, classes, pairs])."""
    content = node.get("c")
    candidates = content if isinstance(content, list) else []
    for candidate in candidates[:2]:
        if _is_attr(candidate):
            return [tuple(pair) for pair in candidate[2]]
    return []


def _is_attr(value) -> bool:
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[1], list) and isinstance(value[2], list)
            and all(isinstance(pair, list) and len(pair) == 2 for pair in value[2]))


@dataclass(frozen=True)
class TableText:
    """A table as text: caption, header rows and body rows of cells."""

    caption: str
    head: list[list[str]]
    body: list[list[str]]


def table_text(node: dict) -> TableText:
    """Read a pandoc Table node (attr, caption, colspecs, head, bodies, foot) as text."""
    _attr, caption, _colspecs, head, bodies, _foot = node["c"]
    body_rows = [row for body in bodies for row in body[2] + body[3]]
    return TableText(stringify(caption[1]), _rows(head[1]), _rows(body_rows))


def _rows(rows: list) -> list[list[str]]:
    # A row is [attr, cells]; a cell is [attr, alignment, rowspan, colspan, blocks].
    return [[stringify(cell[4]) for cell in row[1]] for row in rows]
