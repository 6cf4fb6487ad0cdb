//! The edit log (`edits.jsonl`): one JSON line per edit, with its time,
//! the version it made, what was asked and what moved, so that a district
//! can review who changed what, and a session can resume by replaying it.

use super::{Change, Edit, Editor};
use serde::{Deserialize, Serialize};

/// One block that moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// Block index (the unit the editor moves).
    pub block: usize,
    /// The block's id in the plan.
    pub block_id: String,
    /// Neighborhood it left.
    pub from: String,
    /// Neighborhood it joined.
    pub to: String,
    /// Its households.
    pub households: u64,
}

/// One line of `edits.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// UTC time, RFC 3339.
    pub time: String,
    /// The version the edit made.
    pub version: u64,
    /// What was asked.
    pub edit: Edit,
    /// What moved.
    pub moved: Vec<Moved>,
    /// Neighborhoods locked (`true`) or unlocked.
    pub locks: Vec<(String, bool)>,
}

/// The log entry for `change`, made by `edit` at `unix_seconds`.
///
/// ```
/// let mut ed = linli::edit::open(&linli::demo::files(), &Default::default(), 1, linli::edit::Start::Plan).unwrap();
/// let id = ed.slots[0].id.clone();
/// let edit = linli::edit::Edit::Lock { neighborhood: id.clone() };
/// let change = ed.apply(&edit).unwrap();
/// let e = linli::edit::log::entry(&ed, &edit, &change, 0);
/// assert_eq!(e.time, "1970-01-01T00:00:00Z");
/// assert_eq!(e.locks, vec![(id, true)]);
/// ```
pub fn entry(ed: &Editor, edit: &Edit, change: &Change, unix_seconds: u64) -> Entry {
    let blocks = &ed.planned.blocks.blocks;
    Entry {
        time: rfc3339(unix_seconds),
        version: ed.version,
        edit: edit.clone(),
        moved: change
            .moves
            .iter()
            .map(|&(b, f, t)| Moved {
                block: b,
                block_id: blocks[b].id.clone(),
                from: ed.slots[f].id.clone(),
                to: ed.slots[t].id.clone(),
                households: blocks[b].households,
            })
            .collect(),
        locks: change
            .locks
            .iter()
            .map(|&(s, _, after)| (ed.slots[s].id.clone(), after))
            .collect(),
    }
}

/// `edits.jsonl`'s text for `entries`.
pub fn jsonl(entries: &[Entry]) -> String {
    let mut out = String::new();
    for e in entries {
        out.push_str(&serde_json::to_string(e).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Reads `edits.jsonl`; `Err` names the line that is not an entry.
///
/// ```
/// let e = linli::edit::log::parse("{\"time\":\"t\",\"version\":1,\"edit\":{\"op\":\"undo\"},\"moved\":[],\"locks\":[]}\n").unwrap();
/// assert_eq!(e[0].edit, linli::edit::Edit::Undo);
/// assert!(linli::edit::log::parse("{}").unwrap_err().contains("line 1"));
/// ```
pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// `unix_seconds` as `YYYY-MM-DDTHH:MM:SSZ` (days to civil date after
/// Howard Hinnant's algorithm).
///
/// ```
/// assert_eq!(linli::edit::log::rfc3339(86_400), "1970-01-02T00:00:00Z");
/// ```
pub fn rfc3339(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::rfc3339(1_796_601_599), "2026-12-06T23:59:59Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
