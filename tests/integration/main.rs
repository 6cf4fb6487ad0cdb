//! The integration tests, one binary: each module was its own test crate,
//! and each linked the whole library (22 links of a debug build); one binary
//! links it once. `cargo test --test integration <module>::` runs one module.
//! The fuzzers stay a binary of their own (`tests/fuzz.rs`): they silence
//! every panic in their process, which would hide other tests' messages.

mod common;
#[path = "../support/pbf.rs"]
mod pbf;

mod architecture;
mod audit_cli;
mod audit_redraw;
mod bad_input;
mod blocks_props;
mod coverage;
mod demo_blocks;
mod diff;
mod field_types;
mod gis_formats;
mod lean_reader;
mod life_circles;
mod locks;
mod osm_import;
mod osm_public;
mod osm_real;
mod overrides;
mod parcels;
mod partition_props;
mod plan_demo;
mod plan_transaction;
mod projection;
mod real_geometry;
mod report_browser;
mod roster;
mod serve;
mod split_merge;
mod staff_existing;
mod synth;
mod validity;
mod write_atomic;
mod written_props;
