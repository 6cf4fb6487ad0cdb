//! OSM tags → linli layers: the mapping tables (as in data/make_demo.py).

use super::pbf::Tags;

/// Highway values that are not roads one can cross or walk along.
pub const NOT_ROADS: &[&str] = &[
    "platform",
    "proposed",
    "construction",
    "abandoned",
    "razed",
    "raceway",
    "bus_stop",
    "elevator",
    "services",
    "rest_area",
];

/// Highway classes nobody walks on.
pub const NOT_WALKABLE: &[&str] = &["motorway", "motorway_link", "trunk", "trunk_link"];

/// Railway values kept as rail barriers (trams and subways are not barriers).
pub const RAIL: &[&str] = &[
    "rail",
    "light_rail",
    "narrow_gauge",
    "monorail",
    "preserved",
];

/// Waterway values that are areas or structures, not lines.
pub const NOT_WATER_LINES: &[&str] = &["riverbank", "dock", "dam", "weir", "lock_gate"];

/// (key, values) that make an area a landmark.
pub const LANDMARK_TAGS: &[(&str, &[&str])] = &[
    (
        "amenity",
        &[
            "university",
            "college",
            "school",
            "kindergarten",
            "hospital",
        ],
    ),
    ("leisure", &["park", "garden", "stadium", "nature_reserve"]),
    (
        "landuse",
        &[
            "park",
            "railway",
            "forest",
            "cemetery",
            "recreation_ground",
            "commercial",
            "retail",
        ],
    ),
    ("natural", &["wood"]),
];

/// Smallest landmark area, m².
pub const LANDMARK_MIN_M2: f64 = 2000.0;
/// Smallest water area, m².
pub const WATER_MIN_M2: f64 = 50.0;
/// Smallest compound, m².
pub const COMPOUND_MIN_M2: f64 = 100.0;

const RES_BUILDINGS: &[&str] = &[
    "residential",
    "apartments",
    "house",
    "detached",
    "terrace",
    "semidetached_house",
    "bungalow",
    "flats",
    "cabin",
];
const HOUSES: &[&str] = &[
    "house",
    "detached",
    "semidetached_house",
    "bungalow",
    "cabin",
    "terrace",
];
const SCHOOL_BUILDINGS: &[&str] = &[
    "school",
    "university",
    "college",
    "kindergarten",
    "dormitory",
];
const COMMERCIAL_BUILDINGS: &[&str] = &[
    "commercial",
    "retail",
    "supermarket",
    "kiosk",
    "hotel",
    "mall",
    "shop",
];
const COMMERCIAL_AMENITIES: &[&str] = &[
    "restaurant",
    "cafe",
    "fast_food",
    "bank",
    "bar",
    "pub",
    "marketplace",
    "cinema",
    "food_court",
];
const SCHOOL_AMENITIES: &[&str] = &["school", "university", "college", "kindergarten", "library"];

fn get<'a>(t: &'a Tags, k: &str) -> Option<&'a str> {
    t.get(k).map(String::as_str)
}

fn is_in(v: Option<&str>, set: &[&str]) -> bool {
    v.is_some_and(|v| set.contains(&v))
}

/// The road class of a way (its highway value), if it is a road line.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::road_class};
/// let t: Tags = [("highway".to_string(), "residential".to_string())].into();
/// assert_eq!(road_class(&t), Some("residential"));
/// ```
pub fn road_class(t: &Tags) -> Option<&str> {
    let h = get(t, "highway")?;
    if NOT_ROADS.contains(&h) || get(t, "area") == Some("yes") {
        return None;
    }
    Some(h)
}

/// Whether people walk along a road of this class with these tags.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::walkable};
/// assert!(walkable("footway", &Tags::new()));
/// assert!(!walkable("motorway", &Tags::new()));
/// ```
pub fn walkable(class: &str, t: &Tags) -> bool {
    !NOT_WALKABLE.contains(&class) && !matches!(get(t, "foot"), Some("no") | Some("private"))
}

