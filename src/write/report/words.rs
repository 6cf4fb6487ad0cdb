//! Every word report.html shows, one table per language ([`ZH`], [`EN`]):
//! headings, labels, table headers, notes, flag names, facility kinds,
//! road classes. Sentences with figures are templates (`{0}`, `{1}`, …)
//! that [`fill`] completes.

use crate::config::Lang;
use crate::model::Reason;
use crate::staffing::Status;

/// The words of one language.
pub(super) struct Words {
    /// What the page is: after the scenario's name in the title.
    pub plan: &'static str,
    /// Before the scenario's name in the header.
    pub app: &'static str,
    /// Side panel headings.
    pub layers: &'static str,
    pub legend: &'static str,
    pub details: &'static str,
    /// The details panel before anything is hovered.
    pub details_hint: &'static str,
    /// How to move the map; the reset button.
    pub zoom_hint: &'static str,
    pub reset: &'static str,
    /// The north arrow's letter; metres and kilometres on the scale bar.
    pub north: &'static str,
    pub metres: &'static str,
    pub kilometres: &'static str,
    /// Shown when the browser has no font for Chinese.
    pub no_cjk_font: &'static str,
    /// Before the messages of a script that failed.
    pub script_failed: &'static str,
    /// Layer names (toggles and legend).
    pub l_neighborhoods: &'static str,
    pub l_neighborhood_borders: &'static str,
    pub l_communities: &'static str,
    pub l_roads: &'static str,
    pub l_water: &'static str,
    pub l_rail: &'static str,
    pub l_buildings: &'static str,
    pub l_homes: &'static str,
    pub l_other_buildings: &'static str,
    pub l_landmarks: &'static str,
    pub l_patches: &'static str,
    pub l_facilities: &'static str,
    pub l_gaps: &'static str,
    pub l_service_areas: &'static str,
    pub l_labels: &'static str,
    pub l_existing: &'static str,
    pub l_grid_gaps: &'static str,
    pub l_grid_overlaps: &'static str,
    /// The colour ramp of the neighborhoods: its title and ends.
    pub deviation_title: &'static str,
    pub deviation_low: &'static str,
    pub deviation_mid: &'static str,
    pub deviation_high: &'static str,
    /// Road classes of the legend, major first: (label, OSM classes).
    pub road_classes: [&'static str; 6],
    /// Section headings.
    pub h_summary: &'static str,
    pub h_communities: &'static str,
    pub h_streets: &'static str,
    pub h_strong: &'static str,
    pub h_audit: &'static str,
    pub h_audit_flags: &'static str,
    pub h_grids: &'static str,
    pub n_grids: &'static str,
    pub grid_existing: &'static str,
    pub grid_proposed: &'static str,
    pub g_neighborhoods: &'static str,
    pub g_service_point_within: &'static str,
    pub g_households_beyond: &'static str,
    pub g_within_circle: &'static str,
    pub g_fully_covered: &'static str,
    pub h_notes: &'static str,
    /// Table headers and detail labels.
    pub community: &'static str,
    pub street: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub households: &'static str,
    pub neighborhoods: &'static str,
    pub communities: &'static str,
    pub in_band: &'static str,
    pub below_band: &'static str,
    pub above_band: &'static str,
    pub share_in_band: &'static str,
    pub deviation: &'static str,
    pub buildings: &'static str,
    pub homes: &'static str,
    pub area_ha: &'static str,
    pub barrier_share: &'static str,
    pub workers: &'static str,
    pub workers_needed: &'static str,
    pub missing: &'static str,
    pub surplus: &'static str,
    pub per_worker: &'static str,
    pub staffing: &'static str,
    pub patch: &'static str,
    pub flags: &'static str,
    /// The longest walk from a home to a neighborhood office.
    pub office_walk: &'static str,
    /// Coverage by life circle: heading, a circle's name (`{0}` minutes),
    /// its kinds, the note under the table, a circle without kinds, a
    /// scenario without facilities.
    pub h_circles: &'static str,
    pub circle: &'static str,
    pub circle_kinds: &'static str,
    pub circle_col: &'static str,
    pub covered_households: &'static str,
    pub n_circles: &'static str,
    pub n_no_circle: &'static str,
    pub n_no_facilities: &'static str,
    /// A community's section: `{0}` households, `{1}` neighborhoods, `{2}`
    /// within the band, `{3}` workers (or the words for none).
    pub community_line: &'static str,
    pub no_data: &'static str,
    pub facility: &'static str,
    pub threshold: &'static str,
    pub covered: &'static str,
    pub all_kinds: &'static str,
    /// A kind's coverage column: `{0}` the kind, `{1}` its threshold.
    pub kind_covered: &'static str,
    pub minutes: &'static str,
    pub barrier: &'static str,
    pub metres_inside: &'static str,
    pub why: &'static str,
    pub level: &'static str,
    pub compliant: &'static str,
    pub gaps: &'static str,
    pub overlaps: &'static str,
    pub multi_part: &'static str,
    pub crossing_border: &'static str,
    pub crossing_strong: &'static str,
    pub cut_buildings: &'static str,
    pub slivers: &'static str,
    pub existing_neighborhood: &'static str,
    pub what_is_wrong: &'static str,
    pub district: &'static str,
    pub target: &'static str,
    /// District summary lines (templates).
    pub s_households: &'static str,
    pub s_neighborhoods: &'static str,
    pub s_target: &'static str,
    pub s_workers: &'static str,
    pub s_workers_unknown: &'static str,
    pub s_coverage: &'static str,
    pub s_strong: &'static str,
    /// Notes (templates).
    pub n_estimated: &'static str,
    pub n_no_staff: &'static str,
    pub n_no_strong: &'static str,
    pub n_audit: &'static str,
    pub n_warnings: &'static str,
    /// Staffing status by `staffing::Status`.
    pub status: [&'static str; 5],
    /// Why a strong barrier runs inside a neighborhood, by `Reason`
    /// (templates: `{0}` households).
    pub reasons: [&'static str; 5],
    /// Barrier kinds: road, water, rail, other.
    pub barrier_kinds: [&'static str; 4],
    /// Between the items of a list.
    pub sep: &'static str,
    /// Between a label and its value.
    pub colon: &'static str,
    /// Flag codes and what they are called.
    pub flag_names: &'static [(&'static str, &'static str)],
    /// Facility kinds and what they are called.
    pub kind_names: &'static [(&'static str, &'static str)],
}

/// Chinese (the default).
pub(super) static ZH: Words = Words {
    plan: "邻里划分方案",
    app: "邻里规划",
    layers: "图层",
    legend: "图例",
    details: "详情",
    details_hint: "将鼠标移到邻里、设施或服务盲区上查看详情，点击可固定。",
    zoom_hint: "滚轮缩放，拖动平移，双击复位。",
    reset: "复位",
    north: "北",
    metres: "米",
    kilometres: "公里",
    no_cjk_font: "本浏览器缺少中文字体，中文名称可能显示为方框。请安装中文字体（如 Noto Sans CJK SC 或思源黑体）。",
    script_failed: "地图脚本出错：",
    l_neighborhoods: "邻里",
    l_neighborhood_borders: "邻里边界",
    l_communities: "社区边界",
    l_roads: "道路",
    l_water: "水系",
    l_rail: "铁路",
    l_buildings: "建筑",
    l_homes: "住宅建筑",
    l_other_buildings: "其他建筑",
    l_landmarks: "公园、校园等地标",
    l_patches: "社工片区",
    l_facilities: "服务设施",
    l_gaps: "服务盲区",
    l_service_areas: "服务范围",
    l_labels: "标注",
    l_existing: "现有网格",
    l_grid_gaps: "现有网格空隙",
    l_grid_overlaps: "现有网格重叠",
    deviation_title: "邻里户数与目标之差",
    deviation_low: "少三分之一",
    deviation_mid: "目标",
    deviation_high: "多三分之一",
    road_classes: [
        "快速路",
        "主干路",
        "次干路",
        "支路",
        "街巷、小区路",
        "步行道",
    ],
    h_summary: "区域概况",
    h_communities: "各社区汇总",
    h_streets: "各街道汇总",
    h_strong: "内含主干道、河流或铁路的邻里",
    h_audit: "现有网格审查",
    h_audit_flags: "不合规的现有网格",
    h_grids: "现有网格与规划方案对比",
    n_grids: "同一批住户和设施，分别按现有网格和规划方案的邻里统计（按步行网络距离）。",
    grid_existing: "现有网格",
    grid_proposed: "规划方案",
    g_neighborhoods: "有住户的邻里数",
    g_service_point_within: "全部住户在服务点步行范围内的邻里",
    g_households_beyond: "超出服务点步行范围的户数",
    g_within_circle: "全部住户在{}分钟生活圈内的邻里",
    g_fully_covered: "全部住户被{}覆盖的邻里",
    h_notes: "说明",
    community: "社区",
    street: "街道",
    code: "编码",
    name: "名称",
    kind: "类型",
    households: "户数",
    neighborhoods: "邻里数",
    communities: "社区数",
    in_band: "户数达标",
    below_band: "户数偏少",
    above_band: "户数偏多",
    share_in_band: "达标率",
    deviation: "与目标之差",
    buildings: "楼栋",
    homes: "住宅楼栋",
    area_ha: "面积（公顷）",
    barrier_share: "沿道路河流边界占比",
    workers: "社工",
    workers_needed: "标准需配",
    missing: "缺",
    surplus: "余",
    per_worker: "每名社工邻里数",
    staffing: "配备情况",
    patch: "社工片区",
    flags: "问题标记",
    office_walk: "至邻里服务站最远步行（米）",
    h_circles: "生活圈覆盖（按户）",
    circle: "{0}分钟生活圈",
    circle_kinds: "所含设施类型",
    circle_col: "生活圈",
    covered_households: "可达户数",
    n_circles: "按《城市居住区规划设计标准》（GB 50180-2018）：各类设施按其步行阈值归入最近的生活圈（15分钟约1000米，10分钟约500米，5分钟约300米）；覆盖率为步行可达该圈全部设施类型的住户比例。",
    n_no_circle: "情景中没有步行阈值属于该生活圈的设施类型，无法评估",
    n_no_facilities: "情景中没有服务设施（facilities.geojson），无法评估步行覆盖和生活圈。",
    community_line: "共 {0} 户，{1} 个邻里，其中户数达标 {2} 个；社工 {3}。",
    no_data: "无数据",
    facility: "设施",
    threshold: "服务半径",
    covered: "覆盖率",
    all_kinds: "全部设施",
    kind_covered: "{0}覆盖率（{1}）",
    minutes: "分钟步行",
    barrier: "屏障",
    metres_inside: "长度（米）",
    why: "原因",
    level: "等级",
    compliant: "合规",
    gaps: "空隙（户数）",
    overlaps: "重叠（户数）",
    multi_part: "不连片",
    crossing_border: "跨社区",
    crossing_strong: "跨强屏障",
    cut_buildings: "切分建筑",
    slivers: "细碎图斑",
    existing_neighborhood: "现有网格",
    what_is_wrong: "问题",
    district: "全区",
    target: "目标",
    s_households: "共 {0} 户（其中 {1} 户按建筑占地面积×层数估算），{2} 个社区，{3} 个街道。",
    s_neighborhoods: "划分邻里 {0} 个，其中户数在目标范围内的 {1} 个（{2}），偏少 {3} 个，偏多 {4} 个。",
    s_target: "目标：城市社区每个邻里约 {0} 户，涉农社区约 {1} 户，允许上下浮动 {2}；每个邻里 {3}–{4} 栋楼。",
    s_workers: "专职社工 {0} 名；按每名社工服务 {1}–{2} 个邻里的标准，需 {3}–{4} 名：缺 {5} 名，余 {6} 名。",
    s_workers_unknown: "无社工数据：请在情景中提供 staff.csv（community,workers）或社区的 social_workers 属性。",
    s_coverage: "步行可达（按户）：{0}。",
    s_strong: "有 {0} 个邻里内含超过 20 米的主干道、河流或铁路（原因见下表）。",
    n_estimated: "{0} 户由建筑占地面积×层数估算。",
    n_no_staff: "以下社区无社工数据：{0}。",
    n_no_strong: "没有邻里跨越高速路、快速路、主干道、河道或铁路。",
    n_audit: "情景自带的现有网格（neighborhoods.geojson）按同样规则审查；上文的邻里为重新划分的方案。linli redraw 可在尽量少改动的前提下修正现有网格。",
    n_warnings: "读取和计算中的提示（英文原文）：",
    status: ["达标", "社工不足", "社工富余", "无数据", "有缺有余"],
    reasons: [
        "对侧只有 {0} 户，不足一个邻里，已并入",
        "全社区只有 {0} 户：划为一个邻里",
        "该线在附近中断：两侧连成一片",
        "该线止于街坊内部，远离其他道路",
        "穿过同一街坊（其下建筑保持完整）",
    ],
    barrier_kinds: ["道路", "水系", "铁路", "其他"],
    sep: "、",
    colon: "：",
    flag_names: &[
        ("below_band", "户数偏少"),
        ("above_band", "户数偏多"),
        ("single_building_above_band", "单栋楼户数超标"),
        ("below_band_whole_community", "全社区不足一个邻里"),
        ("few_buildings", "楼栋过少"),
        ("many_buildings", "楼栋过多"),
        ("separate_part", "含飞地"),
        ("not_contiguous", "不连片"),
        ("empty", "空网格"),
        ("multi_part", "不连片"),
        ("overlap", "与其他网格重叠"),
        ("outside_community", "超出社区范围"),
        ("crosses_community_border", "跨社区边界"),
        ("crosses_strong_barrier", "跨越主干道、河流或铁路"),
        (
            "crosses_strong_barrier_small_side",
            "跨越主干道、河流或铁路（对侧不足一个邻里）",
        ),
        ("cuts_buildings", "切分建筑"),
    ],
    kind_names: &[
        ("community_centre", "党群服务中心"),
        ("neighborhood_office", "邻里服务点"),
        ("clinic", "卫生服务站"),
        ("elderly_care", "养老服务"),
        ("kindergarten", "幼儿园"),
        ("school", "学校"),
        ("market", "菜市场、超市"),
        ("pharmacy", "药店"),
    ],
};

/// English (`--lang en`).
pub(super) static EN: Words = Words {
    plan: "neighborhood plan",
    app: "linli",
    layers: "Layers",
    legend: "Legend",
    details: "Details",
    details_hint: "Hover over a neighborhood, facility or coverage gap for its details; click to pin them.",
    zoom_hint: "Wheel to zoom, drag to pan, double-click to reset.",
    reset: "reset",
    north: "N",
    metres: "m",
    kilometres: "km",
    no_cjk_font: "This browser has no font for Chinese: Chinese names may draw as boxes. Install a CJK font such as Noto Sans CJK SC.",
    script_failed: "The map's script failed: ",
    l_neighborhoods: "neighborhoods",
    l_neighborhood_borders: "neighborhood borders",
    l_communities: "community borders",
    l_roads: "roads",
    l_water: "water",
    l_rail: "railways",
    l_buildings: "buildings",
    l_homes: "residential buildings",
    l_other_buildings: "other buildings",
    l_landmarks: "parks, campuses and other landmarks",
    l_patches: "worker patches",
    l_facilities: "facilities",
    l_gaps: "coverage gaps",
    l_service_areas: "service areas",
    l_labels: "labels",
    l_existing: "existing grid",
    l_grid_gaps: "grid gaps",
    l_grid_overlaps: "grid overlaps",
    deviation_title: "households against the target",
    deviation_low: "−1/3",
    deviation_mid: "target",
    deviation_high: "+1/3",
    road_classes: [
        "motorway, trunk",
        "primary",
        "secondary",
        "tertiary",
        "residential, service",
        "footway, path",
    ],
    h_summary: "District summary",
    h_communities: "Communities",
    h_streets: "Streets",
    h_strong: "Strong barriers inside neighborhoods",
    h_audit: "Existing grid (audit)",
    h_audit_flags: "Existing neighborhoods that do not comply",
    h_grids: "Existing grid and proposed plan side by side",
    n_grids: "The same households and facilities, counted per neighborhood of the existing grid and of the plan (network distances).",
    grid_existing: "existing grid",
    grid_proposed: "proposed plan",
    g_neighborhoods: "neighborhoods with households",
    g_service_point_within: "neighborhoods wholly within the service point's limit",
    g_households_beyond: "households beyond the service point's limit",
    g_within_circle: "neighborhoods wholly within the {}-minute circle",
    g_fully_covered: "neighborhoods wholly covered by {}",
    h_notes: "Notes",
    community: "community",
    street: "street",
    code: "code",
    name: "name",
    kind: "kind",
    households: "households",
    neighborhoods: "neighborhoods",
    communities: "communities",
    in_band: "within band",
    below_band: "below band",
    above_band: "above band",
    share_in_band: "share within band",
    deviation: "against target",
    buildings: "buildings",
    homes: "residential",
    area_ha: "area (ha)",
    barrier_share: "border on barriers",
    workers: "workers",
    workers_needed: "standard needs",
    missing: "missing",
    surplus: "surplus",
    per_worker: "neighborhoods per worker",
    staffing: "staffing",
    patch: "worker patch",
    flags: "flags",
    office_walk: "longest walk to a neighborhood office (m)",
    h_circles: "Coverage by life circle (households)",
    circle: "{0}-minute life circle",
    circle_kinds: "facility kinds",
    circle_col: "life circle",
    covered_households: "households within reach",
    n_circles: "After GB 50180-2018 (urban residential area planning standard): each facility kind goes to the life circle nearest its walking threshold (15 minutes about 1,000 m, 10 minutes 500 m, 5 minutes 300 m); a circle's share is the households within reach of every kind of it.",
    n_no_circle: "no facility kind of the scenario has a threshold in this circle: not assessed",
    n_no_facilities: "The scenario has no facilities (facilities.geojson): walking coverage and life circles cannot be assessed.",
    community_line: "{0} households, {1} neighborhoods, {2} of them within the band; workers: {3}.",
    no_data: "no data",
    facility: "facility",
    threshold: "threshold",
    covered: "covered",
    all_kinds: "all kinds",
    kind_covered: "{0} covered ({1})",
    minutes: "min walk",
    barrier: "barrier",
    metres_inside: "metres",
    why: "why",
    level: "level",
    compliant: "compliant",
    gaps: "gaps (households)",
    overlaps: "overlaps (households)",
    multi_part: "multi-part",
    crossing_border: "crossing border",
    crossing_strong: "crossing a strong barrier",
    cut_buildings: "buildings cut",
    slivers: "slivers",
    existing_neighborhood: "existing neighborhood",
    what_is_wrong: "what is wrong",
    district: "district",
    target: "target",
    s_households: "{0} households ({1} estimated from footprint × levels) in {2} communities of {3} streets.",
    s_neighborhoods: "{0} neighborhoods, {1} of them within the household band ({2}); {3} below it, {4} above it.",
    s_target: "Target: about {0} households per neighborhood in urban communities, {1} in rural ones, within {2}; {3}–{4} buildings each.",
    s_workers: "{0} social workers; at {1}–{2} neighborhoods per worker the plan needs {3}–{4}: {5} missing, {6} surplus.",
    s_workers_unknown: "No staff data: give staff.csv (community,workers) in the scenario, or a social_workers property on each community.",
    s_coverage: "Households within walking reach: {0}.",
    s_strong: "{0} neighborhoods hold more than 20 m of a strong barrier (motorway, trunk or primary road, river, railway): see below.",
    n_estimated: "{0} households were estimated from footprint × levels.",
    n_no_staff: "No staff data for: {0}.",
    n_no_strong: "No neighborhood straddles a motorway, trunk or primary road, river, canal or railway.",
    n_audit: "The grid the scenario already has (its neighborhoods.geojson), checked against the same rules; the planned neighborhoods above are drawn from scratch. linli redraw fixes it with minimal change.",
    n_warnings: "Warnings from reading and planning:",
    status: [
        "within standard",
        "understaffed",
        "overstaffed",
        "no data",
        "mixed",
    ],
    reasons: [
        "the side across it holds {0} households, below the band: joined",
        "the whole community holds {0} households: one neighborhood",
        "the line ends nearby: both sides are one piece of the community",
        "the line ends inside the block, far from any other line",
        "runs inside one block (under a building kept whole)",
    ],
    barrier_kinds: ["road", "water", "rail", "other"],
    sep: ", ",
    colon: ": ",
    flag_names: &[],
    kind_names: &[
        ("community_centre", "community centre"),
        ("neighborhood_office", "neighborhood office"),
        ("elderly_care", "elderly care"),
    ],
};

impl Words {
    /// The table of `lang`.
    pub(super) fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// What a flag code is called (the code with spaces when the table has
    /// no name for it).
    pub(super) fn flag(&self, code: &str) -> String {
        lookup(self.flag_names, code)
    }

    /// What a facility kind is called.
    pub(super) fn kind(&self, kind: &str) -> String {
        lookup(self.kind_names, kind)
    }

    /// Flags joined as a list.
    pub(super) fn flag_list(&self, codes: &[String]) -> String {
        let names: Vec<String> = codes.iter().map(|c| self.flag(c)).collect();
        names.join(self.sep)
    }

    /// A staffing status.
    pub(super) fn status(&self, s: Status) -> &'static str {
        self.status[match s {
            Status::WithinStandard => 0,
            Status::Understaffed => 1,
            Status::Overstaffed => 2,
            Status::NoData => 3,
            Status::Mixed => 4,
        }]
    }

    /// Why a strong barrier runs inside a neighborhood.
    pub(super) fn reason(&self, r: Reason, households: Option<u64>) -> String {
        let i = match r {
            Reason::SmallSide => 0,
            Reason::WholeCommunity => 1,
            Reason::OpenEnded => 2,
            Reason::DeadEnd => 3,
            Reason::InsideBlock => 4,
        };
        fill(self.reasons[i], &[&households.unwrap_or(0)])
    }

    /// A barrier kind (`road`, `water`, `rail`).
    pub(super) fn barrier_kind(&self, kind: &str) -> &'static str {
        self.barrier_kinds[match kind {
            "road" => 0,
            "water" => 1,
            "rail" => 2,
            _ => 3,
        }]
    }
}

/// The name `table` gives `code`, else the code with spaces.
fn lookup(table: &[(&str, &str)], code: &str) -> String {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.replace('_', " "), |(_, n)| (*n).to_string())
}

/// `template` with `{0}`, `{1}`, … replaced by `args`.
pub(super) fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = template.to_string();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), &a.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_filled_in_both_languages() {
        for w in [&ZH, &EN] {
            for (t, n) in [
                (w.s_households, 4),
                (w.s_neighborhoods, 5),
                (w.s_target, 5),
                (w.s_workers, 7),
                (w.s_strong, 1),
            ] {
                for i in 0..n {
                    assert!(t.contains(&format!("{{{i}}}")), "{t}: {{{i}}}");
                }
                assert!(!t.contains(&format!("{{{n}}}")), "{t}");
            }
        }
    }

    #[test]
    fn names_fall_back_to_the_code() {
        assert_eq!(ZH.flag("below_band"), "户数偏少");
        assert_eq!(EN.flag("below_band"), "below band");
        assert_eq!(ZH.kind("post_office"), "post office");
        assert_eq!(fill("{0} of {1}", &[&1, &"two"]), "1 of two".to_string());
        assert_eq!(
            ZH.flag_list(&["empty".into(), "overlap".into()]),
            "空网格、与其他网格重叠"
        );
    }
}
