//! Building runtime and service images offline: a Debian root file system made with
//! `mmdebstrap` from Debian's packages, imported with `docker import`. No registry is needed.

use std::time::{Duration, Instant};

use thiserror::Error;
use tokio::process::Command;

use crate::grading::{GradeError, Grader};
use crate::runtime::{DEBIAN_SUITE, Runtime, Wheel};
use crate::services::{ImageFile, Service};

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

/// Python run in the image being built: unpacks the wheel named by its argument into the
/// site-packages directory (`/usr/local/lib/python3.X/dist-packages` on Debian) and compiles it.
const UNPACK_WHEEL: &str = "import compileall, site, sys, zipfile; \
    target = site.getsitepackages()[0]; \
    names = zipfile.ZipFile(sys.argv[1]).namelist(); \
    zipfile.ZipFile(sys.argv[1]).extractall(target); \
    [compileall.compile_file(target + \"/\" + n, quiet=1) for n in names if n.endswith(\".py\")]";

/// mmdebstrap's hook that sets up merged /usr itself.
const MERGED_USR_HOOK: &str = "/usr/share/mmdebstrap/hooks/merged-usr";

/// Label holding the hash of the recipe an image was built from (see [`recipe_hash`]).
pub const RECIPE_LABEL: &str = "org.checker.recipe";

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
    /// A wheel could not be downloaded from PyPI.
    #[error("cannot download {url}: {why}")]
    Download {
        /// Where from.
        url: String,
        /// What went wrong.
        why: String,
    },
    /// A downloaded wheel is not the pinned one.
    #[error("{file} has SHA-256 {actual}, expected {expected}; refusing to build with it")]
    HashMismatch {
        /// The wheel's file name.
        file: String,
        /// The pinned hash.
        expected: String,
        /// The hash of what was downloaded.
        actual: String,
    },
    /// Docker refused the import, or cannot be reached.
    #[error(transparent)]
    Platform(#[from] GradeError),
    /// A temporary folder could not be made.
    #[error("cannot create a temporary folder: {0}")]
    Io(#[from] std::io::Error),
}

/// Everything one image is built from: a runtime's or a service's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipe {
    /// Name in specs (`python`, `mariadb`).
    pub name: &'static str,
    /// Local image reference.
    pub image: &'static str,
    /// Debian packages installed on top of the essential base system.
    pub packages: &'static [&'static str],
    /// Wheels unpacked into the image's site-packages.
    pub wheels: &'static [Wheel],
    /// Files placed in the image after the packages.
    pub files: &'static [ImageFile],
    /// Shell script run inside the image once packages and files are in, or empty.
    pub setup: &'static str,
    /// The image's command.
    pub command: &'static [&'static str],
    /// `runtime` or `service`: the image's `org.checker.<kind>` label names it.
    pub kind: &'static str,
    /// What it holds, for messages.
    pub description: &'static str,
}

impl From<&Runtime> for Recipe {
    fn from(runtime: &Runtime) -> Self {
        Recipe {
            name: runtime.name,
            image: runtime.image,
            packages: runtime.packages,
            wheels: runtime.wheels,
            files: runtime.files,
            setup: runtime.setup,
            command: &["sleep", "infinity"],
            kind: "runtime",
            description: runtime.description,
        }
    }
}

impl From<&Service> for Recipe {
    fn from(service: &Service) -> Self {
        Recipe {
            name: service.name,
            image: service.image,
            packages: service.packages,
            wheels: &[],
            files: service.files,
            setup: service.setup,
            command: service.command,
            kind: "service",
            description: service.description,
        }
    }
}

/// Every image `checker images build` makes: the runtimes, then the services.
pub fn all_recipes() -> Vec<Recipe> {
    crate::runtime::RUNTIMES
        .iter()
        .map(Recipe::from)
        .chain(crate::services::SERVICES.iter().map(Recipe::from))
        .collect()
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

/// Whether a runtime's image is there and built from the current recipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageState {
    /// No image with that tag.
    Missing,
    /// Built from another recipe (older packages or wheels): `images build` rebuilds it.
    Stale {
        /// Image size in bytes.
        size: u64,
    },
    /// Built from the current recipe.
    Current {
        /// Image size in bytes.
        size: u64,
    },
}

/// The state of `runtime`'s image on the Docker host.
pub async fn state(grader: &Grader, runtime: &Recipe) -> Result<ImageState, GradeError> {
    let engine = grader.engine();
    let Some(size) = engine.image_size(runtime.image).await? else {
        return Ok(ImageState::Missing);
    };
    let label = engine.image_label(runtime.image, RECIPE_LABEL).await?;
    Ok(if label.as_deref() == Some(recipe_hash(runtime).as_str()) {
        ImageState::Current { size }
    } else {
        ImageState::Stale { size }
    })
}

