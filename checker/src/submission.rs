//! A learner's files for one project: exactly the files the spec names (and the optional ones
//! its `extra_files` globs accept), read safely.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::spec::Project;

/// Largest learner file accepted.
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Why a file the spec names is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Not there.
    Missing,
    /// A folder where a file is expected.
    NotAFile,
    /// A symbolic link (never followed: it could point anywhere on the grading host).
    Symlink,
    /// Larger than [`MAX_FILE_SIZE`].
    TooLarge(u64),
    /// Could not be read.
    Unreadable(String),
}

impl FileProblem {
    /// What is wrong, after the file's name: "was not found", "is a symbolic link", ...
    pub fn reason(&self) -> String {
        match self {
            FileProblem::Missing => "was not found".into(),
            FileProblem::NotAFile => "is not a regular file (a folder, a pipe or a device)".into(),
            FileProblem::Symlink => "is a symbolic link or lies behind one".into(),
            FileProblem::TooLarge(size) => format!("is {size} bytes, more than allowed"),
            FileProblem::Unreadable(why) => format!("could not be read: {why}"),
        }
    }

    /// A sentence for the learner about their file `path`.
    pub fn describe(&self, path: &str) -> String {
        match self {
            FileProblem::Missing => format!("`{path}` was not found in the submission"),
            FileProblem::Symlink => {
                format!("`{path}` is a symbolic link; submit the file itself")
            }
            FileProblem::TooLarge(size) => {
                format!("`{path}` is {size} bytes, more than the {MAX_FILE_SIZE} bytes allowed")
            }
            other => format!("`{path}` {}", other.reason()),
        }
    }
}

/// The submission could not be read at all (bad input, exit code 2).
#[derive(Debug, Error)]
pub enum SubmissionError {
    /// The folder does not exist or is not a folder.
    #[error("submission folder {0} does not exist or is not a folder")]
    NotADirectory(PathBuf),
}

/// One learner file: its contents and whether it has its executable bit, the only part of
/// its mode that is kept (every path a file takes keeps it: folder, upload, git, storage).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearnerFile {
    /// File contents.
    pub contents: Vec<u8>,
    /// The owner's execute bit was set (mode 0755 or git's 100755).
    pub executable: bool,
}

impl LearnerFile {
    /// A file that is not executable.
    pub fn new(contents: impl Into<Vec<u8>>) -> Self {
        LearnerFile {
            contents: contents.into(),
            executable: false,
        }
    }

    /// The file with its executable bit as given.
    pub fn executable(mut self, executable: bool) -> Self {
        self.executable = executable;
        self
    }
}

/// The files of a submission that a project's spec names or accepts; nothing else is ever read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Submission {
    files: BTreeMap<String, Result<LearnerFile, FileProblem>>,
    /// Optional files the spec's `extra_files` accepts (see [`crate::extra_files`]).
    extras: BTreeMap<String, LearnerFile>,
    /// Why files matching `extra_files` were left out.
    left_out: Vec<String>,
}

impl Submission {
    /// Reads the project's learner files from folder `dir`. Files the spec does not name
    /// (`node_modules/`, backups, editor folders) are never touched.
    pub fn from_dir(dir: &Path, project: &Project) -> Result<Submission, SubmissionError> {
        if !dir.is_dir() {
            return Err(SubmissionError::NotADirectory(dir.to_owned()));
        }
        let root = dir
            .canonicalize()
            .map_err(|_| SubmissionError::NotADirectory(dir.to_owned()))?;
        let named = project.learner_files();
        let files = named
            .iter()
            .map(|path| ((*path).to_owned(), read_learner_file(&root, path)))
            .collect();
        let extras = project.extra_files.read_dir(&root, &named);
        Ok(Submission {
            files,
            extras: extras.files,
            left_out: extras.left_out,
        })
    }

