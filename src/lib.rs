//! linli (邻里): plans neighborhoods for community governance.
pub mod blocks;
pub mod config;
pub mod coverage;
pub mod demo;
pub mod dissolve;
pub mod error;
pub mod existing;
pub mod model;
pub mod osm;
pub mod partition;
pub mod pipeline;
pub mod plan;
pub mod project;
pub mod read;
pub mod staffing;
pub mod synth;
pub mod write;
