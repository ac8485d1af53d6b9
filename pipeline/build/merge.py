"""`publish merge DIR...`: the shards' output folders put together into one output/, then the
site and booklets built over them (build/shards.py explains the stamps)."""

from __future__ import annotations

from pathlib import Path

from pipeline.build.run import build
from pipeline.build.shards import STAMP, check_stamps
from pipeline.output.layout import CACHE, LOCK, MANIFEST, OUTPUT, TEMPORARY
from pipeline.output.writer import OutputWriter, atomic_write, exclusive, read_manifest, read_tools


def merge(root: Path, folders: list[Path], cache_dir: Path | None = None, on_event=None):
    """Refuse unmatched shards; else copy their outputs in and build the site and booklets."""
    root = root.resolve()
    stamp = check_stamps(root, folders)
    output = root / OUTPUT
    with exclusive(output):
        manifest = read_manifest(output)
        for folder in folders:
            copy_outputs(folder, output, cache_dir)
            manifest.update(read_manifest(folder))
        OutputWriter(output, read_tools(folders[0])).write_manifest(manifest)
    return build(root, formats=tuple(stamp["formats"]), page_size=stamp["page-size"], cache_dir=cache_dir,
                 on_event=on_event)


def copy_outputs(folder: Path, output: Path, cache_dir: Path | None) -> None:
    """A shard's files into output/ (its cache entries into the cache), each written atomically."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or relative.parts[0] in (MANIFEST, STAMP, LOCK, TEMPORARY):
            continue
        if relative.parts[0] == CACHE and cache_dir is not None:
            atomic_write(cache_dir / Path(*relative.parts[1:]), path.read_bytes())
        else:
            atomic_write(output / relative, path.read_bytes(), output / TEMPORARY)