    /// The project's `folder` in `dir` when `dir` is the root of a repository rather than the
    /// project's own folder: it holds none of the project's files, and `dir/<folder>` is a
    /// folder. `None`: the files are graded in `dir` itself.
    pub fn repository_folder(dir: &Path, project: &Project) -> Option<PathBuf> {
        let folder = project.folder.as_deref()?;
        let holds_any = project
            .learner_files()
            .iter()
            .any(|path| dir.join(path).symlink_metadata().is_ok());
        let inside = dir.join(folder);
        // A link could lead anywhere on the host; only a real folder is taken.
        let is_folder = inside.symlink_metadata().is_ok_and(|m| m.is_dir());
        (!holds_any && is_folder).then_some(inside)
    }

    /// A submission from files already in memory (an unpacked upload), keyed by relative
    /// path. Like [`Submission::from_dir`], it keeps only the files the project names or
    /// accepts.
    pub fn from_files(mut files: BTreeMap<String, LearnerFile>, project: &Project) -> Submission {
        let named = project.learner_files();
        let named_files = named
            .iter()
            .copied()
            .filter_map(|path| {
                let file = files.remove(path)?;
                let size = file.contents.len() as u64;
                let file = if size > MAX_FILE_SIZE {
                    Err(FileProblem::TooLarge(size))
                } else {
                    Ok(file)
                };
                Some((path.to_owned(), file))
            })
            .collect();
        let extras = project.extra_files.select(files, &named);
        Submission {
            files: named_files,
            extras: extras.files,
            left_out: extras.left_out,
        }
    }

    /// Why files that `extra_files` accepts were left out (a link, over a bound), one sentence
    /// each.
    pub fn left_out(&self) -> &[String] {
        &self.left_out
    }

    /// The contents of `path`, or why it can't be used.
    pub fn file(&self, path: &str) -> Result<&[u8], FileProblem> {
        self.learner_file(path).map(|file| file.contents.as_slice())
    }

    /// `path` with its mode, or why it can't be used.
    pub fn learner_file(&self, path: &str) -> Result<&LearnerFile, FileProblem> {
        match self.files.get(path) {
            Some(Ok(file)) => Ok(file),
            Some(Err(problem)) => Err(problem.clone()),
            None => Err(FileProblem::Missing),
        }
    }

    /// Every usable file, by relative path: the named ones, then the extra ones.
    pub fn present(&self) -> impl Iterator<Item = (&str, &LearnerFile)> {
        self.files
            .iter()
            .filter_map(|(path, file)| Some((path.as_str(), file.as_ref().ok()?)))
            .chain(self.extras.iter().map(|(path, file)| (path.as_str(), file)))
    }
}

/// [`read_file`] with the file's executable bit (the owner's).
pub fn read_learner_file(root: &Path, relative: &str) -> Result<LearnerFile, FileProblem> {
    use std::os::unix::fs::PermissionsExt;
    let contents = read_file(root, relative)?;
    // read_file refused every link on the way, so this is the file that was read.
    let mode = std::fs::symlink_metadata(root.join(relative))
        .map_err(|e| FileProblem::Unreadable(e.to_string()))?
        .permissions()
        .mode();
    Ok(LearnerFile::new(contents).executable(mode & 0o100 != 0))
}

/// Reads one file below `root` without following symbolic links anywhere on its path, and
/// only when it is a regular file of at most [`MAX_FILE_SIZE`].
pub fn read_file(root: &Path, relative: &str) -> Result<Vec<u8>, FileProblem> {
    read_file_within(root, relative, MAX_FILE_SIZE)
}

