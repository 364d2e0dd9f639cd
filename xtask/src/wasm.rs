//! The npm package `sso-bridge` (in `pkg/`) and its checks: wasm build, bindings, size
//! optimisation, TypeScript type check, size budget.
//!
//! wasm-bindgen is run directly rather than through wasm-pack: wasm-pack adds a long `cargo install`
//! to CI and would try to download its own wasm-bindgen and wasm-opt binaries; everything it does
//! for us is the few steps below.

use crate::emulator::Emulator;
use crate::notices;
use crate::util::{self, ensure_rust_target, root};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Must equal the `wasm-bindgen` version pinned in wasm/Cargo.toml (the bindings crate; tests-wasm/Cargo.toml repeats it).
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";

/// Release `.wasm` + JS glue (+ wasm-bindgen's snippets) of the `web` target, gzip -9: the size
/// budget. A build above it fails. The goal is issue 13's 100 KB; npm/README.md (section Size) says
/// what took the module past it and what each step cost. The budget follows each win down.
const SIZE_BUDGET_GZIP: u64 = 115 * 1024;

/// The crate the package's module is built from, and for which target.
const PACKAGE_CRATE: &str = "sso-bridge-wasm";
const MODULE_TARGET: &str = "wasm32-unknown-unknown";

/// The third-party notices' file name in every artifact (see `notices.rs`).
pub const NOTICES: &str = "THIRD-PARTY-NOTICES.md";

/// The two wasm-bindgen targets shipped in the package: `web` (the default export, plain ESM with
/// an `init()`), and `bundler` (for webpack/Vite/Rollup, as `sso-bridge/bundler`).
const TARGETS: &[&str] = &["web", "bundler"];

pub fn pkg_dir() -> PathBuf {
    root().join("pkg")
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (relative to the repository), else `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// Makes sure `wasm-bindgen` (and its test runner) are the pinned version, installing them if not.
pub fn ensure_wasm_bindgen() -> Result<(), String> {
    let found = util::output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if found.split_whitespace().nth(1) == Some(WASM_BINDGEN_VERSION) {
        return Ok(());
    }
    eprintln!(
        "xtask: wasm-bindgen {WASM_BINDGEN_VERSION} is needed (found: {}); installing it",
        if found.is_empty() { "none" } else { found.trim() }
    );
    util::run("cargo", &["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION])
}

/// `npm ci` in `dir` when its `node_modules` is missing or older than its lockfile.
pub fn npm_ci(dir: &Path) -> Result<(), String> {
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = match (modified(&lock), modified(&installed)) {
        (Some(lock), Some(installed)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    util::run_in(dir, "npm", &["ci", "--no-audit", "--no-fund"], &[])
}

/// The version of the `sso-bridge` crate, from `cargo pkgid` (`…#sso-bridge@0.1.0` or `…#0.1.0`).
pub fn crate_version() -> Result<String, String> {
    let id =
        util::output("cargo", &["pkgid", "-p", "sso-bridge"]).ok_or("`cargo pkgid -p sso-bridge` failed")?;
    let version = id.trim().rsplit(['@', '#']).next().unwrap_or_default();
    if version.is_empty() || !version.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("could not read the crate version from `{}`", id.trim()));
    }
    Ok(version.to_string())
}

