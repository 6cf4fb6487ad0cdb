#!/usr/bin/env python3
"""Checks the expected distances in tests/coverage.rs with networkx.

The graph of the test (square A B C D plus spur B-E, metres) with every snap
point inserted as a node splitting its edge and every snap leg as an edge;
networkx.multi_source_dijkstra_path_length from the facility points.
Run: target/peers/venv/bin/python benches/coverage_networkx_check.py
"""
import math
import networkx as nx

NODES = {"A": (0, 0), "B": (100, 0), "C": (100, 100), "D": (0, 100), "E": (200, 0)}
EDGES = [("A", "B"), ("B", "C"), ("C", "D"), ("A", "D"), ("B", "E")]


def snap(p):
    best = None
    for a, b in EDGES:
        (ax, ay), (bx, by) = NODES[a], NODES[b]
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / (dx * dx + dy * dy)))
        q = (ax + t * dx, ay + t * dy)
        d = math.dist(p, q)
        if best is None or d < best[0]:
            best = (d, a, b, t, q)
    return best


def distances(sources, targets):
    pts = {f"s{i}": p for i, p in enumerate(sources)} | {f"t{i}": p for i, p in enumerate(targets)}
    on_edge = {}
    G = nx.Graph()
    for name, p in pts.items():
        d, a, b, t, q = snap(p)
        on_edge.setdefault((a, b), []).append((t, name + "@"))
        G.add_edge(name, name + "@", w=d)
        NODES[name + "@"] = q
    for a, b in EDGES:
        chain = [a] + [n for _, n in sorted(on_edge.get((a, b), []))] + [b]
        for u, v in zip(chain, chain[1:]):
            G.add_edge(u, v, w=math.dist(NODES[u], NODES[v]))
    d = nx.multi_source_dijkstra_path_length(G, {f"s{i}" for i in range(len(sources))}, weight="w")
    return [round(d[f"t{i}"], 6) for i in range(len(targets))]


print(distances([(30, -10), (-4, 50)], [(105, 60), (70, 8), (150, 3), (2, 80)]))  # 145 58 133 36
print(distances([(30, -10)], [(2, 80)]))  # 122
print(distances([(30, -10), (200, 50)], [(150, 3), (190, -1), (100, 100), (50, 102)]))  # 103 61 180 192
