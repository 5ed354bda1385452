//! How a command fails at the edge, and the exit code each failure maps to.

use std::process::ExitCode;

/// A failure at the edge, with the exit code it maps to.
pub enum Failure {
    /// Exit 2.
    BadInput(String),
    /// Exit 3.
    Platform(String),
}

impl Failure {
    /// Bad input: a malformed spec, a wrong flag, a missing folder (exit 2).
    pub fn bad(error: impl std::fmt::Display) -> Failure {
        Failure::BadInput(error.to_string())
    }

    /// The platform's fault (exit 3).
    pub fn platform(error: impl std::fmt::Display) -> Failure {
        Failure::Platform(error.to_string())
    }

    /// Prints the failure and returns its exit code.
    pub fn report(self) -> ExitCode {
        match self {
            Failure::BadInput(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
            Failure::Platform(message) => {
                eprintln!("platform error: {message}");
                ExitCode::from(3)
            }
        }
    }
}

impl From<checker::grading::GradeError> for Failure {
    fn from(error: checker::grading::GradeError) -> Self {
        Failure::Platform(error.to_string())
    }
}

impl From<client::ClientError> for Failure {
    fn from(error: client::ClientError) -> Self {
        match error.exit_code() {
            2 => Failure::BadInput(error.to_string()),
            _ => Failure::Platform(error.to_string()),
        }
    }
}

impl From<web::auth::AccountError> for Failure {
    fn from(error: web::auth::AccountError) -> Self {
        match error {
            web::auth::AccountError::Refused(message) => Failure::BadInput(message),
            web::auth::AccountError::Failed(message) => Failure::Platform(message),
        }
    }
}
