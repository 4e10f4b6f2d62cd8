//! The dashboard's map: the areas one level down coloured by the chosen measure, drawn on the
//! server as SVG from the shipped kabupaten/kota outlines (`data/batas_kabupaten.csv`, MIT,
//! see `data/NOTICE`). A province is drawn as all its kabupaten/kota in one colour, so the
//! country and a province use the same data; below the kabupaten level (kecamatan, desa)
//! there are no outlines and the page shows the table only.
//!
//! Each area is a link to its own dashboard; the table beside it holds the same numbers for
//! readers who do not see colours. Outlines are simplified again when drawn: a point closer
//! than a pixel to the last one kept is dropped, so the country map is as light as a
//! province's (about 10 KB before compression).

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, LazyLock, Mutex};

use benteng_app::figures::Shown;

const BATAS: &str = include_str!("../../../../../data/batas_kabupaten.csv");

/// Drawing width in SVG units (the page scales it to the screen).
const WIDTH: f64 = 360.0;
/// The tallest a map may be, for long north-south provinces.
const MAX_HEIGHT: f64 = 420.0;
/// The most the path data may take (bytes, before compression); a map over it is drawn
/// coarser.
const BUDGET: usize = 20_000;
/// Colour classes besides "nothing": 1 is the lightest.
pub const CLASSES: i64 = 4;
/// The colour of a "< 5": its own, named "< 5" in the key, so that the colour says what the
/// text says and no more.
pub const FEW: i64 = 5;

/// A closed outline: (lng, lat) points.
type Ring = Vec<(f64, f64)>;

/// Outlines by kabupaten/kota code.
static SHAPES: LazyLock<HashMap<&'static str, Vec<Ring>>> = LazyLock::new(|| {
    BATAS
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (code, shape) = line.split_once(',')?;
            let rings = shape
                .split(';')
                .map(|ring| {
                    ring.split(',')
                        .filter_map(|p| {
                            let (x, y) = p.split_once(' ')?;
                            Some((x.parse().ok()?, y.parse().ok()?))
                        })
                        .collect::<Vec<_>>()
                })
                .filter(|r| r.len() >= 3)
                .collect::<Vec<_>>();
            Some((code, rings))
        })
        .collect()
});

/// One area to draw: a province (`35`) or a kabupaten/kota (`35.07`).
pub struct MapArea<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub href: &'a str,
    pub value: Shown,
    /// The value as the page writes it ("< 5", "1.234").
    pub text: &'a str,
}

/// The rings of an area's outline: its own, or all its kabupaten/kota for a province.
fn rings_of(code: &str) -> Vec<&'static Ring> {
    if code.len() == 5 {
        return SHAPES
            .get(code)
            .map(|r| r.iter().collect())
            .unwrap_or_default();
    }
    if code.len() == 2 {
        let prefix = format!("{code}.");
        let mut codes: Vec<&&str> = SHAPES.keys().filter(|k| k.starts_with(&prefix)).collect();
        codes.sort();
        return codes.into_iter().flat_map(|k| SHAPES[*k].iter()).collect();
    }
    Vec::new()
}

/// Whether this level has outlines (provinces and kabupaten/kota do).
pub fn drawable(codes: &[&str]) -> bool {
    !codes.is_empty()
        && codes.iter().all(|c| c.len() == 2 || c.len() == 5)
        && codes.iter().any(|c| !rings_of(c).is_empty())
}

/// The colour class of a value against the largest shown: 0 for nothing, else 1..=CLASSES;
/// a "< 5" is [`FEW`].
pub fn class(value: &Shown, max: i64) -> i64 {
    match value {
        Shown::Few => FEW,
        Shown::Exact(n) if *n <= 0 || max <= 0 => 0,
        Shown::Exact(n) => ((n * CLASSES + max - 1) / max).clamp(1, CLASSES),
    }
}

/// The upper bound of each class for the legend: class k holds values up to `bound(k)`.
pub fn bound(k: i64, max: i64) -> i64 {
    (max * k) / CLASSES
}

/// The outlines of a set of areas projected and simplified for the drawing, made once per
/// set (a province's kabupaten/kota, the country's provinces, an office's regencies) and kept
/// for the life of the process: drawing the country takes milliseconds, assembling it with a
/// request's colours microseconds.
struct Drawing {
    width: f64,
    height: f64,
    /// (area code, SVG path data), areas without an outline left out.
    paths: Vec<(String, String)>,
}

