"""The house in stages: folders are the stages, imports point down them, and nothing hides a circle."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "pipeline"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def own_imports_inside_functions(path: Path) -> list[str]:
    """`module:line` of every import of the package's own modules made inside a function."""
    found = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if any(name == "pipeline" or name.startswith("pipeline.") for name in names) or \
                    (isinstance(node, ast.ImportFrom) and node.level):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_only_the_cli_imports_the_package_inside_functions() -> None:
    modules = [path for path in PACKAGE.rglob("*.py") if path.name != "cli.py"]
    assert len(modules) > 60
    assert [hit for path in modules for hit in own_imports_inside_functions(path)] == []
    assert own_imports_inside_functions(PACKAGE / "cli.py"), "cli.py imports lazily, so the scan must see it"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120)


def test_the_layers_contract_holds_and_fails_for_an_import_that_points_up(tmp_path: Path) -> None:
    assert lint_imports(REPO).returncode == 0
    shutil.copytree(PACKAGE, tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    layout = tmp_path / "pipeline" / "output" / "layout.py"
    layout.write_text(layout.read_text() + "\nfrom pipeline.build.run import build  # points up\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert re.search(r"pipeline\.output is not allowed to import pipeline\.build", result.stdout), result.stdout


def test_every_folder_is_a_stage_in_the_contract() -> None:
    """A new folder must take its place in the order of the stages (pyproject.toml)."""
    contract = (REPO / "pyproject.toml").read_text()
    folders = sorted(path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file())
    assert folders and [name for name in folders if f'"pipeline.{name}' not in contract
                        and f"| pipeline.{name}" not in contract] == []


def test_the_readme_maps_every_folder_and_module() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Inside `pipeline/`"):readme.index("The expected output of each")]
    missing = []
    for folder in sorted(path for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()):
        if f"\n{folder.name}/" not in section:
            missing.append(f"{folder.name}/")
        entry = section[section.index(f"\n{folder.name}/"):] if f"\n{folder.name}/" in section else ""
        entry = entry[:re.search(r"\n[a-z]+/", entry[1:]).start() + 1] if re.search(r"\n[a-z]+/", entry[1:]) else entry
        missing += [f"{folder.name}/{module.name}" for module in sorted(folder.glob("*.py"))
                    if module.name != "__init__.py" and module.name not in entry]
    assert missing == []
