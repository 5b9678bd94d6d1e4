// Converts Natural Earth 1:110m land (TopoJSON, from the npm package
// world-atlas 2.0.2) into the compact SVG path data of data/land-110m.txt.
//
// Run by hand, once, when the land layer should change; the output is
// committed and embedded by src/map.rs with include_str!. Needs Node 18+ and
// nothing else (no npm dependencies):
//
//   cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//   node /path/to/crates/lookout-geo/data/convert-land.mjs package/land-110m.json \
//     > /path/to/crates/lookout-geo/data/land-110m.txt
//
// Input used for the committed file:
//   world-atlas-2.0.2.tgz  sha256 032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97
//                          (npm shasum 4bca4a578f3a413bd409c3f07f2054fe7375824f)
//   package/land-110m.json sha256 ead5f68119c49a9250902e7da303bcb209341bbb8fefe7369a439b48b704658a
// The script warns on stderr when its input has another hash.
//
// What it does, in order:
// 1. decodes the quantised, delta-encoded TopoJSON arcs into rings of
//    [longitude, latitude];
// 2. cuts rings at the antimeridian (world-atlas stitches Natural Earth's
//    cuts, so Russia's Chukotka and Fiji cross 180°) and closes the
//    Antarctic ring, which winds round the South Pole, along latitude -90;
// 3. projects equirectangularly into a 1000 x 500 box:
//    x = (lon + 180) * 1000 / 360, y = (90 - lat) * 500 / 180;
// 4. simplifies each ring with Douglas-Peucker at TOLERANCE box units;
// 5. rounds to whole units, drops repeated points, and drops rings (islands
//    and lakes) whose area is under MIN_AREA square units;
// 6. writes one ring per line as SVG path data: an absolute `M`, relative
//    `l` steps, `z`. Only the characters `Mlz0-9 -` and newlines appear.
//
// src/map.rs must use the same projection (its WIDTH and HEIGHT).

import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

const WIDTH = 1000;
const HEIGHT = 500;
const TOLERANCE = 0.3; // box units; 1 unit = 0.36 degrees
const MIN_AREA = 2; // square box units; about 0.26 square degrees
const EXPECTED_SHA256 = "ead5f68119c49a9250902e7da303bcb209341bbb8fefe7369a439b48b704658a";

const input = process.argv[2];
if (!input) {
  console.error("usage: node convert-land.mjs path/to/land-110m.json > land-110m.txt");
  process.exit(2);
}
const bytes = readFileSync(input);
const sha = createHash("sha256").update(bytes).digest("hex");
if (sha !== EXPECTED_SHA256) {
  console.error(`warning: input sha256 ${sha} differs from the one documented (${EXPECTED_SHA256})`);
}
const topology = JSON.parse(bytes.toString("utf8"));

// 1. Decode arcs.
const [sx, sy] = topology.transform.scale;
const [tx, ty] = topology.transform.translate;
const arcs = topology.arcs.map((arc) => {
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return [x * sx + tx, y * sy + ty];
  });
});

function ringOf(arcIndexes) {
  const points = [];
  for (const index of arcIndexes) {
    const arc = index < 0 ? arcs[~index].slice().reverse() : arcs[index];
    // Consecutive arcs share their joining point.
    arc.forEach((p, i) => {
      if (i > 0 || points.length === 0) points.push(p);
    });
  }
  if (points.length > 1) {
    const [a, b] = [points[0], points[points.length - 1]];
    if (a[0] === b[0] && a[1] === b[1]) points.pop();
  }
  return points;
}

const rings = [];
for (const geometry of topology.objects.land.geometries) {
  const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.arcs;
  for (const polygon of polygons) {
    for (const ring of polygon) rings.push(ringOf(ring));
  }
}

// 2. Antimeridian and pole.
function unwrap(ring) {
  const out = [ring[0].slice()];
  for (let i = 1; i < ring.length; i++) {
    let lon = ring[i][0];
    const previous = out[i - 1][0];
    while (lon - previous > 180) lon -= 360;
    while (lon - previous < -180) lon += 360;
    out.push([lon, ring[i][1]]);
  }
  return out;
}

// Sutherland-Hodgman against west <= lon <= east.
function clipLongitude(ring, west, east) {
  const clipEdge = (points, inside, intersect) => {
    const out = [];
    for (let i = 0; i < points.length; i++) {
      const current = points[i];
      const previous = points[(i + points.length - 1) % points.length];
      if (inside(current)) {
        if (!inside(previous)) out.push(intersect(previous, current));
        out.push(current);
      } else if (inside(previous)) {
        out.push(intersect(previous, current));
      }
    }
    return out;
  };
  const at = (lon) => (a, b) => {
    const t = (lon - a[0]) / (b[0] - a[0]);
    return [lon, a[1] + t * (b[1] - a[1])];
  };
  let out = clipEdge(ring, (p) => p[0] >= west, at(west));
  out = clipEdge(out, (p) => p[0] <= east, at(east));
  return out;
}

