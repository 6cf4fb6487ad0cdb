//! Households of an OSM building: whether it is a home, how many floors it
//! has and how many dwellings that makes (docs/households.md).
//!
//! `building:flats` when tagged; else single homes count one, semidetached
//! houses two, terraces one per unit; apartment blocks count
//! `footprint × floors ÷ dwelling_m2 × occupied_share`, with floors from
//! `building:levels` (+ half of `roof:levels`), `height ÷ storey_m`, the
//! tagged neighbours' median, or the type's default. A plain
//! `building=yes` is judged from its tags, land use, name and size; a
//! large untagged one among houses is a two-family house or a small
//! block of larger dwellings (the region's low-rise model).

use super::pbf::Tags;
pub use super::tags::Landuse;
use crate::config::DwellingModel;

/// What the importer knows around a building.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// The land use holding it.
    pub landuse: Landuse,
    /// Inside a campus, school or hospital grounds.
    pub in_campus: bool,
    /// Shops, offices or other businesses mapped as points inside the footprint.
    pub businesses_inside: u32,
    /// Floors of tagged residential-type buildings nearby (lower quartile), if enough.
    pub nearby_floors: Option<f64>,
    /// A setting of houses around it: few dense or tall neighbours, mostly
    /// house-sized footprints or a village (`homes::low_rise_setting`).
    pub low_rise: bool,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            landuse: Landuse::None,
            in_campus: false,
            businesses_inside: 0,
            nearby_floors: None,
            low_rise: false,
        }
    }
}

/// A building's estimate: its linli `use`, households and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// linli `use`: residential, school, office, commercial, industrial or other.
    pub use_: &'static str,
    /// Households (0 for non-residential buildings).
    pub households: u32,
    /// `tagged`, `levels`, `height`, `nearby_levels`, `type_default`,
    /// `low_rise` (a large untagged home among houses), or `non_residential`.
    pub source: &'static str,
    /// Floors used (tagged or assumed), when the estimate used them.
    pub floors: Option<f64>,
    /// Why a plain `building=yes` was judged as it was (`None` for typed buildings).
    pub judged: Option<&'static str>,
    /// Tags that could not be read, e.g. `building:levels`.
    pub bad_tags: Vec<&'static str>,
}

/// Building values that are homes.
pub const HOME_TYPES: &[&str] = &[
    "residential",
    "apartments",
    "flats",
    "house",
    "detached",
    "semidetached_house",
    "terrace",
    "bungalow",
    "dormitory",
    "farm",
    "cabin",
    "villa",
    "houseboat",
    "static_caravan",
    "stilt_house",
];

/// Home types that hold one household whatever their size.
pub const SINGLE_HOMES: &[&str] = &[
    "house",
    "detached",
    "bungalow",
    "farm",
    "cabin",
    "villa",
    "houseboat",
    "static_caravan",
    "stilt_house",
];

/// Home types small by nature: a footprint under `min_home_m2` does not
/// make them sheds.
pub const SMALL_HOMES: &[&str] = &["houseboat", "static_caravan", "cabin", "stilt_house"];

/// Keys that make a plain building a business or an institution.
const BUSINESS_KEYS: &[&str] = &[
    "amenity",
    "office",
    "tourism",
    "leisure",
    "man_made",
    "healthcare",
    "public_transport",
    "railway",
    "aeroway",
    "power",
    "military",
    "government",
    "religion",
    "sport",
    "craft",
    "industrial",
    "emergency",
];

/// Name fragments of homes (Chinese compounds and buildings, dormitories).
pub const HOME_NAMES: &[&str] = &[
    "小区",
    "号楼",
    "栋",
    "幢",
    "单元",
    "公寓",
    "宿舍",
    "住宅",
    "家园",
    "新村",
    "花园",
    "苑",
    "residence",
    "résidence",
    "apartment",
    "appartement",
    "villa",
    "dorm",
    "flats",
];

