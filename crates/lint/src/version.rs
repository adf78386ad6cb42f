//! The server version a migration is written for (`--target-version`): the type lives in
//! `dbwarden_core::version`, shared with the diff's classification.

pub use dbwarden_core::version::{Engine, TargetVersion, VersionError};
