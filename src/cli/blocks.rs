//! `linli blocks`, `linli partition` and `linli partition-units`.

use super::Run;
use super::args::Command;
use super::{Common, check_input};
use linli::error::Error;

pub(super) fn blocks(run: &Run) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let (loaded, set, written) = linli::plan::run_blocks(&run.files, &run.opts, &run.out)?;
    if !run.quiet {
        let s = &loaded.scenario;
        out!(
            "{} communities, {} buildings, {} barrier lines → {} blocks, {} adjacent pairs ({:.2} s)",
            s.communities.len(),
            s.buildings.len(),
            s.barriers.len(),
            set.blocks.len(),
            set.adjacency.edge_count(),
            t.elapsed().as_secs_f64()
        );
        for w in loaded.report.warnings.iter().chain(&set.warnings) {
            out!("warning: {w}");
        }
        for p in written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

pub(super) fn partition(
    run: &Run,
    seed: u64,
    labels: Option<&std::path::Path>,
) -> Result<(), Error> {
    let t = std::time::Instant::now();
    let (_, planned, written) =
        linli::plan::run_partition(&run.files, &run.opts, seed, &run.out, labels)?;
    if !run.quiet {
        let n = &planned.partition.neighborhoods;
        let flagged = n.iter().filter(|x| !x.flags.is_empty()).count();
        out!(
            "{} blocks → {} neighborhoods, {} flagged ({:.2} s)",
            planned.block_count,
            n.len(),
            flagged,
            t.elapsed().as_secs_f64()
        );
        for p in written {
            out!("wrote {}", p.display());
        }
    }
    Ok(())
}

pub(super) fn partition_units(
    input: &std::path::Path,
    output: &std::path::Path,
    target: f64,
    crs: Option<&str>,
    props: linli::read::units::UnitProps,
    seed: u64,
    quiet: bool,
) -> Result<(), Error> {
    let t = std::time::Instant::now();
    // Its size was checked against --max-input-mb already.
    let text = linli::read::text::Text::read_capped(input, u64::MAX)
        .map_err(|e| e.into_error(input, None))?;
    let layer = linli::read::units::read_units(&input.display().to_string(), &text, crs, &props)?;
    let mut config = linli::config::Config::default();
    config.targets.urban = target.round().clamp(1.0, f64::from(u32::MAX)) as u32;
    let (set, part) = linli::pipeline::partition_units(&layer, &config, seed);
    let mut csv = String::from("block_index,region\n");
    for (i, &n) in part.block_neighborhood.iter().enumerate() {
        csv.push_str(&format!("{i},{n}\n"));
    }
    linli::write::write_atomic(output, csv.as_bytes())?;
    if !quiet {
        out!(
            "{} units → {} neighborhoods ({:.3} s); wrote {}",
            set.blocks.len(),
            part.neighborhoods.len(),
            t.elapsed().as_secs_f64(),
            output.display()
        );
        for w in &set.warnings {
            out!("warning: {w}");
        }
    }
    Ok(())
}

/// `linli partition-units`: its arguments checked, then the partition.
pub(super) fn partition_units_command(command: Command, c: &Common) -> Result<(), Error> {
    let Command::PartitionUnits {
        input,
        output,
        target,
        crs,
        households_prop,
        buildings_prop,
        group_prop,
        seed,
    } = command
    else {
        unreachable!("called for partition-units only")
    };
    check_input(&input, c.max_bytes)?;
    let props = linli::read::units::UnitProps {
        households: households_prop,
        buildings: buildings_prop,
        group: group_prop,
    };
    partition_units(
        &input,
        &output,
        target,
        crs.as_deref(),
        props,
        seed,
        c.quiet,
    )
}
