#!/usr/bin/env python3
"""Checks linli's fewest new sites (`linli coverage … --fewest --kind K
--sites-model`) against spopt's LSCP on the very same covering problem.

Usage: lscp_exact_check.py OUT/sites_model.json [--max-cells N]

The model lists, per candidate, the demand points it covers within the
kind's limit. spopt's LSCP (PuLP + CBC) gets it as a cost matrix (0 where
covered, 2 elsewhere, service radius 1); demand points no candidate covers
are left out, as linli leaves them out. Prints both site counts, whether
they agree, and both times. Run with the peers' venv (target/peers/venv),
which has spopt, PuLP and CBC; benches/compare_lscp.sh does it all.
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    path = sys.argv[1]
    max_cells = float(sys.argv[sys.argv.index("--max-cells") + 1]) if "--max-cells" in sys.argv else 4e8
    m = json.load(open(path))
    assert m.get("goal") == "fewest", "run linli with --fewest --sites-model"
    covers, w = m["covers"], m["weights"]
    reach = sorted({d for ds in covers for d in ds})
    row = {d: i for i, d in enumerate(reach)}
    out = {
        "candidates": len(covers),
        "demand_points": len(w),
        "reachable_points": len(reach),
        "reachable_households": sum(w[d] for d in reach),
        "linli_sites": m["p"],
    }
    cells = len(reach) * len(covers)
    if cells > max_cells:
        out["spopt"] = f"skipped: {cells:.3g} cells > --max-cells"
        print(json.dumps(out))
        return
    import pulp
    import spopt
    from spopt.locate import LSCP

    t = time.perf_counter()
    cost = np.full((len(reach), len(covers)), 2.0)
    for c, ds in enumerate(covers):
        for d in ds:
            cost[row[d], c] = 0.0
    model = LSCP.from_cost_matrix(cost, service_radius=1.0)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    spopt_s = time.perf_counter() - t
    sites = [c for c in range(len(covers)) if model.fac_vars[c].value() > 0.5]
    out.update(
        {
            "spopt_version": spopt.__version__,
            "spopt_status": pulp.LpStatus[model.problem.status],
            "spopt_sites": len(sites),
            "agree": len(sites) == m["p"],
            "spopt_s": round(spopt_s, 3),
        }
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
