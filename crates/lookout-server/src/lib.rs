//! The Lookout portal: an axum application organised by feature. Each
//! feature folder holds its model, storage, routes and templates.

pub mod accounts;
pub mod advisories;
pub mod alerts;
pub mod analysis;
pub mod api;
pub mod app;
pub mod audit;
pub mod config;
pub mod db;
pub mod demo;
pub mod detection;
pub mod files;
pub mod forum;
pub mod home;
pub mod incidents;
pub mod interop;
pub mod kb;
pub mod mail;
pub mod news;
pub mod ops;
pub mod reports;
pub mod review;
pub mod runtime;
pub mod search;
pub mod secrets;
pub mod sharing;
pub mod sightings;
pub mod state;
pub mod stats;
pub mod tokens;
pub mod watchlist;
pub mod web;

pub use config::Config;
pub use state::AppState;
