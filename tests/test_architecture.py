"""The layout the README describes, checked by walking the imports of every module.

- no import cycles between Qari's own modules;
- models/ never imports Streamlit; components/ never imports torch, transformers or ctranslate2;
- each feature package of models/ imports only the packages its docstring allows (the text engine
  nothing of names or translation, …); nothing but the page's reading session and the command line imports the pipeline;
  the app never imports build-time code;
- imports of Qari's own modules sit at the top of files, where a reader sees the dependencies.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["app.py", "models", "components"]

# What each models/ package may import from models/ (besides itself); the top-level modules
# document, settings, db, registry and hub are open to all.
SHARED = {"models.document", "models.settings", "models.db", "models.registry", "models.hub"}
ALLOWED = {
    "models.text": set(),
    "models.lexicon": {"models.text"},
    "models.names": {"models.text", "models.lexicon"},
    "models.translation": {"models.text"},
    "models.study": {"models.text", "models.lexicon"},
    "models.inputs": {"models.text"},
    "models.vowels": {"models.text", "models.lexicon"},
    "models.speech": {"models.text", "models.vowels"},
    "models.interlinear": {"models.text", "models.lexicon"},
    "models.review": {"models.study", "models.text", "models.lexicon"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files() -> list[Path]:
    files: list[Path] = []
    for source in SOURCES:
        path = ROOT / source
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, at the top of the file) for every import in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    # imports inside `if TYPE_CHECKING:` at the top count as top-level
    for node in tree.body:
        if isinstance(node, ast.If):
            top.update(id(n) for n in node.body)
    found = []
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + [base]
                ).strip(".")
            for alias in node.names:
                # `from models.translation import ct2` imports the module models.translation.ct2
                candidate = f"{base}.{alias.name}"
                is_module = (ROOT / (candidate.replace(".", "/") + ".py")).is_file()
                found.append((candidate if is_module else base, id(node) in top))
    return found


GRAPH = {module_name(p): imports(p) for p in python_files()}
OWN = set(GRAPH)


def own_imports(module: str) -> set[str]:
    return {name for name, _ in GRAPH[module] if name in OWN}


def test_the_walk_finds_the_layout() -> None:
    packages = {
        m for m in OWN if m.startswith("models.") and (ROOT / m.replace(".", "/") / "__init__.py").is_file()
    }
    assert set(ALLOWED) | {"models.build"} <= packages
    assert own_imports("models.pipeline") >= {"models.names.recognizer", "models.translation.loader"}


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for other in sorted(own_imports(module)):
            if state.get(other) == 1:
                cycle = path[path.index(other) :] + [other]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if other not in state:
                visit(other)
        path.pop()
        state[module] = 2

    for module in sorted(OWN):
        if module not in state:
            visit(module)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_feature_packages_import_only_what_they_may(package: str) -> None:
    allowed = ALLOWED[package] | SHARED | {package}
    for module in sorted(m for m in OWN if m == package or m.startswith(package + ".")):
        for other in own_imports(module):
            if other.startswith("models"):
                assert any(other == a or other.startswith(a + ".") for a in allowed), (
                    f"{module} imports {other}"
                )


# The page's reading session (it runs the pipeline's steps across reruns) and the command line.
PIPELINE_CALLERS = ("components.session", "models.__main__")


def test_layers() -> None:
    for module, found in GRAPH.items():
        names = {name.split(".")[0] for name, _ in found}
        if module.startswith("models"):
            assert "streamlit" not in names and "components" not in names and "app" not in names, module
        if module.startswith("components"):
            assert not names & {"torch", "transformers", "ctranslate2"}, module
        if module not in PIPELINE_CALLERS:
            assert "models.pipeline" not in {n for n, _ in found}, f"{module} imports the pipeline"
        if not module.startswith("models.build"):
            assert not any(n.startswith("models.build") for n, _ in found), f"{module} imports build code"


def test_own_imports_are_at_the_top() -> None:
    for module, found in GRAPH.items():
        inside = sorted(
            name for name, top in found if not top and name.split(".")[0] in ("models", "components")
        )
        assert not inside, f"{module} imports {inside} inside a function"


def test_tests_share_helpers_only_through_tests_support() -> None:
    """No test module imports another: what tests share lives in tests/support/ (and devkit/)."""
    support = ROOT / "tests" / "support"
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for name, _ in imports(path):
            if name.startswith("tests.") and support not in path.parents:
                assert name == "tests.support", f"{path.relative_to(ROOT)} imports {name}"


def test_the_app_and_the_benchmarks_never_import_the_tests() -> None:
    """bench/ stands alone (a reader who installed the app can run it, no pytest); devkit/ is what it shares
    with the tests; the app never imports either."""
    for folder in ("bench", "devkit", "models", "components"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found = {name.split(".")[0] for name, _ in imports(path)}
            assert "tests" not in found and "pytest" not in found, (
                f"{path.relative_to(ROOT)} imports the tests"
            )
            if folder in ("models", "components"):
                assert "devkit" not in found and "bench" not in found, (
                    f"{path.relative_to(ROOT)} imports {found}"
                )


MAX_LINES = 500
MAX_APP_LINES = 200


def test_the_app_is_wiring_only() -> None:
    """app.py wires the components and the pipeline, top to bottom; what the page waits for and draws
    lives in components/ (the reading session, components/session.py), where it can be tested alone."""
    assert len((ROOT / "app.py").read_text(encoding="utf-8").splitlines()) <= MAX_APP_LINES


def test_no_module_runs_past_500_lines() -> None:
    """A module a newcomer can read in one sitting: split by concern before it grows past this."""
    sources = [
        ROOT / "app.py",
        *(p for d in ("models", "components", "bench", "devkit", "tests") for p in (ROOT / d).rglob("*.py")),
    ]
    long = {
        str(p.relative_to(ROOT)): n
        for p in sources
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_architecture_map_names_every_package() -> None:
    """docs/architecture.md is the newcomer's map: every package of models/ is on it."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in (ROOT / "models").glob("*/__init__.py"))
    assert [p for p in packages if f"`models/{p}/`" not in text] == []
