//! Optional learner files a spec accepts by glob (`extra_files:`): modules of the learner's own
//! that the named files import (`api/v1/auth/helpers.py`), which no task asks for by name.
//!
//! They are taken wherever a submission's files are collected (a folder, an upload, a commit),
//! bounded in count and size, never through a symbolic link, and never under the name of a
//! grader file. A missing or refused extra file costs no check by itself: it is optional.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::submission::{FileProblem, LearnerFile, MAX_FILE_SIZE, read_learner_file};

/// Most extra files taken from one submission.
pub const MAX_EXTRA_FILES: usize = 100;
/// Most bytes of extra files, together, taken from one submission.
pub const MAX_EXTRA_BYTES: u64 = 4 * 1024 * 1024;
/// Most globs a spec may list.
pub const MAX_PATTERNS: usize = 32;
/// Most folder entries looked at while searching a folder for extra files.
const MAX_WALKED: usize = 20_000;

/// The globs of a project's `extra_files`, checked and compiled.
#[derive(Debug, Clone, Default)]
pub struct ExtraFiles {
    patterns: Vec<String>,
    set: GlobSet,
    /// Names of grader files: an extra file never takes their place.
    reserved: BTreeSet<String>,
}

/// Extra files found in a submission, and the ones left out with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    /// Taken, by relative path.
    pub files: BTreeMap<String, LearnerFile>,
    /// Sentences about files that matched but were left out (links, over a bound).
    pub left_out: Vec<String>,
}

impl ExtraFiles {
    /// Compiles `patterns` (relative paths with `*`, `?`, `[...]`, `{a,b}` and `**`; `*`
    /// stays inside one folder). The error names the pattern's index and what is wrong.
    pub fn new(patterns: &[String]) -> Result<ExtraFiles, (usize, String)> {
        if patterns.len() > MAX_PATTERNS {
            return Err((MAX_PATTERNS, format!("more than {MAX_PATTERNS} patterns")));
        }
        let mut builder = GlobSetBuilder::new();
        for (index, pattern) in patterns.iter().enumerate() {
            builder.add(compile(pattern).map_err(|why| (index, why))?);
        }
        let set = builder.build().map_err(|e| (0, e.to_string()))?;
        Ok(ExtraFiles {
            patterns: patterns.to_vec(),
            set,
            reserved: BTreeSet::new(),
        })
    }

    /// The same globs, refusing paths that are grader files' names.
    pub fn reserving(mut self, names: impl IntoIterator<Item = String>) -> ExtraFiles {
        self.reserved.extend(names);
        self
    }

    /// The globs as written in the spec.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether the spec accepts any extra file.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether the learner file at relative `path` is an extra file the spec accepts.
    pub fn wants(&self, path: &str) -> bool {
        !self.patterns.is_empty() && !self.reserved.contains(path) && self.set.is_match(path)
    }

    /// Keeps the files of `candidates` the spec accepts, except those in `named` (the files
    /// the tasks name, taken on their own terms), within the bounds, in path order.
    pub fn select(
        &self,
        candidates: impl IntoIterator<Item = (String, LearnerFile)>,
        named: &[&str],
    ) -> Extras {
        let mut extras = Extras::default();
        let mut bytes: u64 = 0;
        let wanted: BTreeMap<String, LearnerFile> = candidates
            .into_iter()
            .filter(|(path, _)| !named.contains(&path.as_str()) && self.wants(path))
            .collect();
        for (path, file) in wanted {
            let size = file.contents.len() as u64;
            if size > MAX_FILE_SIZE {
                extras.left_out.push(
                    FileProblem::TooLarge(size).describe(&path) + " (an optional extra file)",
                );
            } else if extras.files.len() >= MAX_EXTRA_FILES || bytes + size > MAX_EXTRA_BYTES {
                extras.left_out.push(format!(
                    "`{path}` was left out: at most {MAX_EXTRA_FILES} extra files of \
                     {MAX_EXTRA_BYTES} bytes together are taken"
                ));
            } else {
                bytes += size;
                extras.files.insert(path, file);
            }
        }
        extras
    }

    /// Finds the extra files in folder `root` (canonical), never following a symbolic link,
    /// looking only where a pattern can match.
    pub fn read_dir(&self, root: &Path, named: &[&str]) -> Extras {
        let mut found = Vec::new();
        let mut left_out = Vec::new();
        let mut walked = 0;
        let mut seen = BTreeSet::new();
        for pattern in &self.patterns {
            let (base, depth) = walk_start(pattern);
            let start = root.join(&base);
            if !start.symlink_metadata().is_ok_and(|m| m.is_dir()) {
                continue;
            }
            let walk = walkdir::WalkDir::new(&start)
                .follow_links(false)
                .follow_root_links(false)
                .max_depth(depth)
                .sort_by_file_name();
            for entry in walk {
                walked += 1;
                if walked > MAX_WALKED {
                    left_out.push(format!(
                        "the search for extra files stopped after {MAX_WALKED} entries"
                    ));
                    break;
                }
                let Ok(entry) = entry else { continue };
                if entry.file_type().is_dir() {
                    continue;
                }
                let Some(path) = entry
                    .path()
                    .strip_prefix(root)
                    .ok()
                    .and_then(Path::to_str)
                    .map(str::to_owned)
                else {
                    continue;
                };
                if named.contains(&path.as_str())
                    || !self.wants(&path)
                    || !seen.insert(path.clone())
                {
                    continue;
                }
                match read_learner_file(root, &path) {
                    Ok(file) => found.push((path, file)),
                    Err(problem) => {
                        left_out.push(problem.describe(&path) + " (an optional extra file)")
                    }
                }
            }
        }
        let mut extras = self.select(found, named);
        left_out.append(&mut extras.left_out);
        extras.left_out = left_out;
        extras
    }
}