/// A hash of everything an image is built from (suite, packages, wheels, exclusions, files,
/// setup and command), stored in the image's [`RECIPE_LABEL`] so that an image built from an
/// older recipe is noticed.
pub fn recipe_hash(runtime: &Recipe) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut part = |text: &str| {
        hasher.update(text.as_bytes());
        hasher.update([0]);
    };
    part(DEBIAN_SUITE);
    for package in runtime.packages {
        part(package);
    }
    part("wheels");
    for wheel in runtime.wheels {
        part(wheel.name);
        part(wheel.version);
        part(wheel.sha256);
    }
    part("excluded");
    for path in EXCLUDED_PATHS {
        part(path);
    }
    // Runtimes have none of these: their hashes stay what they were before services existed.
    if !runtime.files.is_empty() || !runtime.setup.is_empty() {
        part("files");
        for file in runtime.files {
            part(file.path);
            part(file.contents);
            part(&format!("{:o}", file.mode));
        }
        part("setup");
        part(runtime.setup);
        part("command");
        for arg in runtime.command {
            part(arg);
        }
    }
    let digest = hasher.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Downloads `wheel` into `dir` with the host's curl and checks its hash.
async fn download(wheel: &Wheel, dir: &std::path::Path) -> Result<std::path::PathBuf, ImageError> {
    use sha2::{Digest, Sha256};
    let path = dir.join(wheel.file_name());
    let failed = |why: String| ImageError::Download {
        url: wheel.url.to_owned(),
        why,
    };
    let output = Command::new("curl")
        .args([
            "--fail",
            "--silent",
            "--show-error",
            "--location",
            "--retry",
            "3",
        ])
        .args(["--max-time", "120", "--output"])
        .arg(&path)
        .arg(wheel.url)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| failed(format!("cannot run curl: {e}")))?;
    if !output.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        ));
    }
    let bytes = tokio::fs::read(&path).await?;
    let actual: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if actual != wheel.sha256 {
        return Err(ImageError::HashMismatch {
            file: wheel.file_name().to_owned(),
            expected: wheel.sha256.to_owned(),
            actual,
        });
    }
    Ok(path)
}

/// Builds the image of `runtime` unless it exists from the current recipe (or `force`), and
/// returns what happened.
pub async fn build(
    grader: &Grader,
    runtime: &Recipe,
    force: bool,
) -> Result<BuildOutcome, ImageError> {
    let started = Instant::now();
    let engine = grader.engine();
    let platform = |e: sandbox::SandboxError| ImageError::Platform(e.into());
    if !force && matches!(state(grader, runtime).await?, ImageState::Current { .. }) {
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
    let mut wheels = Vec::new();
    for wheel in runtime.wheels {
        wheels.push(download(wheel, scratch.path()).await?);
    }
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
    // Wheels are zip files: unpacked into the image's site-packages by its own Python, then
    // compiled, since the sandbox's root file system is read-only.
    for wheel in &wheels {
        let name = wheel
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("wheel.whl");
        command.arg(format!("--customize-hook=copy-in {} /tmp", wheel.display()));
        command.arg(format!(
            "--customize-hook=chroot \"$1\" python3 -I -c '{UNPACK_WHEEL}' /tmp/{name} \
             && rm \"$1/tmp/{name}\""
        ));
    }
    // A service's files, then its setup, run inside the new root file system.
    for (index, file) in runtime.files.iter().enumerate() {
        let local = scratch.path().join(format!("file-{index}"));
        std::fs::write(&local, file.contents)?;
        let target = format!("\"$1\"{}", sandbox::shell_quote(file.path));
        command.arg(format!(
            "--customize-hook=mkdir -p \"$(dirname {target})\" && cp {} {target} && chmod {:o} {target}",
            sandbox::shell_quote(&local.to_string_lossy()),
            file.mode
        ));
    }
    if !runtime.setup.is_empty() {
        let local = scratch.path().join("setup");
        std::fs::write(&local, runtime.setup)?;
        command.arg(format!(
            "--customize-hook=cp {} \"$1/tmp/checker-setup\" && chroot \"$1\" /bin/sh /tmp/checker-setup && rm \"$1/tmp/checker-setup\"",
            sandbox::shell_quote(&local.to_string_lossy())
        ));
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
    let command = serde_json::to_string(runtime.command).expect("strings serialize");
    let changes = vec![
        format!("CMD {command}"),
        "ENV PATH=/usr/local/bin:/usr/bin:/bin".to_owned(),
        format!("LABEL org.checker.{}={}", runtime.kind, runtime.name),
        format!("LABEL {RECIPE_LABEL}={}", recipe_hash(runtime)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{RUNTIMES, find};

    /// The label changes with what an image holds, so an image of an older recipe is noticed.
    #[test]
    fn the_recipe_hash_follows_packages_and_wheels() {
        let python = Recipe::from(find("python").unwrap());
        assert_eq!(recipe_hash(&python), recipe_hash(&python));
        assert_eq!(recipe_hash(&python).len(), 16);
        let older = Recipe {
            packages: &["python3"],
            wheels: &[],
            ..python
        };
        assert_ne!(recipe_hash(&older), recipe_hash(&python));
        let other_wheel = Recipe {
            wheels: &python.wheels[..1],
            ..python
        };
        assert_ne!(recipe_hash(&other_wheel), recipe_hash(&python));
        assert_ne!(
            recipe_hash(&(&RUNTIMES[0]).into()),
            recipe_hash(&(&RUNTIMES[1]).into())
        );
        let mariadb = Recipe::from(crate::services::find("mariadb").unwrap());
        let other_setup = Recipe {
            setup: "true",
            ..mariadb
        };
        assert_ne!(recipe_hash(&other_setup), recipe_hash(&mariadb));
        assert_eq!(
            python.wheels[0].file_name(),
            "pycodestyle-2.5.0-py2.py3-none-any.whl"
        );
    }
}
