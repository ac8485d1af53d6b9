"""The last stage of a build: the manifest, with every output, its key and the tools."""

from __future__ import annotations

import platform
from importlib import metadata

from pipeline.build.state import Build
from pipeline.output.keys import tool_digest
from pipeline.output.writer import read_tools


def record(run: Build) -> None:
    """Record the manifest: this build's outputs, earlier ones still valid, and the tools."""
    fingerprint = tool_digest()
    tools = read_tools(run.writer.root)
    if tools.get("fingerprint") != fingerprint:
        tools = {**tool_versions(), "fingerprint": fingerprint}
    run.writer.tool_versions = tools
    gone = any(not (run.writer.root / path).is_file() for path in run.previous)  # removed, as a retired page is
    if run.result.written or any(e.stale for e in run.writer.entries.values()) or not run.previous or gone:
        run.writer.write_manifest(run.previous)


def tool_versions() -> dict[str, str]:
    import pypandoc  # noqa: PLC0415 - pandoc's wrapper is not imported by a build with nothing to do

    versions = {"python": platform.python_version(), "pandoc": pypandoc.get_pandoc_version()}
    for package in ("health-publishing-pipeline", "weasyprint", "ebooklib", "nh3"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions
