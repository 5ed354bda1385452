//! Reading a name or a password from the person at the terminal, or from a script's pipe.

use std::io::{IsTerminal, Write};

/// Reads a secret: from a prompt without echo on a terminal, else one line of standard input
/// (for scripts: `echo "$PASSWORD" | checker user add ...`).
pub fn read_secret(prompt: &str) -> std::io::Result<String> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)
    } else {
        read_stdin_line()
    }
}

/// Reads one line: after a prompt on standard error when standard input is a terminal.
pub fn read_line(prompt: &str) -> std::io::Result<String> {
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
    }
    read_stdin_line()
}

fn read_stdin_line() -> std::io::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
