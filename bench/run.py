"""`make bench`: runs every bench/bench_*.py module's run() and writes bench/results.json."""

import importlib
import json
import pathlib
import platform
import sys
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("bench_*.py"))
    figures, failures = {}, []
    if argv and (HERE / "results.json").exists():
        # A partial run updates its own figures and keeps the others'.
        figures = json.loads((HERE / "results.json").read_text())
    for name in names:
        print(f"== {name}")
        started = time.perf_counter()
        try:
            figures.update(importlib.import_module(f"bench.{name}").run())
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failures.append(name)
        print(f"   ({time.perf_counter() - started:.1f} s)")
    figures["_machine"] = (
        f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    )
    (HERE / "results.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {HERE / 'results.json'}")
    if failures:
        print("FAILED:", ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
