//! Building runtime images offline: a Debian root file system made with `mmdebstrap` from
//! Debian's packages, imported with `docker import`. No registry is needed.

use std::time::{Duration, Instant};

use thiserror::Error;
use tokio::process::Command;

use crate::grading::{GradeError, Grader};
use crate::runtime::{DEBIAN_SUITE, Runtime};

/// Debian mirror used when `CHECKER_DEBIAN_MIRROR` is not set.
pub const DEFAULT_MIRROR: &str = "http://deb.debian.org/debian";

/// Paths left out of runtime images: documentation and translations nobody reads in a sandbox.
const EXCLUDED_PATHS: &[&str] = &[
    "/usr/share/doc/*",
    "/usr/share/man/*",
    "/usr/share/info/*",
    "/usr/share/locale/*",
    "/usr/share/lintian/*",
];

/// mmdebstrap's hook that sets up merged /usr itself.
const MERGED_USR_HOOK: &str = "/usr/share/mmdebstrap/hooks/merged-usr";

/// Why an image could not be built.
#[derive(Debug, Error)]
pub enum ImageError {
    /// `mmdebstrap` is not installed.
    #[error(
        "mmdebstrap is not installed; install it (e.g. `apt-get install mmdebstrap`) and try again"
    )]
    NoMmdebstrap,
    /// `mmdebstrap` ran and failed.
    #[error("mmdebstrap failed for {image}:\n{log}")]
    Bootstrap {
        /// The image being built.
        image: String,
        /// The end of mmdebstrap's output.
        log: String,
    },
    /// Docker refused the import, or cannot be reached.
    #[error(transparent)]
    Platform(#[from] GradeError),
    /// A temporary folder could not be made.
    #[error("cannot create a temporary folder: {0}")]
    Io(#[from] std::io::Error),
}

/// What building one image did.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildOutcome {
    /// Image reference.
    pub image: String,
    /// It already existed and was left alone.
    pub skipped: bool,
    /// Time spent.
    pub duration: Duration,
    /// Image size in bytes.
    pub size: Option<u64>,
}

/// Builds the image of `runtime` unless it exists (or `force`), and returns what happened.
pub async fn build(
    grader: &Grader,
    runtime: &Runtime,
    force: bool,
) -> Result<BuildOutcome, ImageError> {
    let started = Instant::now();
    let engine = grader.engine();
    let platform = |e: sandbox::SandboxError| ImageError::Platform(e.into());
    if !force && engine.image_exists(runtime.image).await.map_err(platform)? {
        return Ok(BuildOutcome {
            image: runtime.image.to_owned(),
            skipped: true,
            duration: started.elapsed(),
            size: engine.image_size(runtime.image).await.map_err(platform)?,
        });
    }
    let scratch = tempfile::Builder::new()
        .prefix("checker-image-")
        .tempdir()?;
    let rootfs = scratch.path().join("rootfs.tar");
    let mirror =
        std::env::var("CHECKER_DEBIAN_MIRROR").unwrap_or_else(|_| DEFAULT_MIRROR.to_owned());
    let mut command = Command::new("mmdebstrap");
    command
        .arg("--variant=essential")
        .arg(format!("--include={}", runtime.packages.join(",")))
        .arg("--quiet");
    for path in EXCLUDED_PATHS {
        command.arg(format!("--dpkgopt=path-exclude={path}"));
    }
    // Merged /usr without the usrmerge package, which would pull in all of Perl (about 50 MB).
    if std::path::Path::new(MERGED_USR_HOOK).is_dir() {
        command.arg(format!("--hook-dir={MERGED_USR_HOOK}"));
    }
    command
        .arg(DEBIAN_SUITE)
        .arg(&rootfs)
        .arg(&mirror)
        .kill_on_drop(true);
    let output = match command.output().await {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ImageError::NoMmdebstrap),
        Err(e) => return Err(e.into()),
    };
    if !output.status.success() {
        let log = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        return Err(ImageError::Bootstrap {
            image: runtime.image.to_owned(),
            log: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        });
    }
    let changes = vec![
        r#"CMD ["sleep", "infinity"]"#.to_owned(),
        "ENV PATH=/usr/local/bin:/usr/bin:/bin".to_owned(),
        format!("LABEL org.checker.runtime={}", runtime.name),
    ];
    engine
        .import_image(&rootfs, runtime.image, &changes)
        .await
        .map_err(platform)?;
    Ok(BuildOutcome {
        image: runtime.image.to_owned(),
        skipped: false,
        duration: started.elapsed(),
        size: engine.image_size(runtime.image).await.map_err(platform)?,
    })
}