/// Name fragments of non-residential buildings.
pub const NON_HOME_NAMES: &[&str] = &[
    "学校",
    "中学",
    "小学",
    "大学",
    "学院",
    "教学",
    "实验",
    "研究",
    "医院",
    "厂",
    "公司",
    "大厦",
    "中心",
    "食堂",
    "办公",
    "酒店",
    "宾馆",
    "银行",
    "商场",
    "超市",
    "市场",
    "礼堂",
    "体育",
    "图书",
    "车库",
    "仓库",
    "变电",
    "寺",
    "教堂",
    "派出所",
    "政府",
    "馆",
    "school",
    "church",
    "hotel",
    "museum",
    "station",
    "office",
    "theatre",
    "theater",
    "bank",
    "hospital",
    "garage",
    "école",
    "église",
    "musée",
    "kirkko",
    "koulu",
    "museo",
    "rakennus",
    "venevaja",
    "boathouse",
    "koppi",
    "halli",
    "hall",
    "kirjasto",
    "library",
    "asema",
    "teatteri",
    "ministeriö",
    "ministère",
    "virasto",
    "pankki",
    "hotelli",
    "hôtel",
    "casino",
    "stade",
    "stadium",
    "lycée",
    "collège",
    "mairie",
    "centre",
    "center",
    "forum",
    "auditorium",
    "clinic",
    "clinique",
    "université",
    "university",
    "yliopisto",
    "sairaala",
    "opisto",
    "lukio",
    "kappeli",
    "chapel",
    "chapelle",
    "temple",
    "institut",
    "bureau",
    "gallery",
    "galerie",
    "market",
    "marché",
];

fn get<'a>(t: &'a Tags, k: &str) -> Option<&'a str> {
    t.get(k).map(String::as_str)
}

/// A number from an OSM value: `5`, `5;6` (the first), `ca. 3`, `~4`,
/// `3+`, `12,5`, `12 m`, `40'` or `40 ft` (feet → metres when `length`).
/// `None` when no number can be read.
///
/// ```
/// use linli::osm::households::parse_number;
/// assert_eq!(parse_number("5;6", false), Some(5.0));
/// assert_eq!(parse_number("ca. 3", false), Some(3.0));
/// assert_eq!(parse_number("12 m", true), Some(12.0));
/// assert_eq!(parse_number("12,5", true), Some(12.5));
/// assert_eq!(parse_number("many", false), None);
/// ```
pub fn parse_number(v: &str, length: bool) -> Option<f64> {
    let first = v.split([';', '|']).next()?.trim().to_lowercase();
    let start = first.find(|c: char| c.is_ascii_digit() || c == '-')?;
    let rest = &first[start..];
    let end = rest
        .char_indices()
        .skip(1)
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map_or(rest.len(), |(i, _)| i);
    let x: f64 = rest[..end].replace(',', ".").parse().ok()?;
    let unit = rest[end..].trim();
    let feet =
        length && (unit.starts_with('\'') || unit.starts_with("ft") || unit.starts_with("feet"));
    x.is_finite().then_some(if feet { x * 0.3048 } else { x })
}

/// A tagged count in `(0, max]`, or `Err` when the tag is there but
/// unreadable, negative or absurd.
fn tagged(t: &Tags, key: &str, length: bool, max: f64) -> Result<Option<f64>, ()> {
    match get(t, key) {
        None => Ok(None),
        Some(v) => match parse_number(v, length) {
            Some(x) if x > 0.0 && x <= max => Ok(Some(x)),
            Some(x) if x == 0.0 && key == "building:flats" => Ok(Some(0.0)),
            _ => Err(()),
        },
    }
}

/// Whether a plain building's own tags say it is a business or institution.
fn business(t: &Tags) -> bool {
    BUSINESS_KEYS.iter().any(|k| {
        get(t, k).is_some_and(|v| {
            // A nameless amenity=shelter or a tourism=apartment is still a home.
            !(matches!(*k, "tourism") && matches!(v, "apartment" | "guest_house"))
        })
    }) || get(t, "shop").is_some()
}

fn name_says(t: &Tags, words: &[&str]) -> bool {
    ["name", "name:zh", "alt_name"].iter().any(|k| {
        get(t, k).is_some_and(|n| {
            let n = n.to_lowercase();
            words.iter().any(|w| n.contains(w))
        })
    })
}

