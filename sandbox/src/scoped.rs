//! Files placed for one check only: protected like every grader file (root-owned, read-only),
//! but not remembered for a restart, and removed again when the check ends. A hidden check's
//! harness, or a broken version of the grader's code, is then never readable by another check.

use std::time::Duration;

use crate::archive::{self, SandboxFile};
use crate::pod::Sandbox;
use crate::run::{self, RunRequest};
use crate::{SANDBOX_USER, SandboxError, WORK_DIR, lock, runner};

impl Sandbox {
    /// Copies files into the work directory, protected, for the current check only: a restart
    /// of the sandbox does not bring them back, and [`Sandbox::remove_check_files`] (or
    /// [`Sandbox::remove_changes_since`] with the mark returned) takes them away. Files already
    /// there under the same names are replaced, whoever owns them.
    pub async fn place_for_check(&self, files: &[SandboxFile]) -> Result<CheckMark, SandboxError> {
        self.after_uploads().await;
        if files.is_empty() {
            return self.mark().await;
        }
        let owned = files.to_vec();
        let tarball = tokio::task::spawn_blocking(move || archive::pack(&owned, true))
            .await
            .map_err(|e| SandboxError::Upload(e.to_string()))??;
        // The time is read before anything is placed: every file placed or written from here
        // on is changed after the mark.
        let script = format!("date +%s.%N && tar -x -f - -C {WORK_DIR} --no-overwrite-dir");
        let placed = match self.as_root(&script, Some(tarball.clone())).await {
            Ok(placed) => placed,
            Err(_) => {
                // Something of the sandbox user's is in the way (a folder of that name, made
                // by an earlier check): cleared first, then placed again.
                let paths: Vec<&str> = files.iter().map(SandboxFile::path).collect();
                self.clear_as_user(&paths).await?;
                self.as_root(&script, Some(tarball)).await?
            }
        };
        CheckMark::parse(&placed)
    }

    /// Waits until the files copied in last are older than any mark taken from now on: a mark
    /// is up to two tenths of a second early, and what was uploaded after it would count as a
    /// change of the check's, removed at its end. Costs nothing unless a check follows an
    /// upload at once (the runner makes that the rule for a lane's first hidden check).
    async fn after_uploads(&self) {
        let uploaded = *lock(&self.uploaded_at);
        if let Some(uploaded) = uploaded {
            let settled = uploaded + MARK_EARLY;
            tokio::time::sleep_until(settled.into()).await;
        }
    }

    async fn mark(&self) -> Result<CheckMark, SandboxError> {
        CheckMark::parse(&self.as_root("date +%s.%N", None).await?)
    }

    /// Ends a check whose files must not outlive it: removes `paths` and everything in the
    /// work directory and `/tmp` created or changed since `mark` (a copy the check's code made
    /// of them, under any name), except the folders in `keep` (relative to the work directory:
    /// the learner's folders), which stay while their changed contents go.
    pub async fn remove_changes_since(
        &self,
        mark: &CheckMark,
        paths: &[&str],
        keep: &[&str],
    ) -> Result<(), SandboxError> {
        for path in paths.iter().chain(keep) {
            archive::validate_relative_path(path).map_err(SandboxError::Upload)?;
        }
        let kept: Vec<String> = keep
            .iter()
            .map(|dir| format!("-path {}", shell_quote(&format!("{WORK_DIR}/{dir}"))))
            .collect();
        let kept = if kept.is_empty() {
            String::new()
        } else {
            format!("\\( {} \\) -o", kept.join(" -o "))
        };
        // A changed folder goes whole (a renamed one could carry data in its name), unless
        // it is the learner's.
        let removed = if paths.is_empty() {
            "''".to_owned()
        } else {
            quoted(paths)
        };
        let select = format!(
            "find {WORK_DIR} /tmp -mindepth 1 {kept} -newerct @{} -prune -print0",
            mark.0
        );
        let script =
            format!("cd {WORK_DIR} && rm -rf -- {removed} && {select} | xargs -0 -r rm -rf --");
        if self.as_root(&script, None).await.is_ok() {
            return Ok(());
        }
        // Root has no capabilities here: the sandbox user's folders are emptied as that user
        // (made writable first), then root removes the rest.
        let as_user = format!(
            "{select} | xargs -0 -r sh -c 'chmod -R u+rwX -- \"$@\"; rm -rf -- \"$@\"' clear \
             2>/dev/null; true"
        );
        let request = RunRequest::new(as_user, Duration::from_secs(30));
        run::run_raw(self, &request, SANDBOX_USER).await?;
        self.as_root(&script, None).await.map(|_| ())
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
        self.as_root(&script, None).await.map(|_| ())
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

    /// Runs `script` as root; its standard output.
    async fn as_root(&self, script: &str, stdin: Option<Vec<u8>>) -> Result<String, SandboxError> {
        let mut request = RunRequest::new(script, Duration::from_secs(30));
        request.stdin = stdin;
        let (outcome, code) = match runner::run_as_root(self, &request).await {
            Some(outcome) => {
                let code = outcome.exit_code;
                (outcome, code)
            }
            None => {
                let argv = vec!["/bin/sh".into(), "-c".into(), script.to_owned()];
                let stdin = request.stdin.is_some();
                let exec = run::create_exec_argv(self, argv, &[], stdin, "0:0").await?;
                let (outcome, _) = run::stream_exec(&self.docker, &exec, &request, false).await?;
                (outcome, run::exit_code(&self.docker, &exec).await?)
            }
        };
        if code != Some(0) {
            return Err(SandboxError::Upload(format!(
                "`{script}` exited with {code:?} ({:?}): {}",
                outcome.termination,
                String::from_utf8_lossy(&outcome.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&outcome.stdout).into_owned())
    }
}

/// How much earlier than the moment it is taken a mark may lie, with a margin (see
/// [`CheckMark::parse`]).
const MARK_EARLY: Duration = Duration::from_millis(300);

/// A moment of the sandbox's clock, taken when a check's files were placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckMark(String);

impl CheckMark {
    /// From `date +%s.%N`, a little earlier: the kernel stamps files with a coarse clock that
    /// may lag the one `date` reads by a tick.
    fn parse(output: &str) -> Result<CheckMark, SandboxError> {
        let line = output.lines().next().unwrap_or("").trim();
        let (seconds, fraction) = line.split_once('.').unwrap_or((line, "0"));
        let seconds: u64 = seconds
            .parse()
            .map_err(|_| SandboxError::Upload(format!("the sandbox's clock said `{line}`")))?;
        let tenths: u64 = fraction.get(..1).and_then(|t| t.parse().ok()).unwrap_or(0);
        let tenths = (seconds * 10 + tenths).saturating_sub(1);
        Ok(CheckMark(format!("{}.{}", tenths / 10, tenths % 10)))
    }
}

fn quoted(paths: &[&str]) -> String {
    paths
        .iter()
        .map(|p| shell_quote(p))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` in single quotes for `/bin/sh`: one word, whatever it holds.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_mark_is_a_tenth_of_a_second_early() {
        let mark = |text: &str| super::CheckMark::parse(text).map(|m| m.0);
        assert_eq!(mark("1700000000.512345678\n").unwrap(), "1700000000.4");
        assert_eq!(mark("1700000000.012345678\n").unwrap(), "1699999999.9");
        assert!(mark("now").is_err());
    }

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(super::shell_quote("a'b c"), r"'a'\''b c'");
    }
}
