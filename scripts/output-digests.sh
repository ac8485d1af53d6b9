#!/usr/bin/env bash
# Build every fixture project in a scratch folder and print the SHA-256 of every output file,
# one line per file. Run it before and after a change that must not change any output, and diff:
#   scripts/output-digests.sh > /tmp/before.txt   (at the old commit)
#   scripts/output-digests.sh > /tmp/after.txt    (at the new one)
#   diff /tmp/before.txt /tmp/after.txt
set -euo pipefail
cd "$(dirname "$0")/.."
PUBLISH="${PUBLISH:-$PWD/.venv/bin/publish}"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1790000000}"
# A fixed folder: WeasyPrint names images by their address, so a PDF depends on where it is built.
scratch="${TMPDIR:-/tmp}/output-digests"
rm -rf "$scratch" && mkdir -p "$scratch"
trap 'rm -rf "$scratch"' EXIT

# A project per fixture folder; the fuzz corpus (peer-like Markdown) as one more project.
projects=(. tests/fixtures/base tests/fixtures/render tests/fixtures/site tests/fixtures/torture
          tests/fixtures/translations)
for project in "${projects[@]}"; do
  name="$(basename "$(realpath "$project")")"; [ "$project" = . ] && name=samples
  mkdir -p "$scratch/$name"
  cp -r "$project/manuscripts" "$scratch/$name/"
  [ -d "$project/styles" ] && cp -r "$project/styles" "$scratch/$name/"
done
mkdir -p "$scratch/fuzz/manuscripts"
cp tests/fixtures/fuzz/*.md "$scratch/fuzz/manuscripts/"
cp tests/fixtures/base/manuscripts/publication.yaml "$scratch/fuzz/manuscripts/"

for folder in "$scratch"/*/; do
  # A fuzz manuscript may be refused (exit 1): its refusal is part of what must not change.
  "$PUBLISH" build --project "$folder" >"$folder/build.log" 2>&1 || echo "exit $? ${folder#"$scratch"/}"
  [ -d "$folder/output" ] && (cd "$folder" && find output -type f ! -path 'output/.cache/*' ! -path output/manifest.json ! -path output/.lock -print0 | sort -z | xargs -0 sha256sum \
    | sed "s|  output/|  $(basename "$folder")/|")
  # The manifest's input keys hash the pipeline's own code, which a refactoring changes: compare
  # the manifest without them.
  [ -f "$folder/output/manifest.json" ] && python3 -c '
import json, sys
manifest = json.load(open(sys.argv[1]))
manifest["tools"].pop("fingerprint", None)
for entry in manifest["outputs"].values():
    entry.pop("source")
print(json.dumps(manifest, sort_keys=True))' "$folder/output/manifest.json" | sha256sum | sed "s|  -|  $(basename "$folder")/manifest without keys|"
done
