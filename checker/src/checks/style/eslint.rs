//! The `eslint` style tool: ESLint 6.4 (the node image's) with the school's rule set.
//!
//! `airbnb-base.json` holds the core rules of eslint-config-airbnb-base 14.2.1 with the school's
//! overrides; `eslint.js` runs ESLint through its Node API with that rule set and prints findings
//! as `file:line:col rule message`. Which of the school's rules are missing, and why, is said at
//! the top of `eslint.js`.

use std::sync::LazyLock;

use regex::Regex;

/// The runner, with the rule set prepended, as Node reads it on standard input.
pub(super) static PROGRAM: LazyLock<String> = LazyLock::new(|| {
    format!(
        "'use strict';\nconst CONFIG = {};\n{}",
        include_str!("airbnb-base.json").trim_end(),
        include_str!("eslint.js")
    )
});

/// The `/bin/sh` command that lints `files` (quoted already). The project's `NODE_OPTIONS`
/// (module hooks for the learner's code) have nothing to do with linting.
pub(super) fn command(files: &str) -> String {
    format!("exec env -u NODE_OPTIONS node - -- {files}")
}

/// `file:line:col rule message`, as `eslint.js` prints it.
static FINDING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+) (?P<rule>[\w@/-]+) (?P<msg>.*)$")
        .expect("a valid regex")
});

/// The finding on `line`, as `(file, normalised line)`, when it is one.
pub(super) fn finding(line: &str) -> Option<(String, String)> {
    let caps = FINDING.captures(line)?;
    let file = caps["file"].trim_start_matches("./").to_string();
    let text = format!(
        "{file}:{}:{} {} {}",
        &caps["line"], &caps["col"], &caps["rule"], &caps["msg"]
    );
    Some((file, text))
}