/// Builds `pkg/`: both targets, wasm-opt -Oz, package.json, README; then type-checks and measures.
pub fn build_package() -> Result<(), String> {
    let tools = root().join("npm");
    let wasm = build_module()?;
    let pkg = pkg_dir();
    if pkg.exists() {
        fs::remove_dir_all(&pkg).map_err(|e| format!("could not clear {}: {e}", pkg.display()))?;
    }
    for target in TARGETS {
        bindgen(&wasm, &pkg.join(target), target, &[])?;
    }
    copy_into_package(&root().join("npm/node"), &pkg.join("node"))?;
    fs::copy(root().join("LICENSE"), pkg.join("LICENSE"))
        .map_err(|e| format!("could not copy LICENSE: {e}"))?;
    notices::write(&pkg.join(NOTICES), PACKAGE_CRATE, MODULE_TARGET, "The sso-bridge npm package")?;

    let version = crate_version()?;
    fs::write(pkg.join("package.json"), package_json(&version))
        .map_err(|e| format!("could not write pkg/package.json: {e}"))?;
    fs::copy(tools.join("README.md"), pkg.join("README.md"))
        .map_err(|e| format!("could not copy npm/README.md: {e}"))?;

    type_check()?;
    let gzip = report_size()?;
    if gzip > SIZE_BUDGET_GZIP {
        return Err(format!(
            "the web package is {gzip} bytes gzip, over the {SIZE_BUDGET_GZIP}-byte size budget: see what \
             grew with `twiggy top` on a build with names, and what each feature costs with `cargo xtask \
             size-by-feature` (npm/README.md, section Size)"
        ));
    }
    eprintln!("xtask: built pkg/ (sso-bridge {version})");
    Ok(())
}

/// Builds the raw module (with its custom sections, before wasm-bindgen) and makes sure the tools
/// that turn it into the package are there: the pinned wasm-bindgen, and binaryen from npm/.
pub fn build_module() -> Result<PathBuf, String> {
    ensure_rust_target(MODULE_TARGET)?;
    ensure_wasm_bindgen()?;
    npm_ci(&root().join("npm"))?;

    // Panic locations name source files; without these the shipped module would carry paths of the
    // build machine, which are neither reproducible nor ours to publish: its cargo home
    // (`/root/.cargo/registry/src/…`), and, where the toolchain's `rust-src` component is installed
    // (rust-analyzer needs it), the standard library's generic code by its local copy instead of the
    // `/rustc/<commit>/` the prebuilt standard library names.
    let registry = util::cargo_home()?.join("registry/src");
    let std_sources = rustc_line(&["--print", "sysroot"], "")?;
    let std_sources = Path::new(&std_sources).join("lib/rustlib/src/rust");
    let commit = rustc_line(&["-vV"], "commit-hash: ")?;
    let remap = [
        format!("--remap-path-prefix={}=registry", registry.display()),
        format!("--remap-path-prefix={}=/rustc/{commit}", std_sources.display()),
    ]
    .join("\x1f");
    util::run_in(
        &root(),
        "cargo",
        &[
            "build",
            "--locked",
            "-p",
            PACKAGE_CRATE,
            "--lib",
            "--target",
            MODULE_TARGET,
            "--profile",
            "wasm-release",
        ],
        &[("CARGO_ENCODED_RUSTFLAGS", &remap)],
    )?;
    let module = raw_wasm();
    let bytes = fs::read(&module).map_err(|e| format!("{}: {e}", module.display()))?;
    for local in [&registry, &std_sources, &root()] {
        let local = local.display().to_string();
        if bytes.windows(local.len()).any(|window| window == local.as_bytes()) {
            return Err(format!("{} names a path of this machine, {local}: remap it", module.display()));
        }
    }
    Ok(module)
}

/// The value of the line of `rustc <args>` that starts with `prefix` (the first line for "").
fn rustc_line(args: &[&str], prefix: &str) -> Result<String, String> {
    let text = util::output("rustc", args).ok_or_else(|| format!("`rustc {}` failed", args.join(" ")))?;
    text.lines()
        .find_map(|line| line.strip_prefix(prefix))
        .map(|value| value.trim().to_owned())
        .ok_or_else(|| format!("`rustc {}` printed no `{prefix}` line", args.join(" ")))
}

/// The raw module `cargo build` leaves for wasm-bindgen (with its custom sections).
fn raw_wasm() -> PathBuf {
    target_dir().join(MODULE_TARGET).join("wasm-release/sso_bridge_wasm.wasm")
}

