//! Files destined for a sandbox and the tar stream that carries them in.

use std::path::{Component, Path};

use crate::SandboxError;

/// Longest relative path accepted for a file placed in a sandbox.
pub const MAX_PATH_LEN: usize = 255;

/// One regular file to place in the sandbox's work directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxFile {
    /// Relative path below the work directory, `/`-separated, already validated.
    path: String,
    /// File contents.
    pub contents: Vec<u8>,
    /// Whether the file gets execute permission.
    pub executable: bool,
}

impl SandboxFile {
    /// A non-executable file.
    ///
    /// # Panics
    /// When `path` is not a safe relative path; callers holding untrusted paths use
    /// [`SandboxFile::try_new`].
    pub fn new(path: &str, contents: Vec<u8>) -> Self {
        Self::try_new(path, contents).expect("a safe relative path")
    }

    /// A file at `path`, refused unless the path is relative and stays below the work directory.
    pub fn try_new(path: &str, contents: Vec<u8>) -> Result<Self, String> {
        validate_relative_path(path)?;
        Ok(SandboxFile {
            path: path.to_owned(),
            contents,
            executable: false,
        })
    }

    /// The file with execute permission set.
    pub fn executable(mut self, executable: bool) -> Self {
        self.executable = executable;
        self
    }

    /// The relative path of the file.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Checks that `path` is a plain relative path that cannot escape the directory it is joined to:
/// no absolute paths, no `..`, no empty or `.` components, no NUL or backslash.
pub fn validate_relative_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("an empty path".into());
    }
    if path.len() > MAX_PATH_LEN {
        return Err(format!("a path longer than {MAX_PATH_LEN} bytes"));
    }
    if path.contains('\0') || path.contains('\\') {
        return Err(format!("`{path}` contains a NUL byte or a backslash"));
    }
    if path.starts_with('/') {
        return Err(format!("`{path}` is absolute; paths must be relative"));
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." {
            return Err(format!("`{path}` has an empty or `.` component"));
        }
    }
    if Path::new(path)
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(format!("`{path}` leaves its directory (`..`)"));
    }
    Ok(())
}

/// Packs files into an uncompressed tar archive (blocking; call from `spawn_blocking`).
/// Read-only files get no write permission for anyone.
pub(crate) fn pack(files: &[SandboxFile], read_only: bool) -> Result<Vec<u8>, SandboxError> {
    let io = |source| SandboxError::Io {
        context: "packing files for the sandbox".into(),
        source,
    };
    let mut builder = tar::Builder::new(Vec::new());
    for file in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(file.contents.len() as u64);
        let mode = if file.executable { 0o755 } else { 0o644 };
        header.set_mode(if read_only { mode & 0o555 } else { mode });
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mtime(0);
        builder
            .append_data(&mut header, &file.path, file.contents.as_slice())
            .map_err(io)?;
    }
    builder.into_inner().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_relative_paths() {
        for ok in ["a.js", "harness/0-main.js", "x/y/z.txt", "..hidden", "a..b"] {
            assert_eq!(validate_relative_path(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_paths_that_escape() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/.",
            "a\\b",
            "a\0b",
            "a/",
        ] {
            assert!(validate_relative_path(bad).is_err(), "{bad:?} accepted");
        }
        assert!(validate_relative_path(&"a".repeat(MAX_PATH_LEN + 1)).is_err());
    }

    #[test]
    fn packs_files_with_modes() {
        let files = [
            SandboxFile::new("a.sh", b"echo hi".to_vec()).executable(true),
            SandboxFile::new("d/b.txt", b"b".to_vec()),
        ];
        let bytes = pack(&files, false).unwrap();
        let mut archive = tar::Archive::new(bytes.as_slice());
        let entries: Vec<(String, u32, u64)> = archive
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let path = e.path().unwrap().to_string_lossy().into_owned();
                (path, e.header().mode().unwrap(), e.size())
            })
            .collect();
        assert_eq!(
            entries,
            vec![("a.sh".into(), 0o755, 7), ("d/b.txt".into(), 0o644, 1)]
        );
        let read_only = pack(&files, true).unwrap();
        let modes: Vec<u32> = tar::Archive::new(read_only.as_slice())
            .entries()
            .unwrap()
            .map(|e| e.unwrap().header().mode().unwrap())
            .collect();
        assert_eq!(modes, vec![0o555, 0o444]);
    }
}
