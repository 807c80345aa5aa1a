"""The package boundaries of the design, enforced by reading every import."""

import ast
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

BANNED = {
    "sync": {"central_api", "kiosk_app", "printing", "flask", "PySide6", "werkzeug", "jinja2"},
    "central_api": {"kiosk_app", "PySide6"},
    "kiosk_app": {"central_api", "flask"},
    "printing": {"central_api", "kiosk_app", "flask"},
}
# Kiosk UI code talks to the store and the sync worker through signals: no SQL, no network.
UI_BANNED = {"sqlite3", "sqlite_utils", "requests", "socket", "http", "urllib", "sync.transport"}


def imported_modules(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def violations(package: str, banned: set[str]):
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for lineno, module in imported_modules(path):
            if module.split(".")[0] in banned or module in banned:
                found.append(f"{path.relative_to(ROOT)}:{lineno} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(BANNED))
def test_package_respects_its_import_boundaries(package):
    assert (ROOT / package).is_dir()
    assert violations(package, BANNED[package]) == []


def test_kiosk_ui_does_no_sql_and_no_network():
    assert (ROOT / "kiosk_app" / "ui").is_dir()
    assert violations("kiosk_app/ui", UI_BANNED) == []


def test_the_checker_sees_a_banned_import(tmp_path, monkeypatch):
    # The rule must be able to fail: plant a bad import in a throwaway package.
    bad = tmp_path / "sync"
    bad.mkdir()
    (bad / "leak.py").write_text("from central_api import db\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert violations("sync", BANNED["sync"]) == ["sync/leak.py:1 imports central_api"]