/// Judges a `building=yes` (or an unknown building value): a home or not,
/// and why.
fn judge_plain(t: &Tags, area: f64, ctx: &Context, m: &DwellingModel) -> (bool, &'static str) {
    let home_name = name_says(t, HOME_NAMES);
    if home_name && !business(t) {
        return (true, "name");
    }
    if business(t) {
        // Shops with tagged floors above in a residential setting: mixed use.
        let tall = tagged(t, "building:levels", false, 200.0).is_ok_and(|l| l >= Some(2.0))
            || tagged(t, "height", true, 900.0).is_ok_and(|h| h >= Some(2.0 * m.storey_m));
        let mixed = get(t, "shop").is_some()
            && tall
            && !BUSINESS_KEYS.iter().any(|k| t.contains_key(*k))
            && matches!(ctx.landuse, Landuse::Residential | Landuse::None);
        return (
            mixed,
            if mixed {
                "shop_below_homes"
            } else {
                "business_tags"
            },
        );
    }
    if name_says(t, NON_HOME_NAMES) {
        return (false, "name");
    }
    if ctx.in_campus {
        return (false, "campus");
    }
    if area < m.min_home_m2 {
        return (false, "too_small");
    }
    // A large single-storey building is a hall, a shed or a shop.
    let one_storey = tagged(t, "building:levels", false, 200.0).is_ok_and(|l| l == Some(1.0))
        || tagged(t, "height", true, 900.0).is_ok_and(|h| h.is_some_and(|h| h < 1.5 * m.storey_m));
    if one_storey && area > m.house_max_m2 {
        return (false, "single_storey_hall");
    }
    // Among houses, a footprint far beyond a village block's is a barn, a
    // workshop, a school or a supermarket, whatever land use holds it.
    if ctx.low_rise && ctx.nearby_floors.is_none() && area > m.low_rise_max_home_m2 {
        return (false, "low_rise_hall");
    }
    match ctx.landuse {
        Landuse::Residential => (true, "residential_landuse"),
        Landuse::NonResidential => (false, "landuse"),
        Landuse::Commercial if !m.homes_in_commercial_landuse => (false, "landuse"),
        _ if area > m.max_plain_home_m2 => (false, "too_large"),
        Landuse::Commercial => (true, "commercial_landuse"),
        Landuse::Farm | Landuse::None => (true, "size"),
    }
}

/// Floors of a building from its tags: (floors, source), or the type's
/// default. Unreadable tags are listed in `bad`.
fn floors(
    t: &Tags,
    ctx: &Context,
    m: &DwellingModel,
    bad: &mut Vec<&'static str>,
) -> (f64, &'static str) {
    let levels = tagged(t, "building:levels", false, 200.0).unwrap_or_else(|()| {
        bad.push("building:levels");
        None
    });
    let roof = tagged(t, "roof:levels", false, 20.0).unwrap_or_else(|()| {
        bad.push("roof:levels");
        None
    });
    let height = tagged(t, "height", true, 900.0).unwrap_or_else(|()| {
        bad.push("height");
        None
    });
    if let Some(l) = levels {
        return (l.max(1.0) + 0.5 * roof.unwrap_or(0.0), "levels");
    }
    if let Some(h) = height {
        return ((h / m.storey_m).round().max(1.0), "height");
    }
    match ctx.nearby_floors {
        Some(f) => (f, "nearby_levels"),
        None => (m.apartment_floors, "type_default"),
    }
}

