use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a spec, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based column, 0 when unknown.
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// What to do next.
    pub hint: Option<String>,
}

impl SpecError {
    /// A problem at a place in a file.
    pub fn at(
        file: &Path,
        (line, column): (u64, u64),
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        SpecError {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
            hint,
        }
    }

    /// A problem with a whole file or folder.
    pub fn file(file: &Path, message: impl Into<String>, hint: Option<String>) -> Self {
        Self::at(file, (0, 0), message, hint)
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in one or more specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}
