"""CI matrices: `publish build --shard K/N` builds a fixed slice of the articles, and
`publish merge DIR...` puts the slices together into one output/, byte for byte what one
build makes.

A shard builds its articles' pages and leaflets (and their cache entries) but no site and no
booklets: those need every article. It stamps its output folder with K, N and a digest of
everything the build read (manuscripts, styles, the pipeline and its tools, the options). The
merge refuses folders whose stamps disagree with each other or with the project it runs in,
copies the shards' files and manifest entries into output/, and then builds: every article's
outputs are found fresh, and only the index, the rest of the site and the booklets are made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.diagnostics import UsageError
from pipeline.output import keys
from pipeline.output.layout import split_name
from pipeline.output.writer import atomic_write

STAMP = "shard.json"


class ShardError(UsageError):
    """A --shard that cannot be read, or shard folders that cannot be merged: a usage error."""


@dataclass(frozen=True)
class Shard:
    number: int  # K: 1..count
    count: int  # N

    @classmethod
    def parse(cls, text: str) -> "Shard":
        number, _, count = text.partition("/")
        if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
            raise ShardError(f"'{text}' is not K/N with 1 <= K <= N, e.g. 2/4")
        return cls(int(number), int(count))

    def holds(self, names: list[str]) -> list[str]:
        """This shard's names: every K-th article of the sorted slugs, in all its languages."""
        slugs = sorted({split_name(name)[0] for name in names})
        mine = set(slugs[self.number - 1::self.count])
        return [name for name in names if split_name(name)[0] in mine]


def write_stamp(output: Path, shard: Shard, formats: tuple[str, ...], page_size: str | None) -> None:
    stamp = {"shard": shard.number, "of": shard.count, "formats": list(formats), "page-size": page_size,
             "inputs": keys.inputs_key(output.parent, formats, page_size)}
    atomic_write(output / STAMP, (json.dumps(stamp, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def read_stamp(folder: Path) -> dict:
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ShardError(f"{folder} is not the output of `publish build --shard K/N` (no readable {STAMP})") from None


def check_stamps(root: Path, folders: list[Path]) -> dict:
    """The stamps' common setup; refuse shards that are missing, repeated, or made from other inputs."""
    stamps = [(folder, read_stamp(folder)) for folder in folders]
    first = stamps[0][1]
    for folder, stamp in stamps:
        if stamp.get("of") != first.get("of"):
            raise ShardError(f"{folder} is shard {stamp.get('shard')} of {stamp.get('of')}, "
                             f"but {folders[0]} is one of {first.get('of')}")
        if stamp.get("inputs") != first.get("inputs") or stamp.get("formats") != first.get("formats"):
            raise ShardError(f"{folder} was built from other inputs than {folders[0]} (another commit?)")
    numbers = sorted(stamp.get("shard") for _folder, stamp in stamps)
    if numbers != list(range(1, first["of"] + 1)):
        raise ShardError(f"need shards 1 to {first['of']} once each; got {', '.join(map(str, numbers))}")
    if first["inputs"] != keys.inputs_key(root, tuple(first["formats"]), first["page-size"]):
        raise ShardError("the shards were built from other inputs than this project's (another commit, "
                         "other styles, or another version of publish)")
    return first