/// Estimates one building's households (see the module documentation).
///
/// ```
/// use linli::config::DwellingModel;
/// use linli::osm::{households::{estimate, Context}, pbf::Tags};
/// let tags = |kv: &[(&str, &str)]| -> Tags {
///     kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
/// };
/// let m = DwellingModel::china();
/// let ctx = Context::default();
/// // A detached house is one household, however large.
/// let e = estimate(&tags(&[("building", "house")]), 180.0, &ctx, &m);
/// assert_eq!((e.households, e.source), (1, "type_default"));
/// // Six floors of 600 m²: 600 × 6 ÷ 95 × 0.9 ≈ 34 households.
/// let e = estimate(&tags(&[("building", "apartments"), ("building:levels", "6")]), 600.0, &ctx, &m);
/// assert_eq!((e.households, e.source), (34, "levels"));
/// // A garage counts none.
/// assert_eq!(estimate(&tags(&[("building", "garage")]), 20.0, &ctx, &m).households, 0);
/// ```
pub fn estimate(t: &Tags, area: f64, ctx: &Context, m: &DwellingModel) -> Estimate {
    let b = get(t, "building").unwrap_or("yes");
    let mut bad = Vec::new();
    let flats = tagged(t, "building:flats", false, 20_000.0).unwrap_or_else(|()| {
        bad.push("building:flats");
        None
    });
    let typed_home = HOME_TYPES.contains(&b);
    let (home, judged) = judge_home(t, b, typed_home, area, ctx, m);
    if !home {
        let use_ = match super::tags::building_use(t) {
            "other" if INDUSTRIAL.contains(&b) => "industrial",
            u => u,
        };
        return none(use_, None, judged, bad);
    }
    let done = |households: u32, source: &'static str, floors: Option<f64>, bad| Estimate {
        use_: "residential",
        households,
        source,
        floors,
        judged,
        bad_tags: bad,
    };
    if let Some(f) = flats
        && f >= 1.0
    {
        return done(f.round() as u32, "tagged", None, bad);
    }
    let (fl, source) = floors(t, ctx, m, &mut bad);
    if let Some(units) = house_units(b, area, m) {
        return done(units, "type_default", Some(fl), bad);
    }
    // A small home of few floors (untyped, or `residential`): one household.
    let floors_known = matches!(source, "levels" | "height");
    if !matches!(b, "apartments" | "dormitory")
        && area < m.house_max_m2
        && (!floors_known || fl <= m.house_max_floors)
    {
        let source = if floors_known { source } else { "type_default" };
        return done(1, source, Some(fl), bad);
    }
    // Shops on the ground floor: the floors above hold the homes.
    let mixed = ctx.businesses_inside > 0
        || judged == Some("shop_below_homes")
        || (typed_home && t.contains_key("shop"));
    let block = if ctx.low_rise && source == "type_default" && !BLOCK_TYPES.contains(&b) {
        if !mixed && area < m.two_family_max_m2 {
            return done(2, "low_rise", Some(m.low_rise_floors), bad);
        }
        Block::low_rise(m, mixed)
    } else {
        Block::of(fl, source, m)
    };
    let home_floors = if mixed {
        (block.floors - 1.0).max(0.0)
    } else {
        block.floors
    };
    if home_floors <= 0.0 {
        return none("commercial", Some(block.floors), Some("shops_only"), bad);
    }
    let h = (area * home_floors / block.dwelling_m2 * m.occupied_share).round();
    done(
        h.clamp(block.least, 1e6) as u32,
        block.source,
        Some(block.floors),
        bad,
    )
}

/// Building values that say flats, whatever the setting.
const BLOCK_TYPES: &[&str] = &["apartments", "flats", "dormitory"];

/// How a block's dwellings are counted: its floors and where they came
/// from, each dwelling's floor area, the fewest households.
struct Block {
    floors: f64,
    source: &'static str,
    dwelling_m2: f64,
    least: f64,
}

impl Block {
    /// Floors from tags, neighbours or the region's default; city flats.
    fn of(floors: f64, source: &'static str, m: &DwellingModel) -> Block {
        Block {
            floors,
            source,
            dwelling_m2: m.dwelling_m2,
            least: 1.0,
        }
    }

    /// A small block among houses: fewer floors, larger dwellings, and at
    /// least the two households of a smaller two-family house (one above
    /// shops).
    fn low_rise(m: &DwellingModel, mixed: bool) -> Block {
        Block {
            floors: m.low_rise_floors,
            source: "low_rise",
            dwelling_m2: m.low_rise_dwelling_m2,
            least: if mixed { 1.0 } else { 2.0 },
        }
    }
}

