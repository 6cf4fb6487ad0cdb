//! The roster (台账) a plan is handed in with: `roster.csv` (a row per
//! building), `neighborhoods.csv` (a row per neighborhood), the same two in
//! `roster.xlsx`, and the levels below neighborhoods as layers
//! (`building_groups.geojson`, `contact_groups.geojson`).
//!
//! The CSV files start with a UTF-8 byte-order mark, as Excel on Chinese
//! Windows needs to read them as UTF-8 (without one it reads GBK and the
//! names come out garbled); headers are Chinese, as the roster is handed in.

use super::geojson::{OutGeometry, feature_collection, list};
use super::write_atomic;
use crate::error::Error;
use crate::model::Planned;
use crate::read::Loaded;
use crate::roster::Roster;
use serde_json::{Map, json};
use std::path::{Path, PathBuf};

/// A UTF-8 byte-order mark: Excel reads the file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// A CSV field (RFC 4180): quoted when it holds a comma, quote or line
/// break.
///
/// ```
/// assert_eq!(linli::write::roster::field("a,b"), "\"a,b\"");
/// assert_eq!(linli::write::roster::field("荷清苑"), "荷清苑");
/// ```
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV text: the byte-order mark, the header, the rows.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::from(BOM);
    s.push_str(&header.join(","));
    s.push('\n');
    for r in rows {
        let fields: Vec<String> = r.iter().map(|f| field(f)).collect();
        s.push_str(&fields.join(","));
        s.push('\n');
    }
    s
}

/// What the roster's tables show beside the roster itself.
pub struct RosterInput<'a> {
    /// The scenario read.
    pub loaded: &'a Loaded,
    /// The neighborhoods.
    pub planned: &'a Planned,
    /// The roster.
    pub roster: &'a Roster,
    /// Each neighborhood's worker patch id.
    pub patch_of: Vec<String>,
    /// Each neighborhood's longest walk to a neighborhood office, metres
    /// (`None`: no office reached).
    pub office_m: Vec<Option<f64>>,
    /// Each neighborhood's flags.
    pub flags: Vec<Vec<String>>,
}

const BUILDING_HEADER: [&str; 11] = crate::roster::BUILDING_COLUMNS;
const NEIGHBORHOOD_HEADER: [&str; 11] = [
    "邻里编码",
    "邻里名称",
    "邻里编号",
    "社区",
    "街道",
    "户数",
    "楼栋数",
    "面积（平方米）",
    "社工片区",
    "至邻里服务站最远步行（米）",
    "标记",
];

/// The roster's rows: a row per building in a neighborhood, in
/// neighborhood then building-list order.
pub fn building_rows(input: &RosterInput) -> Vec<Vec<String>> {
    let (s, r) = (&input.loaded.scenario, input.roster);
    let mut order: Vec<usize> = (0..s.buildings.len())
        .filter(|&i| r.of_building[i].is_some())
        .collect();
    order.sort_by_key(|&i| {
        r.of_building[i]
            .as_ref()
            .map(|p| (p.neighborhood, p.group.unwrap_or(usize::MAX)))
    });
    order
        .into_iter()
        .filter_map(|i| {
            let p = r.of_building[i].as_ref()?;
            let n = &input.planned.partition.neighborhoods[p.neighborhood];
            let c = &s.communities[n.community];
            let b = &s.buildings[i];
            let contacts: Vec<&str> = p
                .contacts
                .iter()
                .map(|&k| r.contact_groups[k].code.as_str())
                .collect();
            Some(vec![
                c.street.clone(),
                c.name.clone(),
                r.community_codes[n.community].clone(),
                r.neighborhoods[p.neighborhood].code.clone(),
                r.neighborhoods[p.neighborhood].name.clone(),
                b.id.clone(),
                s.labels.building_names.get(i).cloned().unwrap_or_default(),
                b.households.to_string(),
                p.group
                    .map(|g| r.building_groups[g].code.clone())
                    .unwrap_or_default(),
                contacts.join(";"),
                b.use_.clone(),
            ])
        })
        .collect()
}

