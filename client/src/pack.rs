//! Packing a project's files from a learner's folder: exactly the files the spec names, and
//! the optional ones its `extra_files` globs accept.

use std::collections::BTreeMap;
use std::path::Path;

/// A project's files read from a learner's folder, ready to pack.
#[derive(Debug, Default)]
pub struct PackedFiles {
    /// Files found, by relative path, with their executable bit.
    pub files: BTreeMap<String, checker::submission::LearnerFile>,
    /// Files the project names that could not be taken, and why.
    pub problems: Vec<String>,
    /// Optional extra files that were left out, and why (no task fails for them alone).
    pub notes: Vec<String>,
}

/// Reads exactly the files `names` from `dir`, and those the globs `extra` accept: never a
/// symbolic link, a folder or a file larger than the learner file limit (those are reported in
/// [`PackedFiles::problems`] and left out, so their tasks fail with `missing_file` as in
/// `checker grade`).
pub fn read_project_files(
    dir: &Path,
    names: &[String],
    extra: &[String],
) -> anyhow::Result<PackedFiles> {
    if !dir.is_dir() {
        anyhow::bail!(
            "submission folder {} does not exist or is not a folder",
            dir.display()
        );
    }
    let mut packed = PackedFiles::default();
    for name in names {
        match checker::submission::read_learner_file(dir, name) {
            Ok(file) => {
                packed.files.insert(name.clone(), file);
            }
            Err(problem) => packed.problems.push(problem.describe(name)),
        }
    }
    if !extra.is_empty() {
        let globs = checker::extra_files::ExtraFiles::new(extra)
            .map_err(|(_, why)| anyhow::anyhow!("the server sent a bad extra_files glob: {why}"))?;
        let root = dir.canonicalize()?;
        let named: Vec<&str> = names.iter().map(String::as_str).collect();
        let extras = globs.read_dir(&root, &named);
        packed.files.extend(extras.files);
        packed.notes.extend(extras.left_out);
    }
    Ok(packed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_named_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.js"), "a").unwrap();
        std::fs::write(dir.path().join("other.js"), "o").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("b.js")).unwrap();
        let names = ["a.js", "b.js", "c.js"].map(String::from);
        let packed = read_project_files(dir.path(), &names, &[]).unwrap();
        assert_eq!(packed.files.keys().collect::<Vec<_>>(), ["a.js"]);
        assert_eq!(packed.problems.len(), 2);
        assert!(!packed.files["a.js"].executable);
        assert!(packed.problems[0].contains("symbolic link"));
    }

    #[test]
    fn packs_the_extra_files_the_globs_accept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("api/v1/auth")).unwrap();
        std::fs::write(dir.path().join("api/v1/auth/auth.py"), "a").unwrap();
        std::fs::write(dir.path().join("api/v1/auth/helpers.py"), "h").unwrap();
        std::fs::write(dir.path().join("api/v1/auth/notes.md"), "n").unwrap();
        let names = ["api/v1/auth/auth.py".to_owned()];
        let packed = read_project_files(dir.path(), &names, &["api/**/*.py".to_owned()]).unwrap();
        assert_eq!(
            packed.files.keys().collect::<Vec<_>>(),
            ["api/v1/auth/auth.py", "api/v1/auth/helpers.py"]
        );
        assert!(packed.problems.is_empty() && packed.notes.is_empty());
    }

    #[test]
    fn keeps_the_executable_bit() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("0-main.py");
        std::fs::write(&script, "#!/usr/bin/python3\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let packed = read_project_files(dir.path(), &["0-main.py".to_owned()], &[]).unwrap();
        assert!(packed.files["0-main.py"].executable);
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_project_files(&dir.path().join("nope"), &[], &[]).unwrap_err();
        assert!(error.to_string().contains("does not exist"), "{error}");
    }
}
