//! Builds the in-container runner (`runner/main.rs`) as a static executable that
//! `src/runner.rs` embeds and copies into each sandbox: static, so that it runs in any image.
//! Needs the C library's static archive (Debian: `libc6-dev`), as any `crt-static` build does.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=runner/main.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    let status = Command::new(rustc)
        .args(["--edition", "2024", "--crate-name", "checker_runner"])
        .args([
            "-C",
            "opt-level=s",
            "-C",
            "panic=abort",
            "-C",
            "strip=symbols",
        ])
        .args(["-C", "target-feature=+crt-static", "--target", &target])
        .arg("-o")
        .arg(out.join("checker-runner"))
        .arg("runner/main.rs")
        .status()
        .expect("rustc starts");
    assert!(status.success(), "building the sandbox runner failed");
}