/// One glob: `*` and `?` never cross a `/`, `**` does. Refuses what could leave the
/// submission's folder.
fn compile(pattern: &str) -> Result<Glob, String> {
    if pattern.trim().is_empty() {
        return Err("the pattern is empty".into());
    }
    if pattern.starts_with('/') {
        return Err("the pattern is an absolute path".into());
    }
    if pattern.contains('\\') {
        return Err("the pattern holds a backslash".into());
    }
    if pattern.split('/').any(|part| part == ".." || part == ".") {
        return Err("the pattern holds `.` or `..` as a folder".into());
    }
    if pattern.split('/').any(str::is_empty) {
        return Err("the pattern holds an empty folder name (`//` or a final `/`)".into());
    }
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

/// Where a walk for `pattern` starts (its folders before the first with a wildcard) and how
/// deep below it a match can lie (unbounded with `**`).
fn walk_start(pattern: &str) -> (String, usize) {
    let parts: Vec<&str> = pattern.split('/').collect();
    let literal = parts
        .iter()
        .take_while(|part| !part.contains(['*', '?', '[', '{']))
        .count()
        .min(parts.len() - 1);
    let base = parts[..literal].join("/");
    let rest = &parts[literal..];
    let depth = if rest.contains(&"**") || rest.iter().any(|p| p.contains("**")) {
        64
    } else {
        rest.len()
    };
    (base, depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extra(patterns: &[&str]) -> ExtraFiles {
        ExtraFiles::new(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn a_star_stays_in_its_folder_and_two_stars_cross_folders() {
        let globs = extra(&["api/**/*.py", "models/*.py"]);
        assert!(globs.wants("api/v1/auth/helpers.py"));
        assert!(globs.wants("api/x.py"));
        assert!(globs.wants("models/user_session.py"));
        assert!(!globs.wants("models/deep/x.py"));
        assert!(!globs.wants("api/v1/auth/helpers.pyc"));
        assert!(!globs.wants("main.py"));
        let reserved = extra(&["*.py"]).reserving(["main_0.py".to_owned()]);
        assert!(reserved.wants("helpers.py"));
        assert!(!reserved.wants("main_0.py"));
    }

    #[test]
    fn refuses_patterns_that_could_leave_the_folder() {
        for (pattern, why) in [
            ("../x/*.py", "`..`"),
            ("api/../../*.py", "`..`"),
            ("/etc/*", "absolute"),
            ("", "empty"),
            ("api\\*.py", "backslash"),
            ("api//x.py", "empty folder"),
            ("api/[.py", "unclosed"),
        ] {
            let error = ExtraFiles::new(&["ok/*.py".to_owned(), pattern.to_owned()]).unwrap_err();
            assert_eq!(error.0, 1, "{pattern}");
            assert!(error.1.contains(why), "{pattern}: {}", error.1);
        }
    }

    #[test]
    fn walks_start_below_the_literal_folders() {
        assert_eq!(walk_start("api/**/*.py"), ("api".to_owned(), 64));
        assert_eq!(walk_start("models/*.py"), ("models".to_owned(), 1));
        assert_eq!(walk_start("*.py"), (String::new(), 1));
        assert_eq!(walk_start("api/v1/x.py"), ("api/v1".to_owned(), 1));
        assert_eq!(walk_start("a/*/b/*.py"), ("a".to_owned(), 3));
    }

    #[test]
    fn reads_a_folder_without_links_named_files_or_giants() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("api/v1/auth")).unwrap();
        std::fs::write(root.join("api/v1/auth/auth.py"), "named").unwrap();
        std::fs::write(root.join("api/v1/auth/helpers.py"), "help").unwrap();
        std::fs::write(root.join("api/v1/auth/notes.txt"), "no").unwrap();
        std::fs::write(
            root.join("api/big.py"),
            vec![b'x'; MAX_FILE_SIZE as usize + 1],
        )
        .unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("api/v1/link.py")).unwrap();
        std::os::unix::fs::symlink(root.join("api/v1"), root.join("api/loop")).unwrap();
        let extras = extra(&["api/**/*.py"]).read_dir(&root, &["api/v1/auth/auth.py"]);
        assert_eq!(
            extras.files.keys().collect::<Vec<_>>(),
            ["api/v1/auth/helpers.py"]
        );
        assert_eq!(extras.left_out.len(), 2, "{:?}", extras.left_out);
        assert!(extras.left_out.iter().any(|l| l.contains("api/big.py")));
        assert!(extras.left_out.iter().any(|l| l.contains("symbolic link")));
    }

    #[test]
    fn takes_at_most_the_bounds() {
        let many =
            (0..MAX_EXTRA_FILES + 5).map(|i| (format!("x/{i:03}.py"), LearnerFile::new("1")));
        let extras = extra(&["x/*.py"]).select(many, &[]);
        assert_eq!(extras.files.len(), MAX_EXTRA_FILES);
        assert_eq!(extras.left_out.len(), 5);
        let heavy = (0..5).map(|i| (format!("x/{i}.py"), LearnerFile::new(vec![0; 1024 * 1024])));
        let extras = extra(&["x/*.py"]).select(heavy, &[]);
        assert_eq!(extras.files.len(), 4);
    }
}