/// The neighborhoods' rows.
pub fn neighborhood_rows(input: &RosterInput) -> Vec<Vec<String>> {
    use geo::Area;
    let s = &input.loaded.scenario;
    input
        .planned
        .partition
        .neighborhoods
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let c = &s.communities[n.community];
            let area = input
                .planned
                .shapes
                .get(k)
                .map_or(0.0, |d| d.area.unsigned_area());
            vec![
                input.roster.neighborhoods[k].code.clone(),
                input.roster.neighborhoods[k].name.clone(),
                n.id.clone(),
                c.name.clone(),
                c.street.clone(),
                n.households.to_string(),
                n.buildings.to_string(),
                format!("{:.0}", area),
                input.patch_of.get(k).cloned().unwrap_or_default(),
                input
                    .office_m
                    .get(k)
                    .copied()
                    .flatten()
                    .map_or(String::new(), |m| format!("{m:.0}")),
                input.flags.get(k).map(|f| f.join(",")).unwrap_or_default(),
            ]
        })
        .collect()
}

/// Writes roster.csv, neighborhoods.csv, roster.xlsx,
/// building_groups.geojson and contact_groups.geojson into `out`.
pub fn write_roster(out: &Path, input: &RosterInput) -> Result<Vec<PathBuf>, Error> {
    let buildings = building_rows(input);
    let hoods = neighborhood_rows(input);
    let mut written = Vec::new();
    for (name, header, rows) in [
        ("roster.csv", &BUILDING_HEADER, &buildings),
        ("neighborhoods.csv", &NEIGHBORHOOD_HEADER, &hoods),
    ] {
        let path = out.join(name);
        write_atomic(&path, csv(header, rows).as_bytes())?;
        written.push(path);
    }
    let path = out.join("roster.xlsx");
    let book = workbook(&[
        ("楼栋台账", &BUILDING_HEADER, &buildings),
        ("邻里台账", &NEIGHBORHOOD_HEADER, &hoods),
    ])
    .map_err(|e| Error::io(&path, std::io::Error::other(e.to_string())))?;
    write_atomic(&path, &book)?;
    written.push(path);
    written.extend(group_layers(out, input)?);
    Ok(written)
}

/// One sheet: its name, its header and its rows.
type Sheet<'a> = (&'a str, &'a [&'a str; 11], &'a Vec<Vec<String>>);

/// Data rows an Excel sheet holds below its header (1,048,576 rows in all).
const SHEET_ROWS: usize = 1_048_575;

/// An .xlsx of one sheet per table, numbers as numbers; its creation time
/// fixed, so the same plan gives the same bytes.
fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    workbook_split(sheets, SHEET_ROWS)
}

/// [`workbook`] with at most `per_sheet` rows a sheet: a longer table (a
/// province's buildings) goes on over sheets "name (2)", "name (3)", …
/// each with the header, rather than past what Excel opens.
fn workbook_split(
    sheets: &[Sheet],
    per_sheet: usize,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut book = Workbook::new();
    let when = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&when));
    for (name, header, rows) in sheets {
        let parts: Vec<&[Vec<String>]> = if rows.is_empty() {
            vec![&rows[..]]
        } else {
            rows.chunks(per_sheet.max(1)).collect()
        };
        for (k, part) in parts.into_iter().enumerate() {
            let sheet = book.add_worksheet();
            if k == 0 {
                sheet.set_name(*name)?;
            } else {
                sheet.set_name(format!("{name} ({})", k + 1))?;
            }
            fill_sheet(sheet, header, part)?;
        }
    }
    book.save_to_buffer()
}

/// A sheet's header and rows.
fn fill_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    header: &[&str; 11],
    rows: &[Vec<String>],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(0, j as u16, *h)?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            // Counts and distances as numbers; codes stay text.
            let number = (header[j].contains("户数")
                || header[j].contains("数")
                || header[j].contains("米"))
                && !header[j].contains("编")
                && !v.is_empty();
            match v.parse::<f64>() {
                Ok(x) if number => sheet.write_number(i as u32 + 1, j as u16, x)?,
                _ => sheet.write_string(i as u32 + 1, j as u16, v)?,
            };
        }
    }
    Ok(())
}