static DRAWINGS: LazyLock<Mutex<HashMap<String, Arc<Drawing>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn drawing(codes: &[&str]) -> Option<Arc<Drawing>> {
    let key = codes.join(",");
    if let Some(d) = DRAWINGS.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Some(d.clone());
    }
    let d = Arc::new(project(codes)?);
    let mut cache = DRAWINGS.lock().unwrap_or_else(|e| e.into_inner());
    // Bounded: the sets a deployment's users look at are few; a flood of odd ones starts over.
    if cache.len() >= 1000 {
        cache.clear();
    }
    cache.insert(key, d.clone());
    Some(d)
}

fn project(codes: &[&str]) -> Option<Drawing> {
    let shapes: Vec<(&str, Vec<&'static Ring>)> = codes
        .iter()
        .map(|c| (*c, rings_of(c)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    if shapes.is_empty() {
        return None;
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (_, rings) in &shapes {
        for &(x, y) in rings.iter().flat_map(|r| r.iter()) {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    // Equirectangular, corrected for the latitude (small near the equator).
    let k = ((y0 + y1) / 2.0).to_radians().cos();
    let (w, h) = (((x1 - x0) * k).max(1e-6), (y1 - y0).max(1e-6));
    let scale = (WIDTH / w).min(MAX_HEIGHT / h);
    let geo = Geo { x0, y1, k, scale };
    // Coarser until it fits: a province needs the first step, the country a later one.
    let mut paths = Vec::new();
    for tolerance in [2, 3, 4, 6, 8, 12] {
        paths = shapes
            .iter()
            .map(|(code, rings)| (code.to_string(), outline(rings, &geo, tolerance)))
            .collect();
        if paths.iter().map(|(_, d)| d.len()).sum::<usize>() <= BUDGET {
            break;
        }
    }
    Some(Drawing {
        width: (w * scale).ceil(),
        height: (h * scale).ceil(),
        paths,
    })
}

/// The SVG of the map, or `None` when no area has an outline.
pub fn svg(areas: &[MapArea], label: &str) -> Option<String> {
    let codes: Vec<&str> = areas.iter().map(|a| a.code).collect();
    let d = drawing(&codes)?;
    let max = areas
        .iter()
        .filter_map(|a| a.value.exact())
        .max()
        .unwrap_or(0);
    let mut out = String::with_capacity(BUDGET + 100 * areas.len());
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 {w} {h}" width="{w}" height="{h}" role="group" aria-label="{}">"#,
        html_escape(label),
        w = d.width + 4.0,
        h = d.height + 4.0,
    );
    for (area, (_, path)) in areas
        .iter()
        .filter_map(|a| d.paths.iter().find(|(c, _)| c == a.code).map(|p| (a, p)))
    {
        let _ = write!(
            out,
            r#"<a href="{}"><path class="m{}" d="{}"><title>{}: {}</title></path></a>"#,
            html_escape(area.href),
            class(&area.value, max),
            path,
            html_escape(area.name),
            html_escape(area.text)
        );
    }
    out.push_str("</svg>");
    Some(out)
}

/// How to place a (lng, lat) in the drawing.
struct Geo {
    x0: f64,
    y1: f64,
    k: f64,
    scale: f64,
}

/// An area's path data, dropping a point closer than `tolerance` half-pixels (Manhattan) to
/// the last one kept, and rings smaller than that; an area too small for any ring is a
/// square of 3 px where it lies (Jakarta on the country's map), so it can be seen and tapped.
fn outline(rings: &[&Ring], g: &Geo, tolerance: i32) -> String {
    let mut d = String::new();
    for ring in rings {
        let mut last: Option<(i32, i32)> = None;
        let (mut lo, mut hi) = ((i32::MAX, i32::MAX), (i32::MIN, i32::MIN));
        let mut n = 0;
        let mut part = String::new();
        for &(x, y) in ring.iter() {
            // Half-pixel units keep the shapes crisp without decimals.
            let px = (((x - g.x0) * g.k * g.scale) * 2.0).round() as i32;
            let py = (((g.y1 - y) * g.scale) * 2.0).round() as i32;
            if let Some((lx, ly)) = last {
                if (px - lx).abs() + (py - ly).abs() < tolerance {
                    continue;
                }
            }
            lo = (lo.0.min(px), lo.1.min(py));
            hi = (hi.0.max(px), hi.1.max(py));
            let _ = write!(
                part,
                "{}{} {}",
                if n == 0 { "M" } else { " " },
                fmt_half(px),
                fmt_half(py)
            );
            last = Some((px, py));
            n += 1;
        }
        let big = (hi.0 - lo.0) + (hi.1 - lo.1) >= 2 * tolerance;
        if n >= 3 && big {
            d.push_str(&part);
            d.push('z');
        }
    }
    if d.is_empty() {
        let pts: Vec<(f64, f64)> = rings.iter().flat_map(|r| r.iter().copied()).collect();
        if !pts.is_empty() {
            let n = pts.len() as f64;
            let cx = pts.iter().map(|p| p.0).sum::<f64>() / n;
            let cy = pts.iter().map(|p| p.1).sum::<f64>() / n;
            let px = ((cx - g.x0) * g.k * g.scale).round() - 1.5;
            let py = ((g.y1 - cy) * g.scale).round() - 1.5;
            let _ = write!(d, "M{px} {py}h3v3h-3z");
        }
    }
    d
}

/// A half-pixel integer as SVG units: 7 → "3.5", 8 → "4".
fn fmt_half(v: i32) -> String {
    if v % 2 == 0 {
        (v / 2).to_string()
    } else {
        format!("{:.1}", f64::from(v) / 2.0)
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_outlines_cover_jawa_timur() {
        for code in ["35.07", "35.73", "35.79", "35.29", "35.78"] {
            assert!(!rings_of(code).is_empty(), "{code} has no outline");
        }
        assert!(SHAPES.len() > 500, "{} outlines", SHAPES.len());
        assert!(rings_of("35").len() >= 38);
        assert!(rings_of("35.07.11").is_empty());
    }

    #[test]
    fn classes_hide_what_the_text_hides() {
        assert_eq!(class(&Shown::Few, 100), FEW);
        assert_eq!(class(&Shown::Exact(0), 100), 0);
        assert_eq!(class(&Shown::Exact(1), 100), 1);
        assert_eq!(class(&Shown::Exact(25), 100), 1);
        assert_eq!(class(&Shown::Exact(26), 100), 2);
        assert_eq!(class(&Shown::Exact(100), 100), CLASSES);
        assert_eq!(class(&Shown::Exact(3), 0), 0);
        assert_eq!(bound(1, 100), 25);
    }

    #[test]
    fn a_province_map_links_every_area_and_stays_small() {
        let codes: Vec<String> = BATAS
            .lines()
            .filter_map(|l| l.split_once(',').map(|(c, _)| c.to_string()))
            .filter(|c| c.starts_with("35."))
            .collect();
        let hrefs: Vec<String> = codes
            .iter()
            .map(|c| format!("/dasbor?wilayah={c}"))
            .collect();
        let areas: Vec<MapArea> = codes
            .iter()
            .zip(&hrefs)
            .enumerate()
            .map(|(i, (c, h))| MapArea {
                code: c,
                name: "A & B",
                href: h,
                value: Shown::Exact(i as i64),
                text: "1",
            })
            .collect();
        let svg = svg(&areas, "Peta").expect("a map");
        assert_eq!(svg.matches("<a href=").count(), codes.len());
        assert!(svg.contains("/dasbor?wilayah=35.07\""));
        assert!(svg.contains("A &amp; B"));
        assert!(svg.contains("class=\"m4\"") && svg.contains("class=\"m0\""));
        assert!(svg.len() < 26_000, "{} bytes", svg.len());
        // The whole country, drawn as provinces, stays light too.
        let provinces: Vec<String> = (11..=96).map(|p| p.to_string()).collect();
        let all: Vec<MapArea> = provinces
            .iter()
            .map(|p| MapArea {
                code: p,
                name: p,
                href: "/dasbor",
                value: Shown::Exact(1),
                text: "1",
            })
            .collect();
        let country = super::svg(&all, "Peta").expect("a map");
        assert!(country.len() < 26_000, "{} bytes", country.len());
        assert!(country.matches("<a href=").count() >= 37);
        assert!(!drawable(&["35.07.11"]));
        assert!(drawable(&["35.07", "35.73"]));
    }
}
