//! The report's map: one inline SVG drawn here from the plane (metres),
//! bottom first: landmarks, the neighborhoods coloured by deviation from
//! target, service areas, water, railways, roads by class, buildings
//! (homes shaded), worker patches, neighborhood and community borders,
//! coverage gaps, the existing grid, facilities, labels, north arrow and
//! scale bar. Layers are `<g data-layer>` groups the page's toggles show
//! and hide; shapes with details carry them in `data-info`.

use super::ReportInput;
use super::svg::{Frame, esc};
use super::words::Words;
use crate::model::{BarrierKind, Scenario};
use geo::{Area, BoundingRect, InteriorPoint, Rect};
use std::collections::BTreeMap;

/// A layer of the map.
pub(super) struct Layer {
    /// `data-layer` (and the toggle's value).
    pub key: &'static str,
    /// The toggle's label.
    pub name: &'static str,
    /// Shown when the page opens.
    pub visible: bool,
    /// Features, shown beside the toggle.
    pub count: usize,
    /// The group's markup (`<g …>…</g>`), possibly several groups.
    pub body: String,
}

/// The map as drawn: the `<svg>` element and its layers' toggles.
pub(super) struct Drawn {
    /// The `<svg>` element.
    pub svg: String,
    /// (key, label, shown, features) of each toggle, bottom layer first.
    pub toggles: Vec<(&'static str, &'static str, bool, usize)>,
    /// The facility kinds drawn, with their colour class, for the legend.
    pub kinds: Vec<(String, usize)>,
    /// Road classes drawn (indices into `Words::road_classes`).
    pub road_classes: Vec<usize>,
    /// Which optional base layers have anything: water, rail, landmarks.
    pub has: [bool; 3],
}

/// Facility kinds with a colour of their own (`.f0`…); others are `.f8`.
pub(super) const KIND_COLOURS: [&str; 8] = [
    "community_centre",
    "neighborhood_office",
    "clinic",
    "elderly_care",
    "kindergarten",
    "school",
    "market",
    "pharmacy",
];

/// Draws the map of `input`.
pub(super) fn draw(input: &ReportInput, w: &'static Words) -> Drawn {
    let f = Frame::around(extent(input.scenario));
    let s = input.scenario;
    let (roads, road_classes) = roads(s, &f, w);
    let (facilities, kinds) = facilities(input, &f, w);
    let base = [landmarks(s, &f, w), water(s, &f, w), rail(s, &f, w)];
    let has = [base[1].count > 0, base[2].count > 0, base[0].count > 0];
    let (nb_fill, nb_line) = neighborhoods(input, &f, w);
    let mut layers = vec![nb_fill, service_areas(input, &f, w)];
    layers.extend(base.into_iter().filter(|l| l.count > 0));
    layers.extend([roads, buildings(s, &f, w), patches(input, &f, w), nb_line]);
    layers.push(communities(s, &f, w));
    layers.push(gaps(input, &f, w));
    layers.extend(grid(input, &f, w));
    layers.extend([facilities, labels(input, &f, w)]);
    let mut svg = format!(
        "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" data-unit=\"{}\" data-m=\"{}\" data-km=\"{}\" data-north=\"{}\">",
        f.width, f.height, f.unit, w.metres, w.kilometres, w.north
    );
    let mut toggles = Vec::new();
    for l in layers {
        svg.push_str(&l.body);
        // The neighborhood borders go with the neighborhoods' toggle.
        if !toggles.iter().any(|t: &(&str, _, _, _)| t.0 == l.key) {
            toggles.push((l.key, l.name, l.visible, l.count));
        }
    }
    svg.push_str(&furniture(&f, w));
    svg.push_str("</svg>");
    Drawn {
        svg,
        toggles,
        kinds,
        road_classes,
        has,
    }
}