const cutRings = [];
for (const ring of rings) {
  const points = unwrap(ring);
  // Longitude travelled on the closing step back to the first point: the
  // whole ring then turns 0 degrees, or 360 when it goes round a pole.
  let step = ring[0][0] - ring[ring.length - 1][0];
  while (step > 180) step -= 360;
  while (step < -180) step += 360;
  const turn = points[points.length - 1][0] + step - points[0][0];
  let candidates;
  if (Math.abs(turn) > 180) {
    // Round a pole (Antarctica): close the ring along the pole's latitude,
    // then draw it twice, one turn apart, and clip both to the map.
    const pole = points[0][1] < 0 ? -90 : 90;
    const end = points[0][0] + turn;
    const closed = points.concat([
      [end, points[0][1]],
      [end, pole],
      [points[0][0], pole],
    ]);
    candidates = [closed, closed.map(([x, y]) => [x - turn, y])];
  } else {
    candidates = [-360, 0, 360].map((shift) => points.map(([x, y]) => [x + shift, y]));
  }
  for (const candidate of candidates) {
    const xs = candidate.map((p) => p[0]);
    if (Math.max(...xs) <= -180 || Math.min(...xs) >= 180) continue;
    const clipped = clipLongitude(candidate, -180, 180);
    if (clipped.length >= 3) cutRings.push(clipped);
  }
}

// 3. Project.
const project = ([lon, lat]) => [((lon + 180) * WIDTH) / 360, ((90 - lat) * HEIGHT) / 180];

// 4. Douglas-Peucker on a closed ring: keep the first point and the point
// farthest from it, simplify both halves.
function perpendicular(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  return Math.abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / length;
}

function douglasPeucker(points, tolerance) {
  if (points.length < 3) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop();
    let farthest = -1;
    let distance = 0;
    for (let i = first + 1; i < last; i++) {
      const d = perpendicular(points[i], points[first], points[last]);
      if (d > distance) {
        distance = d;
        farthest = i;
      }
    }
    if (farthest >= 0 && distance > tolerance) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

function simplifyRing(ring, tolerance) {
  let far = 0;
  let best = -1;
  ring.forEach((p, i) => {
    const d = Math.hypot(p[0] - ring[0][0], p[1] - ring[0][1]);
    if (d > best) {
      best = d;
      far = i;
    }
  });
  const a = douglasPeucker(ring.slice(0, far + 1), tolerance);
  const b = douglasPeucker(ring.slice(far).concat([ring[0]]), tolerance);
  return a.concat(b.slice(1, -1));
}

function area(ring) {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

// 5. and 6. Round, filter, write.
const lines = [];
let dropped = 0;
let pointsIn = 0;
let pointsOut = 0;
for (const ring of cutRings) {
  const projected = ring.map(project);
  pointsIn += projected.length;
  const simplified = simplifyRing(projected, TOLERANCE);
  const rounded = [];
  for (const [x, y] of simplified) {
    const p = [Math.round(x), Math.round(y)];
    const q = rounded[rounded.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) rounded.push(p);
  }
  while (
    rounded.length > 1 &&
    rounded[0][0] === rounded[rounded.length - 1][0] &&
    rounded[0][1] === rounded[rounded.length - 1][1]
  ) {
    rounded.pop();
  }
  if (rounded.length < 3 || Math.abs(area(rounded)) < MIN_AREA) {
    dropped += 1;
    continue;
  }
  pointsOut += rounded.length;
  const signed = (n) => (n < 0 ? `${n}` : ` ${n}`);
  let d = `M${rounded[0][0]} ${rounded[0][1]}l`;
  let first = true;
  for (let i = 1; i < rounded.length; i++) {
    const dx = rounded[i][0] - rounded[i - 1][0];
    const dy = rounded[i][1] - rounded[i - 1][1];
    d += first ? `${dx}${signed(dy)}` : `${signed(dx)}${signed(dy)}`;
    first = false;
  }
  lines.push(`${d}z`);
}
process.stdout.write(`${lines.join("\n")}\n`);
console.error(
  `${rings.length} rings in, ${cutRings.length} after the antimeridian cut, ` +
    `${lines.length} written, ${dropped} dropped as too small; ` +
    `${pointsIn} points in, ${pointsOut} out`,
);