/// The union of footprints (those sharing walls or overlapping merged), a
/// valid multipolygon.
fn union_of(polys: Vec<geo::Polygon<f64>>) -> geo::MultiPolygon<f64> {
    if polys.len() == 1 {
        return geo::MultiPolygon(polys);
    }
    geo::unary_union(&polys)
}

/// building_groups.geojson and contact_groups.geojson: each group's
/// footprints (or points, for buildings without one).
fn group_layers(out: &Path, input: &RosterInput) -> Result<Vec<PathBuf>, Error> {
    let (s, r) = (&input.loaded.scenario, input.roster);
    let shape = |bs: &mut dyn Iterator<Item = usize>| -> OutGeometry {
        let mut polys = Vec::new();
        let mut points = Vec::new();
        for i in bs {
            match &s.buildings[i].footprint {
                Some(f) => polys.push(f.clone()),
                None => points.push(s.buildings[i].location),
            }
        }
        if polys.is_empty() {
            OutGeometry::MultiPoint(geo::MultiPoint(points))
        } else {
            // Terraced footprints share walls: one valid shape of their union.
            OutGeometry::MultiPolygon(union_of(polys))
        }
    };
    let id = |i: usize| s.buildings[i].id.as_str();
    let groups = r.building_groups.iter().map(|g| {
        let mut m = Map::new();
        m.insert("code".into(), json!(g.code));
        m.insert(
            "neighborhood".into(),
            json!(r.neighborhoods[g.neighborhood].code),
        );
        m.insert("households".into(), json!(g.households));
        m.insert("buildings".into(), list(g.buildings.iter().map(|&i| id(i))));
        (shape(&mut g.buildings.iter().copied()), m)
    });
    let contacts = r.contact_groups.iter().map(|c| {
        let mut m = Map::new();
        m.insert("code".into(), json!(c.code));
        m.insert(
            "building_group".into(),
            json!(r.building_groups[c.group].code),
        );
        m.insert("households".into(), json!(c.households));
        m.insert(
            "households_of".into(),
            list(c.shares.iter().map(|sh| {
                format!(
                    "{}:{}-{}",
                    id(sh.building),
                    sh.first,
                    sh.first + sh.count - 1
                )
            })),
        );
        (shape(&mut c.shares.iter().map(|sh| sh.building)), m)
    });
    let proj = &input.loaded.projector;
    let mut written = Vec::new();
    let g_path = out.join("building_groups.geojson");
    write_atomic(&g_path, feature_collection(proj, groups).as_bytes())?;
    written.push(g_path);
    let c_path = out.join("contact_groups.geojson");
    write_atomic(&c_path, feature_collection(proj, contacts).as_bytes())?;
    written.push(c_path);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table longer than a sheet goes on over numbered sheets, each with
    /// the header; GDAL reads every row back.
    #[test]
    fn a_long_table_goes_on_over_sheets() {
        let header = ["编码", "户数", "c", "d", "e", "f", "g", "h", "i", "j", "k"];
        let rows: Vec<Vec<String>> = (0..5)
            .map(|i| {
                let mut r = vec![String::new(); 11];
                r[0] = format!("B{i}");
                r[1] = format!("{}", 10 + i);
                r
            })
            .collect();
        let book = workbook_split(&[("楼栋台账", &header, &rows)], 2).unwrap();
        if std::process::Command::new("ogrinfo")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("ogrinfo not installed: skipping the read-back");
            return;
        }
        let dir = std::env::temp_dir().join(format!("linli-xlsx-split-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.xlsx");
        std::fs::write(&path, &book).unwrap();
        let o = std::process::Command::new("ogrinfo")
            .args(["-so", "-al"])
            .arg(&path)
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let text = String::from_utf8_lossy(&o.stdout);
        let counts: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("Feature Count: "))
            .collect();
        assert!(text.contains("Layer name: 楼栋台账\n"), "{text}");
        assert!(text.contains("Layer name: 楼栋台账 (2)"), "{text}");
        assert!(text.contains("Layer name: 楼栋台账 (3)"), "{text}");
        assert_eq!(counts, vec!["2", "2", "1"], "{text}");
    }
}