/// wasm-bindgen for one target into `out`, then the same treatment for every build: wasm-opt,
/// minified names, the glue's guards, minified glue. `flags` go to wasm-bindgen.
fn bindgen(wasm: &Path, out: &Path, target: &str, flags: &[&str]) -> Result<(), String> {
    let mut args =
        vec![path_str(wasm)?, "--target", target, "--out-dir", path_str(out)?, "--out-name", "sso_bridge"];
    args.extend_from_slice(flags);
    util::run("wasm-bindgen", &args)?;
    let module = out.join("sso_bridge_bg.wasm");
    optimise(&module, &module)?;
    minify_names(out, target)?;
    guard_glue(out, target)?;
    minify_glue(out)
}

/// Where the extension's own web build goes (see `build_extension_glue`).
pub fn extension_glue_dir() -> PathBuf {
    target_dir().join("extension-wasm/web")
}

/// The extension's web build: the package's module and glue plus wasm-bindgen's
/// `--experimental-reset-state-function` (`__wbg_reset_state`), which the service worker calls to
/// replace an instance that trapped with a fresh one from the same compiled module. Not in the
/// npm package, which is at its size budget; wasm-bindgen writes the same module either way, so the
/// extension runs the package's code. Needs the raw module of `build_package`'s `cargo build`.
pub fn build_extension_glue() -> Result<(), String> {
    if !raw_wasm().exists() {
        build_package()?;
    }
    ensure_wasm_bindgen()?;
    npm_ci(&root().join("npm"))?;
    let out = extension_glue_dir();
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("could not clear {}: {e}", out.display()))?;
    }
    bindgen(&raw_wasm(), &out, "web", &["--experimental-reset-state-function"])?;
    notices::write(
        &out.join(NOTICES),
        PACKAGE_CRATE,
        MODULE_TARGET,
        "The sso-bridge extension's WebAssembly module",
    )
}