/// The railway class of a way, if it is a rail barrier line.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::rail_class};
/// let t: Tags = [("railway".to_string(), "rail".to_string())].into();
/// assert_eq!(rail_class(&t), Some("rail"));
/// ```
pub fn rail_class(t: &Tags) -> Option<&str> {
    let r = get(t, "railway")?;
    (RAIL.contains(&r) && get(t, "tunnel").is_none_or(|v| v == "no")).then_some(r)
}

/// The waterway class of a way, if it is a water line.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::water_line_class};
/// let t: Tags = [("waterway".to_string(), "canal".to_string())].into();
/// assert_eq!(water_line_class(&t), Some("canal"));
/// ```
pub fn water_line_class(t: &Tags) -> Option<&str> {
    let w = get(t, "waterway")?;
    (!NOT_WATER_LINES.contains(&w) && get(t, "tunnel").is_none_or(|v| v == "no")).then_some(w)
}

/// Whether an area is water (lake, pond, riverbank, reservoir, dock).
///
/// ```
/// use linli::osm::{pbf::Tags, tags::is_water_area};
/// let t: Tags = [("natural".to_string(), "water".to_string())].into();
/// assert!(is_water_area(&t));
/// ```
pub fn is_water_area(t: &Tags) -> bool {
    get(t, "natural") == Some("water")
        || is_in(get(t, "waterway"), &["riverbank", "dock"])
        || is_in(get(t, "landuse"), &["reservoir", "basin"])
}

/// The landmark class of an area (the tag value that made it one).
///
/// ```
/// use linli::osm::{pbf::Tags, tags::landmark_class};
/// let t: Tags = [("leisure".to_string(), "park".to_string())].into();
/// assert_eq!(landmark_class(&t), Some("park"));
/// ```
pub fn landmark_class(t: &Tags) -> Option<&str> {
    LANDMARK_TAGS
        .iter()
        .find_map(|(k, vs)| get(t, k).filter(|v| vs.contains(v)))
}

/// Whether an area is a residential compound (landuse=residential).
///
/// ```
/// use linli::osm::{pbf::Tags, tags::is_compound};
/// let t: Tags = [("landuse".to_string(), "residential".to_string())].into();
/// assert!(is_compound(&t));
/// ```
pub fn is_compound(t: &Tags) -> bool {
    get(t, "landuse") == Some("residential")
}

/// Whether an element is a building footprint.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::is_building};
/// let t: Tags = [("building".to_string(), "yes".to_string())].into();
/// assert!(is_building(&t));
/// ```
pub fn is_building(t: &Tags) -> bool {
    get(t, "building").is_some_and(|v| v != "no")
}

/// A building's linli `use`: residential, school, office, commercial or other.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::building_use};
/// let t: Tags = [("building".to_string(), "apartments".to_string())].into();
/// assert_eq!(building_use(&t), "residential");
/// ```
pub fn building_use(t: &Tags) -> &'static str {
    let b = get(t, "building").unwrap_or("yes");
    let a = get(t, "amenity");
    if RES_BUILDINGS.contains(&b) {
        "residential"
    } else if SCHOOL_BUILDINGS.contains(&b) || is_in(a, SCHOOL_AMENITIES) {
        "school"
    } else if b == "office" || t.contains_key("office") {
        "office"
    } else if COMMERCIAL_BUILDINGS.contains(&b)
        || t.contains_key("shop")
        || is_in(a, COMMERCIAL_AMENITIES)
    {
        "commercial"
    } else {
        "other"
    }
}

/// Whether a building value itself names a non-residential use (school,
/// shop, office…).
///
/// ```
/// assert!(linli::osm::tags::typed_non_home("retail"));
/// assert!(!linli::osm::tags::typed_non_home("yes"));
/// ```
pub fn typed_non_home(b: &str) -> bool {
    SCHOOL_BUILDINGS.contains(&b) && b != "dormitory"
        || COMMERCIAL_BUILDINGS.contains(&b)
        || b == "office"
}

