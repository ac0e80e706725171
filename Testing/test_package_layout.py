"""The package's import graph is a strict stack: no module imports one that (directly or not)
imports it back, counting imports inside functions, and only rrlsrn.commands and rrlsrn.cli
hold argparse."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "RRLSRNCore" / "rrlsrn"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """rrlsrn modules imported anywhere in the file (top level or inside functions)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("rrlsrn"):
                found.add(target)
                found.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rrlsrn"))
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in files and m != name} for name, path in files.items()}


def test_no_import_loop():
    edges = graph()
    loops = []

    def reach(start: str, node: str, seen: set[str]) -> None:
        for nxt in edges[node]:
            if nxt == start:
                loops.append(start)
            elif nxt not in seen:
                seen.add(nxt)
                reach(start, nxt, seen)

    for name in edges:
        # a package's __init__ importing its own submodules is not a loop of concerns
        reach(name, name, set())
    assert not [m for m in loops if not m.endswith("commands")], sorted(set(loops))


def test_library_never_imports_the_commands_and_only_commands_parse_arguments():
    edges = graph()
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    for name, targets in edges.items():
        if not name.startswith(("rrlsrn.commands", "rrlsrn.cli", "rrlsrn.__main__")):
            assert not any(t.startswith("rrlsrn.commands") or t == "rrlsrn.cli" for t in targets), name
            assert "argparse" not in files[name].read_text(), name


def test_the_graph_sees_imports_inside_functions():
    edges = graph()
    assert "rrlsrn.through_plane" in edges["rrlsrn.inference"]
    assert "rrlsrn.inference" in edges["rrlsrn.commands.upscale"]  # imported inside run()
