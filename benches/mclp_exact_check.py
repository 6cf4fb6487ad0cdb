#!/usr/bin/env python3
"""Checks linli's recommended sites against the exact optimum of the very
same covering problem, solved with CBC (PuLP, as spopt's MCLP does).

Usage: mclp_exact_check.py OUT/sites_model.json
  (written by `linli coverage … --add N --kind K --sites-model`)

Prints the optimum, linli's coverage, their ratio (goal ≥ 0.99) and the
solver's time. Run with the peers' venv (target/peers/venv), which has PuLP
and its CBC binary; benches/compare_mclp.sh does it all.
"""
import json
import sys
import time

import pulp


def main() -> None:
    m = json.load(open(sys.argv[1]))
    w, covers, p = m["weights"], m["covers"], m["p"]
    covered_by = [[] for _ in w]
    for c, ds in enumerate(covers):
        for d in ds:
            covered_by[d].append(c)
    prob = pulp.LpProblem("mclp", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{c}", cat="Binary") for c in range(len(covers))]
    y = [pulp.LpVariable(f"y{d}", lowBound=0, upBound=1) for d in range(len(w))]
    prob += pulp.lpSum(w[d] * y[d] for d in range(len(w)))
    for d, cs in enumerate(covered_by):
        prob += y[d] <= pulp.lpSum(x[c] for c in cs)
    prob += pulp.lpSum(x) == p
    t = time.perf_counter()
    prob.solve(pulp.PULP_CBC_CMD(msg=False))
    solve_s = time.perf_counter() - t
    status = pulp.LpStatus[prob.status]
    best = round(pulp.value(prob.objective))
    print(
        json.dumps(
            {
                "status": status,
                "p": p,
                "candidates": len(covers),
                "demand_points": len(w),
                "uncovered_households": sum(w),
                "optimum": best,
                "linli": m["covered"],
                "ratio": round(m["covered"] / best, 5) if best else None,
                "cbc_s": round(solve_s, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
