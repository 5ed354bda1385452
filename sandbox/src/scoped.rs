//! Files placed for one check only: protected like every grader file (root-owned, read-only),
//! but not remembered for a restart, and removed again when the check ends. A hidden check's
//! harness, or a broken version of the grader's code, is then never readable by another check.

use std::time::Duration;

use crate::archive::{self, SandboxFile};
use crate::pod::Sandbox;
use crate::run::{self, RunRequest};
use crate::{SANDBOX_USER, SandboxError, WORK_DIR};

impl Sandbox {
    /// Copies files into the work directory, protected, for the current check only: a restart
    /// of the sandbox does not bring them back, and [`Sandbox::remove_check_files`] takes them
    /// away. Files already there under the same names are replaced, whoever owns them.
    pub async fn place_for_check(&self, files: &[SandboxFile]) -> Result<(), SandboxError> {
        if files.is_empty() {
            return Ok(());
        }
        let owned = files.to_vec();
        let tarball = tokio::task::spawn_blocking(move || archive::pack(&owned, true))
            .await
            .map_err(|e| SandboxError::Upload(e.to_string()))??;
        let script = format!("tar -x -f - -C {WORK_DIR} --no-overwrite-dir");
        if self.as_root(&script, Some(tarball.clone())).await.is_ok() {
            return Ok(());
        }
        // Something of the sandbox user's is in the way (a folder of that name, made by an
        // earlier check): cleared first, then placed again.
        let paths: Vec<&str> = files.iter().map(SandboxFile::path).collect();
        self.clear_as_user(&paths).await?;
        self.as_root(&script, Some(tarball)).await
    }

    /// Removes paths (relative to the work directory, folders with their contents), whoever
    /// owns them; paths that do not exist are fine.
    pub async fn remove_check_files(&self, paths: &[&str]) -> Result<(), SandboxError> {
        if paths.is_empty() {
            return Ok(());
        }
        for path in paths {
            archive::validate_relative_path(path).map_err(SandboxError::Upload)?;
        }
        let script = format!("cd {WORK_DIR} && rm -rf -- {}", quoted(paths));
        if self.as_root(&script, None).await.is_ok() {
            return Ok(());
        }
        // Root has no capabilities here: the sandbox user's folders are emptied as that user.
        self.clear_as_user(paths).await?;
        self.as_root(&script, None).await
    }

    /// Removes what the sandbox user may remove of `paths` (their own files and folders, made
    /// writable first), ignoring the rest.
    async fn clear_as_user(&self, paths: &[&str]) -> Result<(), SandboxError> {
        let paths = quoted(paths);
        let script = format!(
            "cd {WORK_DIR} && chmod -R u+rwX -- {paths} 2>/dev/null; rm -rf -- {paths} 2>/dev/null; true"
        );
        let request = RunRequest::new(&script, Duration::from_secs(30));
        let outcome = run::run_raw(self, &request, SANDBOX_USER).await?;
        if outcome.exit_code != Some(0) {
            return Err(SandboxError::Upload(format!(
                "clearing files as the sandbox user ended with {:?}",
                outcome.exit_code
            )));
        }
        Ok(())
    }

    async fn as_root(&self, script: &str, stdin: Option<Vec<u8>>) -> Result<(), SandboxError> {
        let argv = vec!["/bin/sh".into(), "-c".into(), script.to_owned()];
        let exec = run::create_exec_argv(self, argv, &[], stdin.is_some(), "0:0").await?;
        let mut request = RunRequest::new(script, Duration::from_secs(30));
        request.stdin = stdin;
        let (outcome, _) = run::stream_exec(&self.docker, &exec, &request, false).await?;
        let code = run::exit_code(&self.docker, &exec).await?;
        if code != Some(0) {
            return Err(SandboxError::Upload(format!(
                "`{script}` exited with {code:?} ({:?}): {}",
                outcome.termination,
                String::from_utf8_lossy(&outcome.stderr).trim()
            )));
        }
        Ok(())
    }
}

fn quoted(paths: &[&str]) -> String {
    paths
        .iter()
        .map(|p| shell_quote(p))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` in single quotes for `/bin/sh`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(super::shell_quote("a'b c"), r"'a'\''b c'");
    }
}