/// What the map shows: the communities, or (without any) the buildings
/// and roads.
fn extent(s: &Scenario) -> Rect<f64> {
    let mut boxes: Vec<Rect<f64>> = s
        .communities
        .iter()
        .filter_map(|c| c.area.bounding_rect())
        .collect();
    if boxes.is_empty() {
        boxes.extend(s.buildings.iter().map(|b| {
            b.footprint
                .as_ref()
                .and_then(|p| p.bounding_rect())
                .unwrap_or(Rect::new(b.location.0, b.location.0))
        }));
        boxes.extend(s.walkways.iter().filter_map(|r| r.line.bounding_rect()));
    }
    boxes
        .into_iter()
        .reduce(|a, b| {
            Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
        .unwrap_or(Rect::new(
            geo::coord! { x: 0.0, y: 0.0 },
            geo::coord! { x: 1.0, y: 1.0 },
        ))
}

/// `<g data-layer="key" class="class">` around `inner`, hidden unless
/// `visible`.
fn group(key: &str, class: &str, visible: bool, inner: &str) -> String {
    format!(
        "<g data-layer=\"{key}\" class=\"{class}\"{}>{inner}</g>",
        if visible {
            ""
        } else {
            " style=\"display:none\""
        }
    )
}

/// One `<path>` of class `class` with data `d`; nothing when `d` is empty.
fn path(class: &str, d: &str) -> String {
    if d.is_empty() {
        String::new()
    } else {
        format!("<path class=\"{class}\" d=\"{d}\"/>")
    }
}

/// A shape with details: `<path class d data-info>` (and `extra`
/// attributes).
fn shape(w: &Words, class: &str, d: &str, info: &[(&str, String)], extra: &str) -> String {
    if d.is_empty() {
        return String::new();
    }
    let text: Vec<String> = info
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}{}{v}", w.colon))
        .collect();
    format!(
        "<path class=\"{class}\" d=\"{d}\"{extra} data-info=\"{}\"/>",
        esc(&text.join("\n"))
    )
}

/// Closed barrier lines of `kind` as one area path, open ones as one line
/// path, with the number of lines drawn.
fn barrier_paths(s: &Scenario, f: &Frame, kind: BarrierKind) -> (String, String, usize) {
    let (mut area, mut line, mut n) = (String::new(), String::new(), 0);
    for b in s.barriers.iter().filter(|b| b.barrier.kind == kind) {
        if !f.shows(b.line.bounding_rect()) {
            continue;
        }
        n += 1;
        if b.line.is_closed() && b.line.0.len() >= 4 {
            f.ring(&mut area, &b.line);
        } else {
            f.line(&mut line, &b.line);
        }
    }
    (area, line, n)
}

/// Parks, campuses and institutions (the landmarks layer's outlines).
fn landmarks(s: &Scenario, f: &Frame, w: &'static Words) -> Layer {
    let (area, line, count) = barrier_paths(s, f, BarrierKind::Landmark);
    let inner = path("lm", &area) + &path("lml", &line);
    Layer {
        key: "landmark",
        name: w.l_landmarks,
        visible: true,
        count,
        body: group("landmark", "base", true, &inner),
    }
}

/// Rivers and canals (lines) and lakes (closed rings as areas).
fn water(s: &Scenario, f: &Frame, w: &'static Words) -> Layer {
    let (area, line, count) = barrier_paths(s, f, BarrierKind::Water);
    let inner = path("wa", &area) + &path("wl", &line);
    Layer {
        key: "water",
        name: w.l_water,
        visible: true,
        count,
        body: group("water", "base", true, &inner),
    }
}

/// Railways.
fn rail(s: &Scenario, f: &Frame, w: &'static Words) -> Layer {
    let (area, line, count) = barrier_paths(s, f, BarrierKind::Rail);
    let inner = path("rl", &(area + &line));
    Layer {
        key: "rail",
        name: w.l_rail,
        visible: true,
        count,
        body: group("rail", "base", true, &inner),
    }
}

/// The legend's road class of an OSM `highway` value (`None`: a railway).
fn road_class(class: &str) -> Option<usize> {
    let c = class.trim_end_matches("_link");
    Some(match c {
        "rail" | "railway" => return None,
        "motorway" | "trunk" | "expressway" => 0,
        "primary" => 1,
        "secondary" => 2,
        "tertiary" => 3,
        "footway" | "path" | "pedestrian" | "cycleway" | "steps" | "track" | "bridleway"
        | "corridor" => 5,
        _ => 4,
    })
}

/// Roads by class, minor ones first so major ones draw over them; the
/// classes drawn.
fn roads(s: &Scenario, f: &Frame, w: &'static Words) -> (Layer, Vec<usize>) {
    let mut d: [String; 6] = Default::default();
    let mut count = 0;
    for r in &s.walkways {
        let Some(c) = road_class(&r.class) else {
            continue;
        };
        if f.shows(r.line.bounding_rect()) {
            count += 1;
            f.line(&mut d[c], &r.line);
        }
    }
    let mut inner = String::new();
    for c in (0..6).rev() {
        inner.push_str(&path(&format!("rd r{c}"), &d[c]));
    }
    let drawn = (0..6).filter(|&c| !d[c].is_empty()).collect();
    let layer = Layer {
        key: "road",
        name: w.l_roads,
        visible: true,
        count,
        body: group("road", "base", true, &inner),
    };
    (layer, drawn)
}

/// Buildings: footprints (a small square for a building known by its
/// point), homes shaded.
fn buildings(s: &Scenario, f: &Frame, w: &'static Words) -> Layer {
    let (mut homes, mut other, mut count) = (String::new(), String::new(), 0);
    for b in &s.buildings {
        let d = if b.households > 0 {
            &mut homes
        } else {
            &mut other
        };
        match &b.footprint {
            Some(p) if f.shows(p.bounding_rect()) => f.polygon(d, p),
            None if f.shows(Some(Rect::new(b.location.0, b.location.0))) => {
                f.square(d, b.location.0, 6.0)
            }
            _ => continue,
        }
        count += 1;
    }
    let inner = path("bo", &other) + &path("bh", &homes);
    Layer {
        key: "building",
        name: w.l_buildings,
        visible: true,
        count,
        body: group("building", "base", true, &inner),
    }
}

/// `rgb(…)` of a deviation from target: blue below, white on target, red
/// above, full at ±1/3.
pub(super) fn deviation_colour(dev: f64) -> String {
    let t = (dev * 3.0).clamp(-1.0, 1.0);
    let end = if t < 0.0 {
        [37.0, 99.0, 235.0]
    } else {
        [220.0, 38.0, 38.0]
    };
    let mix = |i: usize| (247.0 + (end[i] - 247.0) * t.abs() * 0.8).round() as u8;
    format!("rgb({},{},{})", mix(0), mix(1), mix(2))
}

/// The neighborhoods' details: name, code, community, street, households
/// and deviation, buildings, area, worker patch, the walk to a
/// neighborhood office, coverage, flags.
fn neighborhood_info(input: &ReportInput, w: &Words, i: usize) -> Vec<(&'static str, String)> {
    let n = &input.neighborhoods[i];
    let patch = input
        .staffing
        .neighborhood_patch
        .get(i)
        .and_then(|&p| input.staffing.patches.get(p))
        .map_or(String::new(), |p| p.id.clone());
    let cov = input
        .neighborhood_coverage(&n.id)
        .map_or(String::new(), |g| shares_text(input, w, g));
    let (code, name) = input.code_name(i);
    let walk = input.office_m.get(i).copied().flatten();
    vec![
        (w.name, name.to_string()),
        (w.code, code.to_string()),
        (w.community, input.community_label(&n.community)),
        (w.street, n.street.clone()),
        (
            w.households,
            format!(
                "{} ({} {:+.0}%)",
                n.households,
                w.target,
                n.deviation * 100.0
            ),
        ),
        (
            w.buildings,
            format!("{} ({} {})", n.buildings, w.homes, n.residential_buildings),
        ),
        (w.area_ha, format!("{:.1}", n.area_m2 / 10_000.0)),
        (w.patch, patch),
        (
            w.office_walk,
            walk.map_or(String::new(), |m| format!("{m:.0}")),
        ),
        (w.covered, cov),
        (w.flags, w.flag_list(&n.flags)),
    ]
}

/// The neighborhoods: fills coloured by deviation (with details), and
/// their borders as a layer above roads and buildings.
fn neighborhoods(input: &ReportInput, f: &Frame, w: &'static Words) -> (Layer, Layer) {
    let (mut fills, mut lines) = (String::new(), String::new());
    for (i, (n, shape_)) in input
        .neighborhoods
        .iter()
        .zip(input.shapes.neighborhoods)
        .enumerate()
    {
        let mut d = String::new();
        f.multi_polygon(&mut d, &shape_.area);
        let extra = format!(
            " fill=\"{}\" data-i=\"{i}\" data-id=\"{}\"",
            deviation_colour(n.deviation),
            esc(&n.id)
        );
        fills.push_str(&shape(
            w,
            "nb neighborhood",
            &d,
            &neighborhood_info(input, w, i),
            &extra,
        ));
        if !d.is_empty() {
            lines.push_str(&format!("<path class=\"nbl\" data-i=\"{i}\" d=\"{d}\"/>"));
        }
    }
    let count = input.neighborhoods.len();
    let key = "neighborhood";
    let fill_layer = Layer {
        key,
        name: w.l_neighborhoods,
        visible: true,
        count,
        body: group(key, "nbs", true, &fills),
    };
    let line_layer = Layer {
        key,
        name: w.l_neighborhood_borders,
        visible: true,
        count,
        body: group(key, "base", true, &lines),
    };
    (fill_layer, line_layer)
}

/// Community borders.
fn communities(s: &Scenario, f: &Frame, w: &'static Words) -> Layer {
    let mut d = String::new();
    for c in &s.communities {
        f.multi_polygon(&mut d, &c.area);
    }
    Layer {
        key: "community",
        name: w.l_communities,
        visible: true,
        count: s.communities.len(),
        body: group("community", "base", true, &path("cm", &d)),
    }
}

/// Worker patches (2–3 neighborhoods per social worker).
fn patches(input: &ReportInput, f: &Frame, w: &'static Words) -> Layer {
    let mut inner = String::new();
    let nb = &input.neighborhoods;
    for (p, area) in input.staffing.patches.iter().zip(input.shapes.patches) {
        let mut d = String::new();
        f.multi_polygon(&mut d, area);
        let members: Vec<&str> = p
            .neighborhoods
            .iter()
            .filter(|&&n| n < nb.len())
            .map(|&n| input.code_name(n).1)
            .collect();
        let com = input.scenario.communities.get(p.community);
        let info = [
            (w.patch, p.id.clone()),
            (
                w.community,
                com.map_or(String::new(), |c| input.community_label(&c.id)),
            ),
            (w.neighborhoods, members.join(w.sep)),
            (w.households, p.households.to_string()),
        ];
        inner.push_str(&shape(w, "pt patch", &d, &info, ""));
    }
    Layer {
        key: "patch",
        name: w.l_patches,
        visible: true,
        count: input.staffing.patches.len(),
        body: group("patch", "", true, &inner),
    }
}

/// Coverage gaps: homes beyond a kind's threshold, grouped.
fn gaps(input: &ReportInput, f: &Frame, w: &'static Words) -> Layer {
    let mut inner = String::new();
    for (kind, g) in &input.analysis.gaps {
        let mut d = String::new();
        f.multi_polygon(&mut d, &g.area);
        let info = [
            (w.l_gaps, w.kind(kind)),
            (w.households, g.households.to_string()),
            (w.buildings, g.buildings.len().to_string()),
        ];
        inner.push_str(&shape(w, "gp gap", &d, &info, ""));
    }
    Layer {
        key: "gap",
        name: w.l_gaps,
        visible: true,
        count: input.analysis.gaps.len(),
        body: group("gap", "", true, &inner),
    }
}

/// Each kind's service area at its own walking limit (hidden when the page
/// opens).
fn service_areas(input: &ReportInput, f: &Frame, w: &'static Words) -> Layer {
    let mut inner = String::new();
    let own: Vec<_> = input
        .analysis
        .service_areas
        .iter()
        .filter(|a| a.own_limit)
        .collect();
    for a in &own {
        let mut d = String::new();
        f.multi_polygon(&mut d, &a.area);
        let info = [
            (w.kind, w.kind(&a.kind)),
            (w.threshold, format!("{:.0} {}", a.threshold_m, w.metres)),
        ];
        inner.push_str(&shape(w, "sa service_area", &d, &info, ""));
    }
    Layer {
        key: "service_area",
        name: w.l_service_areas,
        visible: false,
        count: own.len(),
        body: group("service_area", "", false, &inner),
    }
}

/// The existing grid, its gaps and overlaps (hidden when the page opens).
fn grid(input: &ReportInput, f: &Frame, w: &'static Words) -> Vec<Layer> {
    let Some((parcels, audit)) = input.shapes.grid else {
        return Vec::new();
    };
    let mut polys = String::new();
    for (p, g) in parcels.iter().zip(&audit.neighborhoods) {
        let mut d = String::new();
        f.multi_polygon(&mut d, &p.area);
        let info = [
            (w.existing_neighborhood, g.id.clone()),
            (w.households, g.households.to_string()),
            (w.compliant, if g.compliant { "✓" } else { "✗" }.to_string()),
            (w.flags, w.flag_list(&g.flags)),
        ];
        polys.push_str(&shape(w, "ex existing", &d, &info, ""));
    }
    let pieces = |class: &str, list: &[crate::audit::grid::Piece]| {
        let mut inner = String::new();
        for p in list {
            let mut d = String::new();
            f.multi_polygon(&mut d, &p.area);
            let info = [
                (w.households, p.households.to_string()),
                (w.area_ha, format!("{:.2}", p.area_m2 / 10_000.0)),
            ];
            inner.push_str(&shape(w, class, &d, &info, ""));
        }
        inner
    };
    let layer = |key, name, count, inner: String| Layer {
        key,
        name,
        visible: false,
        count,
        body: group(key, "", false, &inner),
    };
    vec![
        layer("existing", w.l_existing, parcels.len(), polys),
        layer(
            "audit_gap",
            w.l_grid_gaps,
            audit.gaps.len(),
            pieces("eg audit_gap", &audit.gaps),
        ),
        layer(
            "audit_overlap",
            w.l_grid_overlaps,
            audit.overlaps.len(),
            pieces("eo audit_overlap", &audit.overlaps),
        ),
    ]
}

/// Facilities as dots coloured by kind (white halos beneath); the kinds
/// drawn with their colour index.
fn facilities(input: &ReportInput, f: &Frame, w: &'static Words) -> (Layer, Vec<(String, usize)>) {
    let (mut halo, mut dots) = (String::new(), String::new());
    let mut kinds: BTreeMap<usize, String> = BTreeMap::new();
    let mut count = 0;
    for fac in &input.scenario.facilities {
        if !f.shows(Some(Rect::new(fac.location.0, fac.location.0))) {
            continue;
        }
        count += 1;
        let k = KIND_COLOURS
            .iter()
            .position(|c| *c == fac.kind)
            .unwrap_or(KIND_COLOURS.len());
        kinds.entry(k).or_insert_with(|| fac.kind.clone());
        let mut d = String::new();
        f.dot(&mut d, fac.location.0);
        halo.push_str(&d);
        let info = [
            (w.facility, fac.name.clone()),
            (w.kind, w.kind(&fac.kind)),
            (w.code, fac.id.clone()),
        ];
        dots.push_str(&shape(w, &format!("fc facility f{k}"), &d, &info, ""));
    }
    let inner = path("fh", &halo) + &dots;
    let layer = Layer {
        key: "facility",
        name: w.l_facilities,
        visible: true,
        count,
        body: group("facility", "", true, &inner),
    };
    // Unknown kinds share one colour: the legend names the first.
    (
        layer,
        kinds.into_iter().map(|(k, name)| (name, k)).collect(),
    )
}

/// A `<text>` of class `class` at `c` (plane metres), `size_m` metres
/// high, turned `angle` degrees clockwise about its anchor.
fn text(
    f: &Frame,
    class: &str,
    c: geo::Coord<f64>,
    size_m: f64,
    angle: f64,
    label: &str,
) -> String {
    let (x, y) = f.point(c);
    let size = f.length(size_m).round().max(1.0);
    let turn = if angle.round() == 0.0 {
        String::new()
    } else {
        format!(" transform=\"rotate({:.0} {x} {y})\"", angle)
    };
    format!(
        "<text class=\"{class}\" x=\"{x}\" y=\"{y}\" font-size=\"{size}\"{turn}>{}</text>",
        esc(label)
    )
}

/// Labels: each community's name at an interior point (faint, beneath),
/// the named roads' names along their longest stretch, each
/// neighborhood's name at one of its own; sizes in map units, after the shape's size.
fn labels(input: &ReportInput, f: &Frame, w: &'static Words) -> Layer {
    let span = (f.width.max(f.height) as f64) * f.unit;
    let mut names = String::new();
    let mut taken = Vec::new();
    for (i, sh) in input.shapes.neighborhoods.iter().enumerate() {
        if let Some(at) = sh.area.interior_point() {
            let name = input.code_name(i).1;
            let side = sh.area.unsigned_area().sqrt();
            let fit = side * 1.1 / name.chars().count().max(1) as f64;
            let size = fit.min(side * 0.2).clamp(span / 500.0, span / 80.0);
            names.push_str(&text(f, "nl", at.0, size, 0.0, name));
            taken.push(at.0);
        }
    }
    // Community names beneath, where they are farthest from the others.
    let mut inner = String::new();
    // Indexed: a scan of every neighborhood label per community was
    // communities × neighborhoods.
    let taken = rstar::RTree::bulk_load(taken.iter().map(|c| [c.x, c.y]).collect());
    for c in &input.scenario.communities {
        if let Some(at) = community_anchor(&c.area, &taken) {
            let size = (c.area.unsigned_area().sqrt() * 0.09).clamp(span / 200.0, span / 45.0);
            let name = if c.name.is_empty() { &c.id } else { &c.name };
            inner.push_str(&text(f, "cl", at, size, 0.0, name));
        }
    }
    inner.push_str(&road_names(input.scenario, f, span / 150.0));
    inner.push_str(&names);
    Layer {
        key: "label",
        name: w.l_labels,
        visible: true,
        count: input.neighborhoods.len() + input.scenario.communities.len(),
        body: group("label", "lbl", true, &inner),
    }
}

/// Where a community's name goes: of points down the middle of its box
/// (and an interior point) inside it, the farthest from every label in
/// `taken`.
fn community_anchor(
    area: &geo::MultiPolygon<f64>,
    taken: &rstar::RTree<[f64; 2]>,
) -> Option<geo::Coord<f64>> {
    use geo::Contains;
    let b = area.bounding_rect()?;
    let x = (b.min().x + b.max().x) / 2.0;
    let mut candidates: Vec<geo::Coord<f64>> = [0.88, 0.12, 0.7, 0.3, 0.5]
        .iter()
        .map(|t| geo::coord! { x: x, y: b.min().y + b.height() * t })
        .filter(|c| area.contains(c))
        .collect();
    candidates.extend(area.interior_point().map(|p| p.0));
    let clear = |c: &geo::Coord<f64>| {
        taken
            .nearest_neighbor(&[c.x, c.y])
            .map_or(f64::INFINITY, |t| (t[0] - c.x).hypot(t[1] - c.y))
    };
    candidates
        .into_iter()
        .map(|c| (clear(&c), c))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Each road name once, `size` metres high, along the middle of the
/// longest line carrying it, upright; left out where the line is shorter
/// than the name.
fn road_names(s: &Scenario, f: &Frame, size: f64) -> String {
    use geo::{Euclidean, Length};
    let mut longest: BTreeMap<&str, (f64, &geo::LineString<f64>)> = BTreeMap::new();
    for (line, name) in &s.labels.roads {
        let len = Euclidean.length(line);
        let e = longest.entry(name.as_str()).or_insert((len, line));
        if len > e.0 {
            *e = (len, line);
        }
    }
    let mut out = String::new();
    for (name, (len, line)) in longest {
        let chars = name.chars().count() as f64;
        if name.is_empty() || len < size * (chars + 2.0) || !f.shows(line.bounding_rect()) {
            continue;
        }
        if let Some((at, angle)) = along(line, len / 2.0) {
            out.push_str(&text(f, "rn", at, size, angle, name));
        }
    }
    out
}

/// The point `d` metres along `line` and the line's direction there in
/// degrees clockwise from east on the page, turned to read upright.
fn along(line: &geo::LineString<f64>, mut d: f64) -> Option<(geo::Coord<f64>, f64)> {
    for seg in line.lines() {
        let (dx, dy) = (seg.dx(), seg.dy());
        let len = dx.hypot(dy);
        if len > 0.0 && d <= len {
            let t = d / len;
            let at = geo::coord! { x: seg.start.x + dx * t, y: seg.start.y + dy * t };
            // y runs up on the plane and down on the page.
            let mut angle = (-dy).atan2(dx).to_degrees();
            if angle > 90.0 {
                angle -= 180.0;
            } else if angle <= -90.0 {
                angle += 180.0;
            }
            return Some((at, angle));
        }
        d -= len;
    }
    None
}

/// The scale bar's length for a view `width_m` wide: the largest 1, 2 or
/// 5 × 10ⁿ metres within a sixth of it.
pub(super) fn scale_length(width_m: f64) -> f64 {
    let most = (width_m / 6.0).max(1.0);
    let p = 10f64.powf(most.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * p)
        .find(|&v| v <= most)
        .unwrap_or(p)
}

/// North arrow (top right) and scale bar (bottom left) for the whole
/// view, in map units; the page's script redraws them as the view zooms.
fn furniture(f: &Frame, w: &Words) -> String {
    let (wd, h) = (f.width as f64, f.height as f64);
    let len_m = scale_length(wd * f.unit);
    let len = f.length(len_m);
    let fs = (wd / 70.0).max(1.0);
    let (x0, y0) = (wd * 0.03, h * 0.96);
    let (ax, ay, s) = (wd * 0.96, h * 0.05, fs * 1.4);
    format!(
        "<g id=\"furniture\"><path class=\"sb\" d=\"M{x0:.1} {y0:.1}h{len:.1}\"/><path class=\"sbt\" d=\"M{x0:.1} {:.1}v{:.1}M{:.1} {:.1}v{:.1}\"/><text class=\"sbl\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"{fs:.1}\">{}</text><path class=\"na\" d=\"M{ax:.1} {ay:.1}l{:.1} {:.1}l{:.1} {:.1}l{:.1} {:.1}z\"/><text class=\"nal\" x=\"{ax:.1}\" y=\"{:.1}\" font-size=\"{fs:.1}\">{}</text></g>",
        y0 - fs * 0.5,
        fs * 0.5,
        x0 + len,
        y0 - fs * 0.5,
        fs * 0.5,
        x0 + len / 2.0,
        y0 - fs * 0.9,
        scale_text(len_m, w),
        s * 0.5,
        s * 1.4,
        -s * 0.5,
        -s * 0.4,
        -s * 0.5,
        s * 0.4,
        ay + s * 2.1,
        w.north,
    )
}

/// The scale bar's label: metres, or kilometres from 1 km.
fn scale_text(len_m: f64, w: &Words) -> String {
    if len_m >= 1000.0 {
        format!("{} {}", len_m / 1000.0, w.kilometres)
    } else {
        format!("{len_m} {}", w.metres)
    }
}

/// A group's coverage in words: each kind with a facility, its share.
pub(super) fn shares_text(
    input: &ReportInput,
    w: &Words,
    g: &crate::coverage::GroupCoverage,
) -> String {
    let parts: Vec<String> = input
        .kinds
        .iter()
        .filter_map(|k| {
            let share = g.by_kind.get(&k.kind)?.share?;
            Some(format!("{} {:.0}%", w.kind(&k.kind), share * 100.0))
        })
        .collect();
    parts.join(w.sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bars_are_round() {
        assert_eq!(scale_length(1500.0), 200.0);
        assert_eq!(scale_length(12_000.0), 2000.0);
        assert_eq!(scale_length(3.0), 1.0);
        assert_eq!(scale_length(60_000.0), 10_000.0);
    }

    #[test]
    fn colours_and_labels() {
        assert_eq!(deviation_colour(0.0), "rgb(247,247,247)");
        assert_eq!(deviation_colour(-1.0), deviation_colour(-0.34));
        let (_, up) = along(&vec![(0.0, 0.0), (0.0, 10.0)].into(), 5.0).unwrap();
        assert_eq!(up, 90.0);
        let (at, west) = along(&vec![(10.0, 0.0), (0.0, 0.0)].into(), 4.0).unwrap();
        assert_eq!((at.x, west), (6.0, 0.0));
        assert_eq!(road_class("primary_link"), Some(1));
        assert_eq!(road_class("railway"), None);
        assert_eq!(road_class("living_street"), Some(4));
    }
}
