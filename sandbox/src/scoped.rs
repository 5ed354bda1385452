//! Files placed for one check only: protected like every grader file (root-owned, read-only),
//! but not remembered for a restart, and removed again when the check ends. A hidden check's
//! harness, or a broken version of the grader's code, is then never readable by another check.

use std::time::Duration;

use crate::archive::{self, SandboxFile};
use crate::pod::Sandbox;
use crate::run::{self, RunRequest};
use crate::{SandboxError, WORK_DIR};

impl Sandbox {
    /// Copies files into the work directory, protected, for the current check only: a restart
    /// of the sandbox does not bring them back, and [`Sandbox::remove_check_files`] takes them
    /// away. Files already there under the same names are replaced.
    pub async fn place_for_check(&self, files: &[SandboxFile]) -> Result<(), SandboxError> {
        if files.is_empty() {
            return Ok(());
        }
        let owned = files.to_vec();
        let tarball = tokio::task::spawn_blocking(move || archive::pack(&owned, true))
            .await
            .map_err(|e| SandboxError::Upload(e.to_string()))??;
        let script = format!("tar -x -f - -C {WORK_DIR} --no-overwrite-dir");
        self.as_root(&script, Some(tarball)).await
    }

    /// Removes paths (relative to the work directory, folders with their contents) as root,
    /// whoever owns them; paths that do not exist are fine.
    pub async fn remove_check_files(&self, paths: &[&str]) -> Result<(), SandboxError> {
        if paths.is_empty() {
            return Ok(());
        }
        for path in paths {
            archive::validate_relative_path(path).map_err(SandboxError::Upload)?;
        }
        let quoted: Vec<String> = paths.iter().map(|p| shell_quote(p)).collect();
        let script = format!("cd {WORK_DIR} && rm -rf -- {}", quoted.join(" "));
        self.as_root(&script, None).await
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