/// [`read_file`] with its own size bound.
pub(crate) fn read_file_within(
    root: &Path,
    relative: &str,
    max_size: u64,
) -> Result<Vec<u8>, FileProblem> {
    let mut current = root.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        current.push(part);
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(FileProblem::Missing),
            Err(e) => return Err(FileProblem::Unreadable(e.to_string())),
        };
        if meta.file_type().is_symlink() {
            return Err(FileProblem::Symlink);
        }
        let last = i + 1 == parts.len();
        if last && !meta.is_file() {
            return Err(FileProblem::NotAFile);
        }
        if !last && !meta.is_dir() {
            return Err(FileProblem::Missing);
        }
        if last && meta.len() > max_size {
            return Err(FileProblem::TooLarge(meta.len()));
        }
    }
    std::fs::read(&current).map_err(|e| FileProblem::Unreadable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_refuses_links_folders_and_giants() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.js"), "ok").unwrap();
        std::fs::create_dir(root.join("folder.js")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("link.js")).unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        std::fs::write(root.join("real/x.js"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("sub")).unwrap();
        std::fs::write(root.join("big.js"), vec![b'x'; MAX_FILE_SIZE as usize + 1]).unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(read_file(&root, "a.js"), Ok(b"ok".to_vec()));
        assert_eq!(read_file(&root, "nope.js"), Err(FileProblem::Missing));
        assert_eq!(read_file(&root, "folder.js"), Err(FileProblem::NotAFile));
        assert_eq!(read_file(&root, "link.js"), Err(FileProblem::Symlink));
        assert_eq!(read_file(&root, "sub/x.js"), Err(FileProblem::Symlink));
        assert_eq!(read_file(&root, "real/x.js"), Ok(b"x".to_vec()));
        assert_eq!(
            read_file(&root, "big.js"),
            Err(FileProblem::TooLarge(MAX_FILE_SIZE + 1))
        );
        assert_eq!(read_file(&root, "a.js/x"), Err(FileProblem::Missing));
    }

    #[test]
    fn a_folder_keeps_the_executable_bit() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("run.py"), "#!/usr/bin/python3\n").unwrap();
        std::fs::write(root.join("lib.py"), "x = 1\n").unwrap();
        std::fs::set_permissions(root.join("run.py"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        std::fs::set_permissions(root.join("lib.py"), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        assert!(read_learner_file(root, "run.py").unwrap().executable);
        assert!(!read_learner_file(root, "lib.py").unwrap().executable);
        assert_eq!(
            read_learner_file(root, "nope.py"),
            Err(FileProblem::Missing)
        );
    }

    #[test]
    fn uploaded_files_keep_only_what_the_spec_names() {
        let project = crate::spec::Project::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tasks/es6-data-manipulation"),
        )
        .unwrap();
        let files = BTreeMap::from([
            (
                "0-get_list_students.js".to_owned(),
                LearnerFile::new("ok").executable(true),
            ),
            (
                "node_modules/x/index.js".to_owned(),
                LearnerFile::new("junk"),
            ),
            (
                "6-set.js".to_owned(),
                LearnerFile::new(vec![b'x'; MAX_FILE_SIZE as usize + 1]),
            ),
        ]);
        let submission = Submission::from_files(files, &project);
        let present: Vec<&str> = submission.present().map(|(path, _)| path).collect();
        assert_eq!(present, ["0-get_list_students.js"]);
        assert!(
            submission
                .learner_file("0-get_list_students.js")
                .unwrap()
                .executable
        );
        assert_eq!(
            submission.file("6-set.js"),
            Err(FileProblem::TooLarge(MAX_FILE_SIZE + 1))
        );
        assert_eq!(submission.file("8-clean_set.js"), Err(FileProblem::Missing));
    }

    #[test]
    fn uploaded_files_keep_the_extra_files_the_globs_accept() {
        let project = crate::spec::Project::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tasks/0x02-Session_authentication"),
        )
        .unwrap();
        let files = BTreeMap::from([
            ("api/v1/app.py".to_owned(), LearnerFile::new("app")),
            ("api/v1/auth/helpers.py".to_owned(), LearnerFile::new("h")),
            ("config.py".to_owned(), LearnerFile::new("c")),
            // A grader file's name and files outside the globs are never taken.
            ("seed_users.py".to_owned(), LearnerFile::new("x")),
            ("api/v1/notes.md".to_owned(), LearnerFile::new("n")),
            ("node_modules/x.py".to_owned(), LearnerFile::new("j")),
        ]);
        let submission = Submission::from_files(files, &project);
        let present: Vec<&str> = submission.present().map(|(path, _)| path).collect();
        assert_eq!(
            present,
            ["api/v1/app.py", "api/v1/auth/helpers.py", "config.py"]
        );
        assert_eq!(
            submission.file("api/v1/auth/helpers.py"),
            Err(FileProblem::Missing),
            "an extra file is no named file"
        );
    }
}