/// Whether a plain `building=yes` (no other use tags) may be a home when it
/// stands in a residential area.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::is_plain_building};
/// let t: Tags = [("building".to_string(), "yes".to_string())].into();
/// assert!(is_plain_building(&t));
/// ```
pub fn is_plain_building(t: &Tags) -> bool {
    get(t, "building") == Some("yes")
        && t.keys().all(|k| {
            k == "building"
                || k == "name"
                || k.starts_with("name:")
                || k.starts_with("addr:")
                || k.starts_with("building:")
                || k == "roof:shape"
                || k == "roof:levels"
                || k == "height"
                || k == "source"
        })
}

/// Levels of a residential building without `building:levels`.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::default_levels};
/// let t: Tags = [("building".to_string(), "house".to_string())].into();
/// assert_eq!(default_levels(&t), 2.0);
/// ```
pub fn default_levels(t: &Tags) -> f64 {
    if is_in(get(t, "building"), HOUSES) {
        2.0
    } else {
        6.0
    }
}

/// A whole number ≥ 1 from a tag such as `building:levels` ("5", "4;6", "3.5").
///
/// ```
/// use linli::osm::tags::parse_count;
/// assert_eq!(parse_count("4;6"), Some(4));
/// assert_eq!(parse_count("many"), None);
/// ```
pub fn parse_count(v: &str) -> Option<u32> {
    let x: f64 = v.split(';').next()?.trim().parse().ok()?;
    (1.0..1e6).contains(&x).then(|| x.round() as u32)
}

/// [`facility_kind`] with the user's additions (`(key, value, kind)`)
/// checked first.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::facility_kind_with};
/// let t: Tags = [("amenity".to_string(), "dentist".to_string())].into();
/// let map = vec![("amenity".to_string(), "dentist".to_string(), "clinic".to_string())];
/// assert_eq!(facility_kind_with(&t, &map).as_deref(), Some("clinic"));
/// assert_eq!(facility_kind_with(&t, &[]), None);
/// ```
pub fn facility_kind_with(t: &Tags, map: &[(String, String, String)]) -> Option<String> {
    map.iter()
        .find(|(k, v, _)| get(t, k) == Some(v.as_str()))
        .map(|(_, _, kind)| kind.clone())
        .or_else(|| facility_kind(t).map(str::to_string))
}

/// Name fragments of a community service centre (党群服务中心, 居委会…).
pub const CENTRE_NAMES: &[&str] = &[
    "社区",
    "居委会",
    "村委会",
    "党群服务",
    "服务中心",
    "服务站",
    "街道办",
];

/// `townhall:type` values below city level.
const LOCAL_TOWNHALLS: &[&str] = &[
    "community",
    "village",
    "quarter",
    "neighbourhood",
    "suburb",
    "district",
    "sub_district",
];