/// No home: its use, floors when known, what judged it and bad tags.
fn none(
    use_: &'static str,
    floors: Option<f64>,
    judged: Option<&'static str>,
    bad_tags: Vec<&'static str>,
) -> Estimate {
    Estimate {
        use_,
        households: 0,
        source: "non_residential",
        floors,
        judged,
        bad_tags,
    }
}

/// Whether a building's households depend on its setting
/// ([`Context::low_rise`]): a plain or `residential` home candidate of at
/// least `house_max_m2` whose floors no tag gives, in a region with the
/// low-rise model. Only these need their surroundings measured.
///
/// ```
/// use linli::config::DwellingModel;
/// use linli::osm::{households::setting_matters, pbf::Tags};
/// let tags = |kv: &[(&str, &str)]| -> Tags {
///     kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
/// };
/// let m = DwellingModel::elsewhere();
/// assert!(setting_matters(&tags(&[("building", "yes")]), 300.0, &m));
/// assert!(!setting_matters(&tags(&[("building", "yes")]), 150.0, &m)); // a house anyway
/// assert!(!setting_matters(&tags(&[("building", "yes"), ("building:levels", "5")]), 300.0, &m));
/// assert!(!setting_matters(&tags(&[("building", "apartments")]), 300.0, &m));
/// assert!(!setting_matters(&tags(&[("building", "yes")]), 300.0, &DwellingModel::china()));
/// ```
pub fn setting_matters(t: &Tags, area: f64, m: &DwellingModel) -> bool {
    let b = get(t, "building").unwrap_or("yes");
    let known =
        |k: &str, length: bool, max: f64| tagged(t, k, length, max).is_ok_and(|x| x.is_some());
    m.low_rise
        && area >= m.house_max_m2
        && (b == "residential" || !(HOME_TYPES.contains(&b) || never_home(b)))
        && !known("building:levels", false, 200.0)
        && !known("height", true, 900.0)
}

/// Whether a footprint is a house's, as a neighbour tells a setting of
/// houses: a typed house (detached, semidetached, terrace, farm…) of any
/// size, or a footprint of `min_home_m2` up to `house_max_m2` that is not
/// a typed non-home (a garage, a shed) or flats.
///
/// ```
/// use linli::config::DwellingModel;
/// use linli::osm::{households::house_sized, pbf::Tags};
/// let b = |v: &str| -> Tags { [("building".to_string(), v.to_string())].into() };
/// let m = DwellingModel::elsewhere();
/// assert!(house_sized(&b("yes"), 140.0, &m));
/// assert!(house_sized(&b("detached"), 260.0, &m));
/// assert!(!house_sized(&b("yes"), 600.0, &m));
/// assert!(!house_sized(&b("garage"), 60.0, &m));
/// assert!(!house_sized(&b("yes"), 12.0, &m)); // a shed
/// ```
pub fn house_sized(t: &Tags, area: f64, m: &DwellingModel) -> bool {
    let b = get(t, "building").unwrap_or("yes");
    if house_units(b, area, m).is_some() {
        return area >= m.min_home_m2 || SMALL_HOMES.contains(&b);
    }
    (m.min_home_m2..m.house_max_m2).contains(&area) && !BLOCK_TYPES.contains(&b) && !never_home(b)
}

/// Building values that are never homes.
fn never_home(b: &str) -> bool {
    NON_HOME_BUILDINGS.contains(&b) || super::tags::typed_non_home(b)
}

/// Whether a building is a home: a home type is, a type that is never a
/// home is not, and a plain one is judged (with what judged it).
fn judge_home(
    t: &Tags,
    b: &str,
    typed_home: bool,
    area: f64,
    ctx: &Context,
    m: &DwellingModel,
) -> (bool, Option<&'static str>) {
    let plain = !typed_home && !never_home(b);
    if typed_home && area < m.min_home_m2 && !SMALL_HOMES.contains(&b) {
        // A shed or garden house tagged as a house: no one's home.
        (false, Some("too_small"))
    } else if typed_home {
        (true, None)
    } else if plain {
        let (h, why) = judge_plain(t, area, ctx, m);
        (h, Some(why))
    } else {
        (false, None)
    }
}

