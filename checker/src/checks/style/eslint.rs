//! The `eslint` style tool: ESLint 6.4 (the node image's) with the school's rule set.
//!
//! `airbnb-base.json` holds the core rules of eslint-config-airbnb-base 14.2.1 with the school's
//! overrides; `eslint.js` runs ESLint through its Node API with that rule set and prints findings
//! as `file:line:col rule message`. Which of the school's rules are missing, and why, is said at
//! the top of `eslint.js`. A project whose supplied config changed some rules (0x02's turns
//! `no-underscore-dangle` off) says so with the check's `rules:`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

/// How long a lint may take: loading ESLint and its rules costs about ten starts of Node, and
/// a loaded machine must not turn that into a platform error.
pub(super) const MIN_TIME: Duration = Duration::from_secs(180);

/// The school's rule set.
const RULE_SET: &str = include_str!("airbnb-base.json");

/// The rules a check may change: those of the rule set, and the plugin rule `eslint.js` adds.
static KNOWN_RULES: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    let config: serde_json::Value = serde_json::from_str(RULE_SET).expect("a valid rule set");
    let mut rules: BTreeSet<String> = config["rules"]
        .as_object()
        .expect("a rules object")
        .keys()
        .cloned()
        .collect();
    rules.insert("import/prefer-default-export".into());
    rules
});

/// Whether `rule: severity` may be written in a check's `rules:`.
pub(super) fn check_rule(rule: &str, severity: &str) -> Result<(), String> {
    if !KNOWN_RULES.contains(rule) {
        return Err(format!(
            "`{rule}` is not a rule of the school's ESLint rule set"
        ));
    }
    if !["off", "warn", "error"].contains(&severity) {
        return Err(format!(
            "`{rule}: {severity}`: a severity is `off`, `warn` or `error`"
        ));
    }
    Ok(())
}

/// The `/bin/sh` command that lints `files`, and the program it reads on standard input: the
/// rule set with `rules` applied, then `eslint.js`. The project's `NODE_OPTIONS` (how the learner's
/// code is loaded) have nothing to do with linting.
pub(super) fn invocation(
    files: &[String],
    rules: &BTreeMap<String, String>,
) -> (String, Option<Vec<u8>>) {
    let quoted: Vec<String> = files.iter().map(|f| sandbox::shell_quote(f)).collect();
    let script = format!("exec env -u NODE_OPTIONS node - -- {}", quoted.join(" "));
    let changed = serde_json::to_string(rules).expect("strings serialize");
    let program = format!(
        "'use strict';\nconst CONFIG = {};\nObject.assign(CONFIG.rules, {changed});\n{}",
        RULE_SET.trim_end(),
        include_str!("eslint.js")
    );
    (script, Some(program.into_bytes()))
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
