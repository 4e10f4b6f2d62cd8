#!/usr/bin/env python3
"""Build data/batas_kabupaten.csv: simplified kabupaten/kota outlines for the dashboard map.

Source: the regencies.csv files of creasico/laravel-nusa (MIT, (c) 2023 Creasi.co), as they
stood at commit 0c6c849^ (March 2024), whose outlines come from cahyadsn/wilayah_boundaries
(MIT, (c) Cahya DSN). Usage:

    git -C laravel-nusa show 0c6c849^:resources/csv/35/regencies.csv > in/35.csv   # every province
    python3 scripts/batas_kabupaten.py in/*.csv > data/batas_kabupaten.csv

Each outline is simplified with Douglas-Peucker (tolerance 0.008 degrees, about 900 m), islets
smaller than about 2 km^2 are dropped unless they are all there is, and coordinates are rounded
to 0.001 degree: the map is drawn 360 px wide, where one pixel is already 500-1000 m.
Output columns: kode (Kemendagri, dotted), bentuk: rings separated by ';', each ring
'lng lat' pairs separated by ','.
"""
import csv
import json
import sys

TOLERANCE = 0.008
MIN_AREA = 0.0002  # square degrees


def dp(points, tol):
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            x, y = points[i]
            if norm == 0:
                d = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            else:
                d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if d > best:
                best, idx = d, i
        if best > tol:
            keep[idx] = True
            stack.append((a, idx))
            stack.append((idx, b))
    return [p for p, k in zip(points, keep) if k]


def area(ring):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2


def rings(value):
    """The coordinates are [[lat,lng],...] or [[[lat,lng],...],...]: flatten to rings."""
    out = []

    def walk(node):
        if node and isinstance(node[0], (int, float)):
            return
        if node and isinstance(node[0][0], (int, float)):
            # lng, lat so that x grows east
            out.append([(float(p[1]), float(p[0])) for p in node if len(p) == 2])
            return
        for child in node:
            walk(child)

    walk(json.loads(value))
    return [r for r in out if len(r) >= 3]


def main():
    csv.field_size_limit(10**9)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["kode", "bentuk"])
    known = set()
    with open("data/wilayah.csv", encoding="utf-8") as f:
        for r in csv.reader(f):
            known.add(r[0])
    rows = []
    for path in sys.argv[1:]:
        for r in csv.DictReader(open(path, encoding="utf-8")):
            code = r["code"]
            kode = f"{code[:2]}.{code[2:]}"
            # codes the 2025 decree no longer has (Papua Barat's before the split) are left out
            if kode not in known or not r["coordinates"]:
                continue
            all_rings = rings(r["coordinates"])
            big = [g for g in all_rings if area(g) >= MIN_AREA]
            if not big:
                big = [max(all_rings, key=area)]
            parts = []
            for g in big:
                s = dp(g, TOLERANCE)
                pts = []
                for x, y in s:
                    p = f"{x:.3f} {y:.3f}"
                    if not pts or pts[-1] != p:
                        pts.append(p)
                if len(pts) >= 3:
                    parts.append(",".join(pts))
            if parts:
                rows.append((kode, ";".join(parts)))
    for row in sorted(rows):
        w.writerow(row)


if __name__ == "__main__":
    main()
