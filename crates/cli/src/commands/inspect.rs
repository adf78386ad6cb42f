//! `dbwarden inspect`: the live schema as DDL or JSON.

use super::{connect, report_unmanaged};
use crate::cli::{GlobalArgs, InspectFormat};
use crate::exit::{Exit, Failure};
use crate::output::{print_json, println_safe};

pub async fn run(global: &GlobalArgs, format: InspectFormat) -> Result<Exit, Failure> {
    let (_url, mut engine) = connect(global).await?;
    let mut schema = engine.introspect().await?;
    if !global.include_tool_tables {
        dbwarden::core::bookkeeping::set_aside(&mut schema);
    }
    report_unmanaged(global, &schema.unmanaged)?;
    if global.json || matches!(format, InspectFormat::Json) {
        print_json(&schema);
    } else {
        println_safe(dbwarden::core::render::schema_ddl(&schema).trim_end());
    }
    Ok(Exit::Success)
}
