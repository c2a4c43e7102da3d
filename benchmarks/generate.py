"""How many valid documents a second ``conformance.strategies`` makes, per schema.

Three figures per catalog schema, each the median of interleaved rounds:

- ``generate``: the seeded generator behind ``conformance generate`` alone (target: 1,000/s);
- ``+ validate``: the same documents generated and then checked with a ``conformance.Checker``
  forced to the schema (the check is the project's, counted in);
- ``hypothesis``: the Hypothesis strategy ``documents(name, "valid")`` under ``@given`` with
  ``derandomize=True`` (draws and Hypothesis's own bookkeeping, for property tests; no target).

    python benchmarks/generate.py                  # 2,000 documents a round, 5 rounds
    python benchmarks/generate.py --count 500 --rounds 3 --no-hypothesis

Prints a Markdown table to stdout; exits 1 when a schema's generator makes fewer than 1,000
valid documents a second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import conformance
from conformance import strategies

TARGET = 1_000


def _rate(count: int, work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    return count / (time.perf_counter() - start)


def _hypothesis_rate(name: str, count: int) -> float:
    from hypothesis import HealthCheck, given, settings

    made: list[Any] = []

    @settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategies.documents(name, "valid"))
    def collect(document: Any) -> None:
        made.append(document)

    start = time.perf_counter()
    collect()
    return len(made) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2_000, help="documents a round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (median taken)")
    parser.add_argument(
        "--no-hypothesis", action="store_true", help="skip the Hypothesis strategy's figure"
    )
    args = parser.parse_args()
    checker = conformance.Checker()
    names = [entry.name for entry in conformance.default_catalog()]
    rates: dict[str, dict[str, list[float]]] = {n: {"gen": [], "val": [], "hyp": []} for n in names}
    for round_ in range(args.rounds):
        for name in names:
            forced = checker.for_schema(name)
            seed = round_

            def gen(name: str = name, seed: int = seed) -> None:
                for _ in strategies.generate(name, args.count, seed=seed):
                    pass

            def val(name: str = name, seed: int = seed, forced: Any = forced) -> None:
                for document in strategies.generate(name, args.count, seed=seed):
                    # An enum schema's document is a bare string: as JSON text, as on the wire.
                    if isinstance(document, str):
                        document = f'"{document}"'
                    if not forced.check(document).conforms:
                        raise SystemExit(f"{name}: a valid document did not conform: {document}")

            rates[name]["gen"].append(_rate(args.count, gen))
            rates[name]["val"].append(_rate(args.count, val))
            if not args.no_hypothesis and round_ == 0:
                rates[name]["hyp"].append(_hypothesis_rate(name, min(args.count, 500)))
    print("| schema | generate (docs/s) | + validate (docs/s) | hypothesis strategy (docs/s) |")
    print("|---|---:|---:|---:|")
    missed = []
    for name in names:
        gen_rate = statistics.median(rates[name]["gen"])
        val_rate = statistics.median(rates[name]["val"])
        hyp = rates[name]["hyp"]
        hyp_text = f"{statistics.median(hyp):,.0f}" if hyp else "-"
        print(f"| `{name}` | {gen_rate:,.0f} | {val_rate:,.0f} | {hyp_text} |")
        if gen_rate < TARGET:
            missed.append(name)
    if missed:
        print(f"below {TARGET:,} documents/s: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
