//! `linli split` and `linli merge`: a large region planned in parts.

use super::args::Command;
use super::{Common, count};
use linli::error::{Error, Problem};

pub(super) fn command(command: Command, c: &Common) -> Result<(), Error> {
    match command {
        Command::Split {
            scenario,
            by,
            parts,
            halo_m,
            out,
            crs,
        } => {
            let by = by.parse().map_err(|e: String| {
                Error::Input(vec![Problem::file(
                    "the command line",
                    format!("--by: {e}"),
                )])
            })?;
            let how = linli::split::SplitOptions { by, parts, halo_m };
            let run = c.scenario(&scenario, crs, out)?;
            let split = linli::split::split(&run.files, &run.opts, &how)?;
            split.write(&run.out)?;
            if !c.quiet {
                for p in &split.parts {
                    let i = &p.info;
                    out!(
                        "{}: {}, {} households in {}, {} (halo {:.0} m)",
                        i.name,
                        count(i.communities.len() as u64, "community", "communities"),
                        i.households,
                        count(i.buildings as u64, "building", "buildings"),
                        count(
                            i.facilities.len() as u64,
                            "owned facility",
                            "owned facilities"
                        ),
                        i.halo_m
                    );
                }
                out!(
                    "wrote {} parts into {}",
                    split.parts.len(),
                    run.out.display()
                );
            }
            Ok(())
        }
        Command::Merge { plans, out } => {
            let merged = linli::merge::merge(&plans)?;
            let written = merged.write(&out)?;
            if !c.quiet {
                out!(
                    "merged {} into {}: {}, {} households",
                    count(plans.len() as u64, "plan", "plans"),
                    out.display(),
                    count(
                        merged.neighborhoods() as u64,
                        "neighborhood",
                        "neighborhoods"
                    ),
                    merged.households()
                );
                out!("wrote {} files", written.len());
            }
            Ok(())
        }
        _ => unreachable!("split::command is called for split and merge"),
    }
}