/// The linli facility kind of an element (docs/osm.md has the table):
/// community_centre, clinic, elderly_care, kindergarten, school, market,
/// pharmacy.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::facility_kind};
/// let t = |kv: &[(&str, &str)]| -> Tags { kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
/// assert_eq!(facility_kind(&t(&[("amenity", "doctors")])), Some("clinic"));
/// assert_eq!(facility_kind(&t(&[("office", "government"), ("name", "清华园街道学府社区居委会")])), Some("community_centre"));
/// assert_eq!(facility_kind(&t(&[("amenity", "townhall"), ("name", "City Hall")])), None);
/// assert_eq!(facility_kind(&t(&[("amenity", "social_facility"), ("social_facility", "outreach")])), Some("community_centre"));
/// ```
pub fn facility_kind(t: &Tags) -> Option<&'static str> {
    let a = get(t, "amenity");
    let hc = get(t, "healthcare");
    let sf = get(t, "social_facility");
    let name = get(t, "name").unwrap_or("");
    let centre_name = CENTRE_NAMES.iter().any(|w| name.contains(w));
    match a {
        Some("community_centre") => return Some("community_centre"),
        Some("townhall") => {
            let ty = get(t, "townhall:type").unwrap_or("");
            return (LOCAL_TOWNHALLS.contains(&ty) || centre_name).then_some("community_centre");
        }
        _ => {}
    }
    if matches!(
        get(t, "office"),
        Some("government") | Some("administrative")
    ) && centre_name
    {
        return Some("community_centre");
    }
    if is_in(a, &["clinic", "doctors", "hospital"])
        || is_in(hc, &["clinic", "doctor", "hospital", "centre"])
    {
        return Some("clinic");
    }
    if a == Some("nursing_home") || sf == Some("nursing_home") || sf == Some("assisted_living") {
        return Some("elderly_care");
    }
    match a {
        Some("social_facility") => {
            let target = get(t, "social_facility:for").unwrap_or("");
            if matches!(target, "senior" | "elderly")
                || name.contains("养老")
                || name.contains("敬老")
            {
                Some("elderly_care")
            } else {
                Some("community_centre")
            }
        }
        Some("kindergarten") | Some("childcare") => Some("kindergarten"),
        Some("school") if name.contains("幼儿园") => Some("kindergarten"),
        Some("school") => Some("school"),
        Some("marketplace") => Some("market"),
        Some("pharmacy") => Some("pharmacy"),
        _ if is_in(get(t, "shop"), &["supermarket", "greengrocer"]) => Some("market"),
        _ => None,
    }
}

/// Whether a landmark class is grounds whose buildings are not homes
/// (campus, school, hospital), unless named as dormitories.
///
/// ```
/// assert!(linli::osm::tags::is_campus("university"));
/// assert!(!linli::osm::tags::is_campus("park"));
/// ```
pub fn is_campus(class: &str) -> bool {
    matches!(
        class,
        "university" | "college" | "school" | "kindergarten" | "hospital"
    )
}

/// Land use around a building (the landuse area holding its centroid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Landuse {
    /// Not inside any landuse area the importer knows.
    None,
    /// `landuse=residential`.
    Residential,
    /// `landuse=commercial` or `retail`: shops and offices, homes above them elsewhere.
    Commercial,
    /// Industry, railway, military, education, religious, cemetery, garages…
    NonResidential,
    /// Farmland, farmyards, orchards, meadows (villages).
    Farm,
}

/// The land use of an area, as the household model sees it.
///
/// ```
/// use linli::osm::{households::Landuse, pbf::Tags, tags::landuse};
/// let t: Tags = [("landuse".to_string(), "farmland".to_string())].into();
/// assert_eq!(landuse(&t), Some(Landuse::Farm));
/// ```
pub fn landuse(t: &Tags) -> Option<Landuse> {
    let v = get(t, "landuse")?;
    Some(match v {
        "residential" => Landuse::Residential,
        "commercial" | "retail" => Landuse::Commercial,
        "industrial" | "railway" | "military" | "education" | "religious" | "cemetery"
        | "garages" | "port" | "quarry" | "landfill" | "depot" | "construction" => {
            Landuse::NonResidential
        }
        "farmland"
        | "farmyard"
        | "orchard"
        | "meadow"
        | "vineyard"
        | "greenhouse_horticulture"
        | "plant_nursery"
        | "aquaculture"
        | "paddy" => Landuse::Farm,
        _ => return None,
    })
}

/// Whether a point is a business (shop, office, craft, restaurant…): one
/// inside a home's footprint takes its ground floor.
///
/// ```
/// use linli::osm::{pbf::Tags, tags::is_business};
/// let t: Tags = [("shop".to_string(), "bakery".to_string())].into();
/// assert!(is_business(&t));
/// ```
pub fn is_business(t: &Tags) -> bool {
    t.contains_key("shop")
        || t.contains_key("office")
        || t.contains_key("craft")
        || is_in(get(t, "amenity"), COMMERCIAL_AMENITIES)
}
