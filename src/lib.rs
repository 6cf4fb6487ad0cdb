//! linli (邻里): plans neighborhoods for community governance.
pub mod blocks;
pub mod config;
pub mod demo;
pub mod dissolve;
pub mod error;
pub mod model;
pub mod partition;
pub mod pipeline;
pub mod project;
pub mod read;
pub mod write;