/// Households of a house type, whatever its floors: single homes one,
/// semidetached houses two, terraces one per `terrace_unit_m2`.
fn house_units(b: &str, area: f64, m: &DwellingModel) -> Option<u32> {
    if SINGLE_HOMES.contains(&b) {
        return Some(1);
    }
    if b == "semidetached_house" {
        return Some(2);
    }
    if b == "terrace" {
        return Some((area / m.terrace_unit_m2).round().max(1.0) as u32);
    }
    None
}

/// Building values that are never homes (beyond those `building_use` names).
pub const NON_HOME_BUILDINGS: &[&str] = &[
    "garage",
    "garages",
    "shed",
    "roof",
    "carport",
    "hut",
    "greenhouse",
    "glasshouse",
    "service",
    "utility",
    "transformer_tower",
    "train_station",
    "transportation",
    "parking",
    "stadium",
    "sports_hall",
    "sports_centre",
    "church",
    "chapel",
    "cathedral",
    "mosque",
    "temple",
    "synagogue",
    "shrine",
    "religious",
    "public",
    "civic",
    "government",
    "hospital",
    "toilets",
    "bunker",
    "ruins",
    "tower",
    "pavilion",
    "ship",
    "museum",
    "hangar",
    "barn",
    "cowshed",
    "stable",
    "sty",
    "farm_auxiliary",
    "silo",
    "storage_tank",
    "water_tower",
    "industrial",
    "warehouse",
    "factory",
    "manufacture",
    "construction",
    "bridge",
    "gatehouse",
    "boathouse",
    "atrium",
    "entrance",
    "underpass_entrance",
    "grandstand",
    "digester",
    "fire_station",
    "guardhouse",
    "kindergarten",
    "castle",
    "palace",
    "fort",
    "military",
    "container",
];

