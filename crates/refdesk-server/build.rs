//! Builds the web UI (web/, TypeScript bundled by esbuild) into web/dist, which `src/assets.rs`
//! embeds with rust-embed. Runs `npm ci` when web/node_modules is missing, then `npm run build`,
//! and only when the web sources change. `REFDESK_SKIP_WEB_BUILD=1` skips it: the binary then
//! serves a "web UI not built" page instead of the chat box and the dashboard.

use std::path::{Path, PathBuf};
use std::process::Command;

const HINT: &str = "refdesk needs Node.js >= 18 and npm to build its web assets: \
                    apt-get install nodejs npm (or set REFDESK_SKIP_WEB_BUILD=1 to build without \
                    the web UI)";

fn main() {
    println!("cargo:rerun-if-env-changed=REFDESK_SKIP_WEB_BUILD");
    if std::env::var_os("REFDESK_SKIP_WEB_BUILD").is_some_and(|v| !v.is_empty() && v != "0") {
        return;
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("../../web");
    for input in [
        "src",
        "package.json",
        "package-lock.json",
        "build.mjs",
        "tsconfig.json",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }

    // Not watched: web/dist itself (the build writes it, so watching it would rerun every time).
    // After deleting it, touch web/build.mjs or run `npm run build` in web/.
    check_node();
    if !web.join("node_modules").is_dir() {
        run(&web, &["ci", "--no-audit", "--no-fund"]);
    }
    run(&web, &["run", "build"]);
}

fn check_node() {
    let version = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let Some(version) = version else {
        fail(&format!("Node.js was not found. {HINT}"))
    };
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 18 {
        fail(&format!(
            "found Node.js {version}, which is too old. {HINT}"
        ));
    }
    let npm = Command::new("npm").arg("--version").output();
    if !npm.is_ok_and(|o| o.status.success()) {
        fail(&format!("npm was not found. {HINT}"));
    }
}

fn run(web: &Path, args: &[&str]) {
    let status = Command::new("npm").args(args).current_dir(web).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => fail(&format!(
            "`npm {}` in {} failed ({s}); see its output above",
            args.join(" "),
            web.display()
        )),
        Err(e) => fail(&format!("could not run npm ({e}). {HINT}")),
    }
}

fn fail(message: &str) -> ! {
    // `cargo:warning` shows even when cargo hides the build script's other output.
    println!("cargo:warning={message}");
    eprintln!("error: {message}");
    std::process::exit(1);
}
