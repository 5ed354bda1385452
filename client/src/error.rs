//! Why a client command did not succeed, and the exit code that maps to.

use thiserror::Error;

use crate::answers::ErrorAnswer;

/// Why a request or a client command did not succeed, and which exit code that maps to.
#[derive(Debug, Error)]
pub enum ClientError {
    /// The server could not be reached or did not answer (exit 3).
    #[error("cannot reach the server at {server}: {reason}")]
    Unreachable {
        /// Its URL.
        server: String,
        /// What went wrong.
        reason: String,
    },
    /// The server refused the request: the caller's input or credentials (exit 2).
    #[error("{error} (HTTP {status}){}", hint.as_ref().map(|h| format!("\nhint: {h}")).unwrap_or_default())]
    Refused {
        /// The status code.
        status: u16,
        /// The server's message.
        error: String,
        /// What to do about it.
        hint: Option<String>,
        /// `Retry-After`, for 429.
        retry_after: Option<u64>,
    },
    /// The server failed (5xx) or answered something unexpected (exit 3).
    #[error("the server failed: {0}")]
    Server(String),
    /// The caller's input, refused before any request: a missing folder, no server or token,
    /// unreadable credentials (exit 2).
    #[error("{0}")]
    Input(String),
    /// The platform failed on this side or grading failed on the server's, never the caller's
    /// fault (exit 3).
    #[error("{0}")]
    Failed(String),
}

impl ClientError {
    /// The error for a server's unsuccessful answer: its JSON `{error, hint}` body, as the
    /// platform's failure when `platform` (a 5xx), else as a refusal of the request.
    pub(crate) fn from_answer(
        status: reqwest::StatusCode,
        body: ErrorAnswer,
        retry_after: Option<u64>,
        platform: bool,
    ) -> ClientError {
        let error = body.error.unwrap_or_else(|| status.to_string());
        if platform {
            return ClientError::Server(format!("{error} (HTTP {})", status.as_u16()));
        }
        ClientError::Refused {
            status: status.as_u16(),
            error,
            hint: body.hint,
            retry_after,
        }
    }

    /// The exit code of a command that failed this way: 2 for the caller's fault, 3 for the
    /// platform's.
    pub fn exit_code(&self) -> u8 {
        match self {
            ClientError::Refused { .. } | ClientError::Input(_) => 2,
            ClientError::Unreachable { .. } | ClientError::Server(_) | ClientError::Failed(_) => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_the_callers_and_failures_the_platforms() {
        let refused = ClientError::from_answer(
            reqwest::StatusCode::NOT_FOUND,
            ErrorAnswer {
                error: Some("no project `x`".into()),
                hint: Some("known projects: a".into()),
            },
            None,
            false,
        );
        assert_eq!(refused.exit_code(), 2);
        assert_eq!(
            refused.to_string(),
            "no project `x` (HTTP 404)\nhint: known projects: a"
        );
        let failed = ClientError::from_answer(
            reqwest::StatusCode::INTERNAL_SERVER_ERROR,
            ErrorAnswer::default(),
            None,
            true,
        );
        assert_eq!(failed.exit_code(), 3);
        assert!(failed.to_string().contains("HTTP 500"), "{failed}");
        assert_eq!(ClientError::Input("x".into()).exit_code(), 2);
        assert_eq!(ClientError::Failed("x".into()).exit_code(), 3);
    }
}