const INDUSTRIAL: &[&str] = &["industrial", "warehouse", "factory", "manufacture"];

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(kv: &[(&str, &str)]) -> Tags {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn bad_tags_give_a_value_or_a_listed_warning() {
        let m = DwellingModel::elsewhere();
        let ctx = Context::default();
        for (k, v, listed) in [
            ("building:levels", "5;6", false),
            ("building:levels", "ca. 3", false),
            ("building:levels", "-2", true),
            ("building:levels", "9999", true),
            ("building:levels", "many", true),
            ("height", "12 m", false),
            ("height", "40'", false),
            ("height", "5000 m", true),
            ("height", "1e9", false),
            ("building:flats", "NaN", true),
            ("roof:levels", "", true),
        ] {
            let e = estimate(
                &tags(&[("building", "apartments"), (k, v)]),
                400.0,
                &ctx,
                &m,
            );
            assert!(e.households > 0, "{k}={v}");
            assert_eq!(e.bad_tags.contains(&k), listed, "{k}={v}: {:?}", e.bad_tags);
        }
        let e = estimate(
            &tags(&[("building", "apartments"), ("height", "12 m")]),
            400.0,
            &ctx,
            &m,
        );
        assert_eq!((e.floors, e.source), (Some(4.0), "height"));
    }

    #[test]
    fn plain_buildings_are_judged() {
        let m = DwellingModel::china();
        let res = Context {
            landuse: Landuse::Residential,
            ..Context::default()
        };
        let yes = tags(&[("building", "yes")]);
        assert!(estimate(&yes, 600.0, &res, &m).households > 0);
        assert_eq!(estimate(&yes, 20.0, &res, &m).households, 0);
        let campus = Context {
            in_campus: true,
            ..Context::default()
        };
        assert_eq!(estimate(&yes, 600.0, &campus, &m).households, 0);
        let dorm = tags(&[("building", "yes"), ("name", "紫荆学生公寓9号楼")]);
        assert!(estimate(&dorm, 600.0, &campus, &m).households > 0);
        let school = tags(&[("building", "yes"), ("name", "第四教学楼")]);
        assert_eq!(estimate(&school, 600.0, &res, &m).households, 0);
        let shop = tags(&[("building", "yes"), ("amenity", "restaurant")]);
        assert_eq!(estimate(&shop, 600.0, &res, &m).households, 0);
    }

    #[test]
    fn shops_below_take_the_ground_floor() {
        let m = DwellingModel::elsewhere();
        let t = tags(&[("building", "apartments"), ("building:levels", "5")]);
        let plain = estimate(&t, 500.0, &Context::default(), &m).households;
        let mixed = Context {
            businesses_inside: 2,
            ..Context::default()
        };
        let with_shops = estimate(&t, 500.0, &mixed, &m).households;
        assert_eq!(with_shops, (500.0 * 4.0 / 90.0 * 0.9_f64).round() as u32);
        assert!(with_shops < plain);
    }

    #[test]
    fn a_shed_tagged_as_a_house_is_no_home() {
        let m = DwellingModel::elsewhere();
        let c = Context::default();
        let e = estimate(&tags(&[("building", "house")]), 6.0, &c, &m);
        assert_eq!((e.households, e.judged), (0, Some("too_small")));
        assert_eq!(
            estimate(&tags(&[("building", "house")]), 80.0, &c, &m).households,
            1
        );
        // A caravan is small by nature.
        assert_eq!(
            estimate(&tags(&[("building", "static_caravan")]), 25.0, &c, &m).households,
            1
        );
    }

    #[test]
    fn among_houses_a_large_plain_building_is_a_two_family_house_or_a_small_block() {
        let m = DwellingModel::elsewhere();
        let low = Context {
            low_rise: true,
            ..Context::default()
        };
        let city = Context::default();
        let yes = tags(&[("building", "yes")]);
        // 300 m²: a four-storey block of 12 in a city, a two-family house among houses.
        assert_eq!(estimate(&yes, 300.0, &city, &m).households, 12);
        let e = estimate(&yes, 300.0, &low, &m);
        assert_eq!((e.households, e.source), (2, "low_rise"));
        // 600 m²: 600 × 2.5 floors ÷ 130 m² × 0.9 ≈ 10, not 24.
        let e = estimate(&yes, 600.0, &low, &m);
        assert_eq!(
            (e.households, e.source, e.floors),
            (10, "low_rise", Some(2.5))
        );
        assert_eq!(estimate(&yes, 600.0, &city, &m).households, 24);
        // Shops inside take the ground floor: 1.5 floors of homes.
        let shops = Context {
            businesses_inside: 1,
            ..low
        };
        assert_eq!(estimate(&yes, 300.0, &shops, &m).households, 3);
        // 1,200 m² of plain building among houses: a hall or a barn …
        let e = estimate(&yes, 1_200.0, &low, &m);
        assert_eq!((e.households, e.judged), (0, Some("low_rise_hall")));
        // … unless it says it is residential, or tagged floors say otherwise.
        let res = tags(&[("building", "residential")]);
        assert_eq!(estimate(&res, 1_200.0, &low, &m).households, 21);
        let tall = tags(&[("building", "yes"), ("building:levels", "5")]);
        let e = estimate(&tall, 600.0, &low, &m);
        assert_eq!((e.households, e.source), (30, "levels"));
        // Flats are flats whatever the setting.
        let flats = tags(&[("building", "apartments")]);
        assert_eq!(estimate(&flats, 300.0, &low, &m).households, 12);
        // A house is a house.
        assert_eq!(estimate(&yes, 150.0, &low, &m).households, 1);
    }

    #[test]
    fn single_homes_and_terraces() {
        let m = DwellingModel::elsewhere();
        let c = Context::default();
        assert_eq!(
            estimate(&tags(&[("building", "detached")]), 300.0, &c, &m).households,
            1
        );
        assert_eq!(
            estimate(&tags(&[("building", "semidetached_house")]), 150.0, &c, &m).households,
            2
        );
        assert_eq!(
            estimate(&tags(&[("building", "terrace")]), 300.0, &c, &m).households,
            5
        );
        // A small untyped home with two floors is a house.
        let e = estimate(
            &tags(&[("building", "yes"), ("building:levels", "2")]),
            120.0,
            &c,
            &m,
        );
        assert_eq!((e.households, e.source), (1, "levels"));
    }
}
