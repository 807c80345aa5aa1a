"""The population register at the size of a whole small town: 100,000 persons.

Imports a generated population file of 100,000 persons (families of three generations, the
demo's generator) into a fresh SQLite database, then measures looking a person up by ЕГН and
computing a deceased person's legal heirs on that register (p50 / p95 over 500 each).
"""

import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from central_api import registers
from central_api.db import make_engine, read, write
from central_api.db.migrate import upgrade
from central_api.db.schema import register_persons
from central_api.municipality import load_municipality
from central_api.registers.demo import generate_register

LYASKOVETS = load_municipality(
    Path(__file__).resolve().parent.parent / "deploy" / "profiles" / "lyaskovets.toml"
)

PERSONS = 100_000
LOOKUPS = 500


def _settlements(persons: int) -> tuple[dict[str, int], dict[str, str]]:
    # Living residents are about 2/3 of the generated rows (the others died or moved away).
    codes = registers.known_settlements(LYASKOVETS)
    share = int(persons * 0.66) // len(codes)
    return dict.fromkeys(codes, share), codes


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def run() -> dict:
    populations, names = _settlements(PERSONS)
    started = time.perf_counter()
    population, _taxes = generate_register(populations, names, seed=7)
    generated = time.perf_counter() - started
    rows = population.count(b"\n") - 1
    folder = Path(tempfile.mkdtemp(prefix="bench-registers-"))
    engine = make_engine(f"sqlite:///{folder / 'central.db'}")
    upgrade(engine)
    started = time.perf_counter()
    with write(engine) as conn:
        report = registers.import_population(conn, population, names, actor="bench")
    imported = time.perf_counter() - started
    started = time.perf_counter()
    with write(engine) as conn:
        registers.import_population(conn, population, names, actor="bench")
    reimported = time.perf_counter() - started
    print(f"generated {rows:,} persons in {generated:.1f} s; imported in {imported:.1f} s "
          f"({report.added / imported:,.0f} persons/s); the same file again {reimported:.1f} s")  # fmt: skip

    with read(engine) as conn:
        everyone = conn.execute(
            select(register_persons.c.id, register_persons.c.egn, register_persons.c.death_date)
        ).all()
    rng = random.Random(1)
    sample = rng.sample([row.egn for row in everyone], LOOKUPS)
    dead = [row.id for row in everyone if row.death_date]
    dead_sample = rng.sample(dead, min(LOOKUPS, len(dead)))
    find_ms, heirs_ms = [], []
    with read(engine) as conn:
        for egn in sample:
            t0 = time.perf_counter()
            registers.find_person(conn, egn)
            find_ms.append((time.perf_counter() - t0) * 1000)
        for person_id in dead_sample:
            t0 = time.perf_counter()
            registers.legal_heirs(conn, person_id)
            heirs_ms.append((time.perf_counter() - t0) * 1000)
    engine.dispose()
    results = {
        "registers_persons": rows,
        "registers_import_persons_per_s": round(report.added / imported),
        "registers_reimport_unchanged_s": round(reimported, 1),
        "registers_find_by_egn_p50_ms": round(statistics.median(find_ms), 3),
        "registers_find_by_egn_p95_ms": round(_p(find_ms, 95), 3),
        "registers_heirs_p50_ms": round(statistics.median(heirs_ms), 2),
        "registers_heirs_p95_ms": round(_p(heirs_ms, 95), 2),
    }
    print(
        f"find by ЕГН: p50 {results['registers_find_by_egn_p50_ms']} ms, p95 "
        f"{results['registers_find_by_egn_p95_ms']} ms; heirs: p50 "
        f"{results['registers_heirs_p50_ms']} ms, p95 {results['registers_heirs_p95_ms']} ms"
    )
    return results


if __name__ == "__main__":
    run()