/// Copies the files of `from` (hand-written package entries) into `to`.
fn copy_into_package(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("could not create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", from.display()))?.path();
        let name = path.file_name().ok_or_else(|| format!("{}: no file name", path.display()))?;
        fs::copy(&path, to.join(name)).map_err(|e| format!("could not copy {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The package's own `SsoBridgeError` (as `wasm/src/convert.rs` builds it) for the two mistakes the
/// glue sees before the module does.
const GLUE_ERROR: &str = "function ssoBridgeError(code, variant, message) {
    const error = new Error(message);
    error.name = 'SsoBridgeError';
    error.code = code;
    error.variant = variant;
    error.retryable = false;
    return error;
}
";

/// Makes the glue fail with the package's typed error where wasm-bindgen's would trap or throw a
/// bare `TypeError`:
/// - a string parameter given something else (`parseConfig(42)`): wasm-bindgen's glue does not
///   check, and the module reads memory it was never given ("memory access out of bounds");
/// - (web build) an export called before `init()`: "Cannot read properties of undefined".
///
/// Edits wasm-bindgen's generated text, so each edit must find its anchor exactly once or the build
/// fails (a wasm-bindgen upgrade that changes the glue is then seen at once).
fn guard_glue(out: &Path, target: &str) -> Result<(), String> {
    let glue = out.join(if target == "web" { "sso_bridge.js" } else { "sso_bridge_bg.js" });
    let mut text = fs::read_to_string(&glue).map_err(|e| format!("{}: {e}", glue.display()))?;
    let replace_once = |text: &mut String, anchor: &str, with: &str| -> Result<(), String> {
        if text.matches(anchor).count() != 1 {
            return Err(format!(
                "{}: expected `{anchor}` once in wasm-bindgen's glue; update guard_glue for this wasm-bindgen",
                glue.display()
            ));
        }
        *text = text.replacen(anchor, with, 1);
        Ok(())
    };
    replace_once(
        &mut text,
        "function passStringToWasm0(arg, malloc, realloc) {\n",
        &format!(
            "{GLUE_ERROR}function passStringToWasm0(arg, malloc, realloc) {{
    if (typeof arg !== 'string') throw ssoBridgeError('invalid_argument', 'InvalidArgument', \
`a string argument is ${{arg === null ? 'null' : typeof arg}}, not a string. Check it against the TypeScript types.`);
"
        ),
    )?;
    if target == "web" {
        // `wasm` stays a stand-in that throws until init() has run.
        replace_once(
            &mut text,
            "let wasmModule, wasmInstance, wasm;\n",
            "const notInitialized = new Proxy({}, { get() { throw ssoBridgeError('not_initialized', \
'NotInitialized', 'sso-bridge is not initialised: call `await init()` (the default export) once before \
using it; in Node, import the package normally and its Node entry does it.'); } });
let wasmModule, wasmInstance, wasm = notInitialized;
",
        )?;
        for _ in 0..2 {
            let anchor = "if (wasm !== undefined) return wasm;";
            let at =
                text.find(anchor).ok_or_else(|| format!("{}: init's check not found", glue.display()))?;
            text.replace_range(at..at + anchor.len(), "if (wasm !== notInitialized) return wasm;");
        }
        if text.contains("wasm !== undefined") || text.contains("wasm === undefined") {
            return Err(format!("{}: another `wasm` undefined check; update guard_glue", glue.display()));
        }
    }
    fs::write(&glue, text).map_err(|e| format!("{}: {e}", glue.display()))
}

/// The WebAssembly features Rust's wasm32 target emits, which wasm-opt must accept.
pub const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// wasm-opt's passes over wasm-bindgen's output, in order.
const OPTIMISATION: &[&str] = &[
    // Rust's wasm32 layout puts the stack below 1 MiB and the data above it, so the first KiB of
    // memory is never addressed: saying so lets loads and stores fold their constant offsets
    // (emscripten passes it by default too).
    "--low-memory-unused",
    // Functions that differ only in constants become one with a parameter …
    "--merge-similar-functions",
    "-Oz",
    // … flattening and re-looping the control flow lets the next rounds fold more, and a second
    // round finds more after the first one's inlining and merging; `--converge` instead measured
    // larger (the commits give the figures).
    "--flatten",
    "--rereloop",
    "-Oz",
    "-Oz",
    // The `producers` and `target_features` custom sections: nothing reads them at run time
    // (wasm-bindgen, which needs the latter, has already run).
    "--strip-producers",
    "--strip-target-features",
];

/// One of binaryen's tools, from npm/ (`npm ci` there installs them; Debian's are too old).
pub fn binaryen(tool: &str) -> PathBuf {
    root().join("npm/node_modules/.bin").join(tool)
}

/// wasm-opt with the package's passes, from `input` to `output` (which may be the same file).
pub fn optimise(input: &Path, output: &Path) -> Result<(), String> {
    let wasm_opt = binaryen("wasm-opt");
    let files = [path_str(input)?, "-o", path_str(output)?];
    let args: Vec<&str> = OPTIMISATION.iter().chain(WASM_FEATURES).chain(&files).copied().collect();
    util::run(path_str(&wasm_opt)?, &args)
}

/// The module wasm-bindgen's glue provides the imports under.
const GLUE_MODULE: &str = "./sso_bridge_bg.js";

/// The one import module binaryen's `--minify-imports-and-exports-and-modules` merges all imports
/// into.
const MERGED_MODULE: &str = "a";

/// Short names for the module's imports and exports, by binaryen's own pass (as emscripten uses it),
/// with the glue updated from the mapping the pass prints. wasm-bindgen's names are long and hashed
/// (`__wbg_fetch_83d1be0f3c4a7e21`, `wasm_bindgen__convert__closures_____invoke__h3853d56e96e10ffd`):
/// incompressible, and in both files. The package's API is the glue's exports, which keep their
/// names; the raw exports (`InitOutput`, `sso_bridge_bg.wasm.d.ts`) take the short ones.
///
/// The web build merges the import modules into one, so its imports are renamed too. The bundler
/// build's import modules are real ES modules the bundler resolves (`./sso_bridge_bg.js`), so there
/// only the exports are renamed.
fn minify_names(out: &Path, target: &str) -> Result<(), String> {
    let module = out.join("sso_bridge_bg.wasm");
    let module = path_str(&module)?;
    let pass = if target == "web" {
        "--minify-imports-and-exports-and-modules"
    } else {
        "--minify-imports-and-exports"
    };
    let mut args = vec![pass];
    args.extend_from_slice(WASM_FEATURES);
    args.extend_from_slice(&[module, "-o", module]);
    let mapping = util::output(path_str(&binaryen("wasm-opt"))?, &args)
        .ok_or_else(|| format!("wasm-opt {pass} failed"))?;
    let (imports, exports) = parse_minified_names(&mapping)?;
    if target == "web" && imports.is_empty() {
        return Err("wasm-opt renamed no imports: its mapping format changed?".into());
    }
    for script in js_files(out)? {
        let mut text = fs::read_to_string(&script).map_err(|e| format!("{}: {e}", script.display()))?;
        for (old, new) in &exports {
            text = replace_identifier(&text, &format!("wasm.{old}"), &format!("wasm.{new}"));
        }
        if target == "web" && script.ends_with("sso_bridge.js") {
            text = rename_glue_imports(&text, &imports)?;
        }
        fs::write(&script, text).map_err(|e| format!("{}: {e}", script.display()))?;
    }
    for (types, entry) in [("sso_bridge.d.ts", "readonly "), ("sso_bridge_bg.wasm.d.ts", "export const ")] {
        let path = out.join(types);
        if !path.exists() {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        // In sso_bridge.d.ts only the `InitOutput` interface lists the raw exports.
        // (The bundler target's has none: its raw exports are in sso_bridge_bg.wasm.d.ts.)
        let (start, end) = if types == "sso_bridge.d.ts" {
            let Some(start) = text.find("export interface InitOutput {") else { continue };
            let end = start + text[start..].find("\n}").ok_or("InitOutput does not end")?;
            (start, end)
        } else {
            (0, text.len())
        };
        let mut region = text[start..end].to_owned();
        for (old, new) in &exports {
            region = region.replace(&format!("{entry}{old}:"), &format!("{entry}{new}:"));
        }
        let text = format!("{}{region}{}", &text[..start], &text[end..]);
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// (module, old name, new name) of each import and (old name, new name) of each export, from the
/// JSON binaryen prints: `{"imports": [["module", "old", "new"], …], "exports": [["old", "new"], …]}`.
type MinifiedNames = (Vec<(String, String, String)>, Vec<(String, String)>);

fn parse_minified_names(mapping: &str) -> Result<MinifiedNames, String> {
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    for line in mapping.lines() {
        let line = line.trim().trim_end_matches(',');
        let Some(inner) = line.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) else { continue };
        let names: Vec<String> =
            inner.split(',').map(|name| name.trim().trim_matches('"').to_owned()).collect();
        match names.as_slice() {
            [module, old, new] => imports.push((module.clone(), old.clone(), new.clone())),
            [old, new] => exports.push((old.clone(), new.clone())),
            _ => return Err(format!("unexpected line in wasm-opt's name mapping: {line}")),
        }
    }
    if exports.is_empty() {
        return Err("wasm-opt printed no export mapping".into());
    }
    Ok((imports, exports))
}

/// The web glue's import object under the merged module's name: the glue's own import functions
/// take their new names where they are defined (`__wbg_get_2080c49015e35254: function` → `B:
/// function`), and the functions the module imports from wasm-bindgen's snippets join them.
fn rename_glue_imports(text: &str, imports: &[(String, String, String)]) -> Result<String, String> {
    let mut text = text.to_owned();
    let mut from_snippets = String::new();
    for (module, old, new) in imports {
        if module == GLUE_MODULE {
            text = replace_identifier(&text, old, new);
            continue;
        }
        // The glue binds each snippet module to a name (`"./snippets/…/inline0.js": import1,`).
        let entry = format!("\"{module}\": ");
        let at = text.find(&entry).ok_or_else(|| format!("the glue does not import {module}"))?;
        let rest = &text[at + entry.len()..];
        let binding = &rest[..rest.find(',').ok_or("unexpected import object in the glue")?];
        from_snippets.push_str(&format!(" {new}: {binding}.{old},"));
    }
    // Drop the per-module entries and put everything under the merged module.
    let object_start = text
        .find("return {\n        __proto__: null,\n        \"./sso_bridge_bg.js\": import0,")
        .ok_or("the glue's import object was not found; update rename_glue_imports for this wasm-bindgen")?;
    let object_end =
        object_start + text[object_start..].find("};").ok_or("the import object does not end")? + 2;
    let merged = format!(
        "return {{ __proto__: null, \"{MERGED_MODULE}\": Object.assign(import0, {{{from_snippets} }}) }};"
    );
    text.replace_range(object_start..object_end, &merged);
    Ok(text)
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

/// The positions where `name` occurs as a whole identifier in `text`.
fn identifier_positions(text: &str, name: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    text.match_indices(name)
        .map(|(index, _)| index)
        .filter(|&index| {
            let before = index.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(index + name.len()).copied();
            !before.is_some_and(is_identifier_byte) && !after.is_some_and(is_identifier_byte)
        })
        .collect()
}

fn replace_identifier(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for index in identifier_positions(text, old) {
        out.push_str(&text[last..index]);
        out.push_str(new);
        last = index + old.len();
    }
    out.push_str(&text[last..]);
    out
}

/// Minifies the JS glue (and wasm-bindgen's snippets) with esbuild, as any web bundle ships: the glue's comments repeat the Rust
/// doc comments that the `.d.ts` carries for editors, and its internal names are wasm-bindgen's
/// (`getStringFromWasm0`, …), not API; measured smaller than comment stripping alone. The exports'
/// names are kept (they are the API), and so is the `@ts-self-types` pragma (Deno and TS tooling
/// find the types through it).
fn minify_glue(out: &Path) -> Result<(), String> {
    let esbuild = root().join("npm/node_modules/.bin/esbuild");
    for script in js_files(out)? {
        let original = fs::read_to_string(&script).map_err(|e| format!("{}: {e}", script.display()))?;
        let outfile = format!("--outfile={}", path_str(&script)?);
        util::run(
            path_str(&esbuild)?,
            &[
                path_str(&script)?,
                "--minify",
                "--format=esm",
                "--target=es2022",
                "--log-level=warning",
                "--allow-overwrite",
                &outfile,
            ],
        )?;
        if let Some(pragma) = original.lines().next().filter(|line| line.starts_with("/* @ts-self-types=")) {
            let body = fs::read_to_string(&script).map_err(|e| format!("{}: {e}", script.display()))?;
            fs::write(&script, format!("{pragma}\n{body}"))
                .map_err(|e| format!("{}: {e}", script.display()))?;
        }
    }
    Ok(())
}

fn package_json(version: &str) -> String {
    format!(
        r#"{{
  "name": "sso-bridge",
  "version": "{version}",
  "description": "AWS IAM Identity Center (SSO) login in the browser: config parsing, CLI-exact cache files, SSO OIDC and portal flows, compiled from Rust to WebAssembly.",
  "license": "Apache-2.0",
  "repository": {{ "type": "git", "url": "git+https://github.com/sso-bridge/sso-bridge.git" }},
  "type": "module",
  "engines": {{ "node": ">=20" }},
  "main": "./web/sso_bridge.js",
  "module": "./web/sso_bridge.js",
  "types": "./web/sso_bridge.d.ts",
  "exports": {{
    ".": {{
      "node": {{ "types": "./node/sso_bridge.d.ts", "default": "./node/sso_bridge.js" }},
      "types": "./web/sso_bridge.d.ts",
      "default": "./web/sso_bridge.js"
    }},
    "./bundler": {{ "types": "./bundler/sso_bridge.d.ts", "default": "./bundler/sso_bridge.js" }},
    "./web/sso_bridge_bg.wasm": {{ "types": "./web/sso_bridge_bg.wasm.d.ts", "default": "./web/sso_bridge_bg.wasm" }},
    "./bundler/sso_bridge_bg.wasm": {{
      "types": "./bundler/sso_bridge_bg.wasm.d.ts",
      "default": "./bundler/sso_bridge_bg.wasm"
    }},
    "./package.json": "./package.json"
  }},
  "files": ["web/", "bundler/", "node/", "README.md", "LICENSE", "THIRD-PARTY-NOTICES.md"],
  "sideEffects": ["./bundler/sso_bridge.js", "./bundler/sso_bridge_bg.js"],
  "keywords": ["aws", "sso", "iam-identity-center", "oidc", "wasm"]
}}
"#
    )
}

/// `tsc --strict --noEmit` over `npm/usage.ts`, which calls every export of both targets.
pub fn type_check() -> Result<(), String> {
    let tools = root().join("npm");
    npm_ci(&tools)?;
    let tsc = tools.join("node_modules/.bin/tsc");
    util::run_in(&tools, path_str(&tsc)?, &["--strict", "--noEmit", "-p", "tsconfig.json"], &[])
}

/// Prints the raw and gzip sizes of the web target; returns wasm + JS glue gzip bytes.
fn report_size() -> Result<u64, String> {
    let web = pkg_dir().join("web");
    let wasm = web.join("sso_bridge_bg.wasm");
    let glue = web.join("sso_bridge.js");
    let raw = |p: &Path| fs::metadata(p).map(|m| m.len()).map_err(|e| format!("{}: {e}", p.display()));
    let (wasm_gz, glue_gz) = (gzip_size(&wasm)?, gzip_size(&glue)?);
    // The JS snippets wasm-bindgen writes for `inline_js` (snippets/…/inline0.js) load with the
    // glue: they count too.
    let mut snippets_raw = 0;
    let mut snippets_gz = 0;
    for script in js_files(&web)?.into_iter().filter(|script| *script != glue) {
        snippets_raw += raw(&script)?;
        snippets_gz += gzip_size(&script)?;
    }
    let total = wasm_gz + glue_gz + snippets_gz;
    eprintln!(
        "xtask: pkg/web size: sso_bridge_bg.wasm {} B ({wasm_gz} B gzip), sso_bridge.js {} B ({glue_gz} B \
         gzip), snippets {snippets_raw} B ({snippets_gz} B gzip); total {total} B gzip (budget \
         {SIZE_BUDGET_GZIP} B)",
        raw(&wasm)?,
        raw(&glue)?,
    );
    Ok(total)
}

/// The `.js` files under `dir`, subfolders included.
fn js_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            found.extend(js_files(&path)?);
        } else if path.extension().is_some_and(|ext| ext == "js") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

pub fn gzip_size(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("could not run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

pub fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str().ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}

/// Test step: build `pkg/` (types and size checked on the way), then run the package's node tests.
pub fn npm_package_tests() -> Result<(), String> {
    build_package()?;
    util::run("node", &["--test", "npm/test/"])?;
    consumer_tests()
}

/// The packed package in its users' toolchains (`npm/consumer/`: Vite build and dev server, webpack,
/// esbuild in Chromium; Node; publint and arethetypeswrong), with the tools pinned in its lockfile.
pub fn consumer_tests() -> Result<(), String> {
    let consumer = root().join("npm/consumer");
    npm_ci(&consumer)?;
    util::run_in(&consumer, "node", &["--test", "test/"], &[])
}

/// Test step: the wasm-bindgen-test suites of `tests-wasm/` in headless Chromium.
pub fn browser_tests() -> Result<(), String> {
    ensure_rust_target("wasm32-unknown-unknown")?;
    ensure_wasm_bindgen()?;
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_string());
    if !Path::new(&chromedriver).exists() {
        return Err(format!(
            "chromedriver not found at {chromedriver}: install Debian's chromium-driver (or set CHROMEDRIVER)"
        ));
    }
    let webdriver_json = root().join("tests-wasm/webdriver.json");
    // Two emulators: one where a person must approve (through test control), with 1,000 accounts
    // for the pagination test; one that approves every sign-in by itself. Their URLs are baked into
    // the test build (option_env!), which cargo rebuilds when they change.
    let manual = Emulator::start(&["--control", "--accounts", "1000", "--roles-per-account", "3"])?;
    let auto = Emulator::start(&["--control", "--auto-approve"])?;
    util::run_in(
        &root(),
        "cargo",
        &["test", "--locked", "-p", "sso-bridge-wasm-tests", "--target", "wasm32-unknown-unknown"],
        &[
            ("CHROMEDRIVER", &chromedriver),
            ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner"),
            ("WASM_BINDGEN_TEST_WEBDRIVER_JSON", path_str(&webdriver_json)?),
            ("WASM_BINDGEN_TEST_TIMEOUT", "120"),
            ("SSO_BRIDGE_EMULATOR_URL", &manual.base_url),
            ("SSO_BRIDGE_EMULATOR_AUTO_URL", &auto.base_url),
        ],
    )
}

/// Test step: the demo page (`www/`) in Chromium, driven by playwright-core with node's test runner.
/// Needs `pkg/` (built by the npm package step) and the emulator binary.
pub fn www_tests() -> Result<(), String> {
    if !pkg_dir().join("web/sso_bridge_bg.wasm").exists() {
        build_package()?;
    }
    util::run("cargo", &["build", "--locked", "-p", "sso-bridge-emulator"])?;
    let www = root().join("www");
    npm_ci(&www)?;
    let emulator = target_dir().join("debug/sso-bridge-emulator");
    util::run_in(&www, "node", &["--test", "test/"], &[("SSO_BRIDGE_EMULATOR_BIN", path_str(&emulator)?)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_replaced_whole() {
        let glue = "x.__wbg_a_1(); __wbg_a_12; y__wbg_a_1; __wbg_a_1:function";
        assert_eq!(
            replace_identifier(glue, "__wbg_a_1", "_0"),
            "x._0(); __wbg_a_12; y__wbg_a_1; _0:function"
        );
    }

    #[test]
    fn binaryen_name_mapping_is_read() {
        let mapping = "{\n \"imports\": [\n  [\"./sso_bridge_bg.js\", \"__wbg_now_463a\", \"A\"],\n  \
                       [\"./snippets/x/inline0.js\", \"ssoBridgeSleep\", \"b\"]\n ],\n\"exports\": [\n  \
                       [\"memory\", \"S\"],\n  [\"version\", \"$\"]\n ]\n}\n";
        let (imports, exports) = parse_minified_names(mapping).unwrap();
        assert_eq!(
            imports,
            [
                ("./sso_bridge_bg.js".into(), "__wbg_now_463a".into(), "A".into()),
                ("./snippets/x/inline0.js".into(), "ssoBridgeSleep".into(), "b".into()),
            ]
        );
        assert_eq!(exports, [("memory".into(), "S".into()), ("version".into(), "$".into())]);
        assert!(parse_minified_names("{}").is_err(), "no exports: the format changed");
        assert!(parse_minified_names("[\"a\", \"b\", \"c\", \"d\"]").is_err());
    }

    #[test]
    fn the_glue_import_object_is_merged_under_the_minified_names() {
        let glue = "import * as import1 from \"./snippets/x/inline0.js\"\n\
                    function __wbg_get_imports() {\n    const import0 = {\n        __proto__: null,\n        \
                    __wbg_now_463a: function() { return Date.now(); },\n    };\n    return {\n        \
                    __proto__: null,\n        \"./sso_bridge_bg.js\": import0,\n        \
                    \"./snippets/x/inline0.js\": import1,\n    };\n}\n";
        let imports = [
            ("./sso_bridge_bg.js".to_owned(), "__wbg_now_463a".to_owned(), "A".to_owned()),
            ("./snippets/x/inline0.js".to_owned(), "ssoBridgeSleep".to_owned(), "b".to_owned()),
        ];
        let merged = rename_glue_imports(glue, &imports).unwrap();
        assert!(merged.contains("A: function() { return Date.now(); }"), "{merged}");
        assert!(
            merged.contains(
                "return { __proto__: null, \"a\": Object.assign(import0, { b: import1.ssoBridgeSleep, }) };"
            ),
            "{merged}"
        );
        assert!(!merged.contains("__wbg_now_463a"));
        assert!(rename_glue_imports("no import object here", &imports[..1]).is_err());
    }
}
