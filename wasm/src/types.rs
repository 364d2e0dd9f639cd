//! The package's TypeScript declarations. Every object the bindings read, write or throw is declared
//! in [`crate::shapes`], which renders `shapes.ts`, included here; only the `Timestamp` alias is
//! written here. `tsc --strict` checks them against a usage file in the build, and the wasm and
//! node tests check the runtime shapes.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const SHAPES: &str = include_str!("shapes.ts");

#[wasm_bindgen(typescript_custom_section)]
const CACHE: &str = r#"
/** Timestamps as the AWS CLI writes them: "2026-01-02T03:04:05Z" (other ISO 8601 UTC forms are read too). */
export type Timestamp = string;
"#;
