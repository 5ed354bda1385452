//! Uploads: files copied into the learner container's work directory, owned by the sandbox
//! user or protected (root-owned, read-only), and remembered so that a restart can put them
//! back.

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::archive::{self, SandboxFile};
use crate::pod::Sandbox;
use crate::{SANDBOX_USER, SandboxError, WORK_DIR, lock, run};

impl Sandbox {
    /// Copies files into the work directory, owned by the sandbox user.
    pub async fn upload(&self, files: &[SandboxFile]) -> Result<(), SandboxError> {
        self.upload_as(files, false).await
    }

    /// Copies files into the work directory owned by root and read-only: commands can read
    /// and run them but, the directory being sticky, neither change nor delete them.
    pub async fn upload_protected(&self, files: &[SandboxFile]) -> Result<(), SandboxError> {
        self.upload_as(files, true).await
    }

    async fn upload_as(&self, files: &[SandboxFile], protected: bool) -> Result<(), SandboxError> {
        if files.is_empty() {
            return Ok(());
        }
        self.send_files(files, protected).await?;
        // Kept to restore the work directory if the container has to be restarted.
        lock(&self.uploads).push((files.to_vec(), protected));
        Ok(())
    }

    /// Puts every upload so far back, in order (after a restart emptied the work directory).
    pub(crate) async fn restore_uploads(&self) -> Result<(), SandboxError> {
        let uploads: Vec<(Vec<SandboxFile>, bool)> = lock(&self.uploads).clone();
        for (files, protected) in uploads {
            self.send_files(&files, protected).await?;
        }
        Ok(())
    }

    /// Docker refuses archive uploads into a tmpfs or onto a read-only root, so the tar stream
    /// goes through the standard input of a `tar -x` run inside the container.
    async fn send_files(&self, files: &[SandboxFile], protected: bool) -> Result<(), SandboxError> {
        let owned = files.to_vec();
        let tarball = tokio::task::spawn_blocking(move || archive::pack(&owned, protected))
            .await
            .map_err(|e| SandboxError::Upload(e.to_string()))??;
        let script = format!("tar -x -f - -C {WORK_DIR} --no-overwrite-dir");
        let user = if protected { "0:0" } else { SANDBOX_USER };
        let (exit_code, stderr) = self.exec_with_input(&script, tarball, user).await?;
        *lock(&self.uploaded_at) = Some(std::time::Instant::now());
        if exit_code != Some(0) {
            return Err(SandboxError::Upload(format!(
                "tar exited with {exit_code:?}: {}",
                String::from_utf8_lossy(&stderr).trim()
            )));
        }
        Ok(())
    }

    /// Runs `script` as `user` with `input` on its standard input, waits for it and
    /// returns its exit code and standard error.
    async fn exec_with_input(
        &self,
        script: &str,
        input: Vec<u8>,
        user: &str,
    ) -> Result<(Option<i64>, Vec<u8>), SandboxError> {
        let argv = vec!["/bin/sh".into(), "-c".into(), script.to_owned()];
        let exec = run::create_exec_argv(self, argv, &[], true, user).await?;
        let started = self
            .docker
            .start_exec(&exec, None)
            .await
            .map_err(SandboxError::docker("start a command"))?;
        let bollard::exec::StartExecResults::Attached {
            mut output,
            input: mut stdin,
        } = started
        else {
            return Err(SandboxError::Upload("the command started detached".into()));
        };
        let writer = async move {
            stdin.write_all(&input).await?;
            stdin.shutdown().await
        };
        let mut stderr = Vec::new();
        let reader = async {
            while let Some(chunk) = output.next().await {
                if let Ok(bollard::container::LogOutput::StdErr { message }) = chunk
                    && stderr.len() < 4096
                {
                    stderr.extend_from_slice(&message);
                }
            }
        };
        let (written, ()) = tokio::join!(writer, reader);
        written.map_err(|e| SandboxError::Upload(e.to_string()))?;
        let exit_code = run::exit_code(&self.docker, &exec).await?;
        Ok((exit_code, stderr))
    }
}
