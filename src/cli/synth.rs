//! `linli synth`: a generated district as a scenario folder.

use linli::error::Error;

pub(super) fn synth(
    p: &linli::synth::SynthParams,
    out: &std::path::Path,
    quiet: bool,
) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let city = linli::synth::generate(p)?;
    let written = city.write(out)?;
    if !quiet {
        let s = &city.summary;
        let kinds: Vec<String> = s
            .communities_by_kind
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        out!(
            "{} households in {} buildings ({} towers of 100+, {} schools/shops); {} communities ({}) in {} streets; {:.1} × {:.1} km ({:.2} s)",
            s.households,
            s.buildings,
            s.towers,
            s.zero_household_buildings,
            s.communities,
            kinds.join(", "),
            s.streets,
            s.extent_km.0,
            s.extent_km.1,
            t.elapsed().as_secs_f64()
        );
        let fac: Vec<String> = s
            .facilities
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        out!(
            "{} roads ({} bridges), {} parks, {} compounds; facilities: {}; {} social workers ({} communities without data)",
            s.roads,
            s.bridges,
            s.parks,
            s.compounds,
            fac.join(", "),
            s.social_workers,
            s.communities_without_staff.len()
        );
        for p in written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}
