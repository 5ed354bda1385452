//! Comparing a command's output with what the spec expects, and showing the difference.
//!
//! A mode is one variant of [`Comparison`] and one arm of [`Comparison::rule`]: its spec name,
//! its JSON Schema entry, how reports word it and how it matches all follow from those two.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use similar::TextDiff;

/// How an output is compared with the expected text: the `compare:` key of a `run` check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Byte for byte.
    Exact,
    /// Trailing spaces on each line and trailing blank lines are ignored (the default).
    #[default]
    TrailingWhitespace,
    /// Any run of whitespace equals any other; leading and trailing whitespace is ignored.
    Whitespace,
    /// The expected text is a regular expression that must match the whole output.
    Regex,
    /// Whitespace-separated tokens; numbers equal within `tolerance` (absolute, or relative to
    /// the expected value when that is larger), other tokens exactly.
    Numbers,
    /// Both sides parse as JSON and are equal as values (key order and spacing don't matter).
    Json,
    /// The same lines in any order (trailing whitespace ignored).
    UnorderedLines,
}

/// Default `tolerance` of `compare: numbers`.
pub const DEFAULT_TOLERANCE: f64 = 1e-6;

/// A comparison as a check applies it: the mode and its settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compare {
    /// The mode.
    pub mode: Comparison,
    /// Largest accepted difference between numbers (read by `numbers` only).
    pub tolerance: f64,
}

impl Default for Compare {
    fn default() -> Self {
        Compare::new(Comparison::default())
    }
}

/// What one mode is, gathered in one place ([`Comparison::rule`]).
struct Rule {
    /// How a report words it, after "compared".
    describe: fn(&Compare) -> String,
    /// Whether the actual text is acceptable for the expected one.
    matches: fn(&Compare, &str, &str) -> bool,
    /// Whether the expected text can be used at all: the problem and a hint when not.
    check_expected: fn(&str) -> Result<(), (String, &'static str)>,
    /// Whether a unified diff of expected and actual means anything.
    diffs: bool,
}

impl Rule {
    /// A mode whose expected text is any text and whose failures diff.
    fn plain(describe: fn(&Compare) -> String, matches: fn(&Compare, &str, &str) -> bool) -> Self {
        Rule {
            describe,
            matches,
            check_expected: |_| Ok(()),
            diffs: true,
        }
    }
}

impl Comparison {
    /// Every mode's definition: adding a mode is a variant above and an arm here.
    fn rule(self) -> Rule {
        match self {
            Comparison::Exact => Rule::plain(|_| "exactly".into(), |_, e, a| e == a),
            Comparison::TrailingWhitespace => Rule::plain(
                |_| "ignoring trailing whitespace".into(),
                |_, e, a| lines_trimmed(e) == lines_trimmed(a),
            ),
            Comparison::Whitespace => Rule::plain(
                |_| "ignoring whitespace".into(),
                |_, e, a| e.split_whitespace().eq(a.split_whitespace()),
            ),
            Comparison::Regex => Rule {
                describe: |_| "against a pattern".into(),
                matches: |_, e, a| whole_match(e).is_ok_and(|re| re.is_match(a)),
                check_expected: |e| {
                    whole_match(e).map(|_| ()).map_err(|error| {
                        (
                            regex_problem(&error),
                            "the pattern must match the whole output",
                        )
                    })
                },
                // A pattern and a text don't diff meaningfully.
                diffs: false,
            },
            Comparison::Numbers => Rule::plain(
                |c| format!("as numbers within {}", c.tolerance),
                |c, e, a| {
                    let (e, a): (Vec<_>, Vec<_>) = (
                        e.split_whitespace().collect(),
                        a.split_whitespace().collect(),
                    );
                    e.len() == a.len()
                        && e.iter()
                            .zip(&a)
                            .all(|(e, a)| tokens_match(e, a, c.tolerance))
                },
            ),
            Comparison::Json => Rule {
                check_expected: |e| {
                    serde_json::from_str::<serde_json::Value>(e)
                        .map(|_| ())
                        .map_err(|error| {
                            (
                                format!("expected output is not valid JSON: {error}"),
                                "fix the expected text",
                            )
                        })
                },
                ..Rule::plain(
                    |_| "as JSON values".into(),
                    |_, e, a| match (
                        serde_json::from_str::<serde_json::Value>(e),
                        serde_json::from_str::<serde_json::Value>(a),
                    ) {
                        (Ok(e), Ok(a)) => json_eq(&e, &a),
                        _ => false,
                    },
                )
            },
            Comparison::UnorderedLines => Rule::plain(
                |_| "as lines in any order".into(),
                |_, e, a| {
                    let (mut e, mut a) = (lines_trimmed(e), lines_trimmed(a));
                    e.sort_unstable();
                    a.sort_unstable();
                    e == a
                },
            ),
        }
    }

    /// The mode a spec names.
    pub fn from_name(name: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }

    /// Spec names of every mode, from the JSON Schema (so never out of step with the enum).
    pub fn names() -> Vec<String> {
        let schema = schemars::schema_for!(Comparison);
        let value = schema.as_value();
        let listed = value
            .get("oneOf")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|variant| variant.get("const").or_else(|| variant.get("enum")?.get(0)));
        let plain = value
            .get("enum")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten();
        listed
            .chain(plain)
            .filter_map(|name| name.as_str().map(str::to_owned))
            .collect()
    }
}

impl Compare {
    /// `mode` with default settings.
    pub fn new(mode: Comparison) -> Self {
        Compare {
            mode,
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// Checks that an expected text can be used with this mode (a regex compiles, JSON
    /// parses); the problem and a hint when not.
    pub fn check_expected(&self, expected: &str) -> Result<(), (String, &'static str)> {
        (self.mode.rule().check_expected)(expected)
    }

    /// Whether `actual` is acceptable for `expected` under this mode.
    pub fn matches(&self, expected: &str, actual: &str) -> bool {
        (self.mode.rule().matches)(self, expected, actual)
    }

    /// How a report words the comparison, e.g. `ignoring trailing whitespace`.
    pub fn describe(&self) -> String {
        (self.mode.rule().describe)(self)
    }

    /// The unified diff to show for a failure, when the mode's texts diff meaningfully.
    pub fn diff(&self, expected: &str, actual: &str) -> Option<String> {
        if self.mode.rule().diffs {
            unified_diff(expected, actual)
        } else {
            None
        }
    }
}

fn regex_problem(error: &regex::Error) -> String {
    // The regex crate explains on several lines; its last line names the problem.
    let text = error.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    format!(
        "invalid regular expression: {}",
        last.trim_start_matches("error: ")
    )
}

/// JSON equality where `1` and `1.0` are the same number.
fn json_eq(expected: &serde_json::Value, actual: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => e == a || e.as_f64() == a.as_f64(),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(e, a)| json_eq(e, a))
        }
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(key, e)| a.get(key).is_some_and(|a| json_eq(e, a)))
        }
        (e, a) => e == a,
    }
}

fn whole_match(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(&format!(r"\A(?:{pattern})\z"))
}

fn lines_trimmed(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

fn tokens_match(expected: &str, actual: &str, tolerance: f64) -> bool {
    match (expected.parse::<f64>(), actual.parse::<f64>()) {
        (Ok(e), Ok(a)) if e.is_finite() && a.is_finite() => {
            (e - a).abs() <= tolerance.max(tolerance * e.abs())
        }
        _ => expected == actual,
    }
}

/// A unified diff from expected to actual, or `None` when the texts are equal.
///
/// Line endings are kept visible: a missing final newline shows as its own marker line.
pub fn unified_diff(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let diff = TextDiff::from_lines(expected, actual);
    Some(
        diff.unified_diff()
            .context_radius(3)
            .header("expected", "actual")
            .missing_newline_hint(true)
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(mode: &str, expected: &str, actual: &str) -> bool {
        Compare::new(Comparison::from_name(mode).unwrap()).matches(expected, actual)
    }

    #[test]
    fn exact_is_byte_for_byte() {
        assert!(ok("exact", "a\nb\n", "a\nb\n"));
        assert!(!ok("exact", "a\nb\n", "a\nb"));
        assert!(!ok("exact", "a\n", "a \n"));
    }

    #[test]
    fn trailing_whitespace_ignores_line_ends_and_final_blank_lines() {
        assert!(ok("trailing_whitespace", "a\nb\n", "a  \nb"));
        assert!(ok("trailing_whitespace", "a\n", "a\n\n\n"));
        assert!(ok("trailing_whitespace", "a\r\nb\r\n", "a\nb\n"));
        assert!(!ok("trailing_whitespace", "a b\n", "a  b\n"));
        assert!(!ok("trailing_whitespace", "a\n\nb", "a\nb"));
        assert!(!ok("trailing_whitespace", " a", "a"));
    }

    #[test]
    fn whitespace_collapses_all_runs() {
        assert!(ok("whitespace", "[ 1, 2, 5 ]", "[  1,\n 2,   5 ]\n"));
        assert!(!ok("whitespace", "[ 1, 2 ]", "[1, 2]"));
    }

    #[test]
    fn regex_must_match_the_whole_output() {
        assert!(ok("regex", r"Set\(\d+\) \{.*\}\n", "Set(5) { 1 }\n"));
        assert!(!ok("regex", "abc", "xabcx"));
        assert!(ok("regex", "(?s)start.*end\n", "start\nmiddle\nend\n"));
        assert!(
            Compare::new(Comparison::Regex)
                .check_expected("(unclosed")
                .unwrap_err()
                .0
                .contains("invalid regular expression")
        );
    }

    #[test]
    fn numbers_within_tolerance() {
        let mode = Compare {
            mode: Comparison::Numbers,
            tolerance: 0.01,
        };
        assert!(mode.matches("pi = 3.14159", "pi = 3.141"));
        assert!(!mode.matches("pi = 3.14159", "pi = 3.1"));
        assert!(!mode.matches("pi = 3.14", "tau = 3.14"));
        assert!(!mode.matches("1 2", "1 2 3"));
        // Relative to large expected values.
        assert!(mode.matches("1000000", "1000100"));
        // Non-finite values compare as text.
        assert!(mode.matches("NaN inf", "NaN inf"));
        assert!(!mode.matches("NaN", "1"));
    }

    #[test]
    fn json_compares_values() {
        assert!(ok(
            "json",
            r#"{"a": 1, "b": [1, 2]}"#,
            "{\"b\":[1,2],\"a\":1.0}\n"
        ));
        assert!(!ok("json", r#"{"a": 1}"#, r#"{"a": 2}"#));
        assert!(!ok("json", r#"{"a": 1}"#, "not json"));
        assert!(
            Compare::new(Comparison::Json)
                .check_expected("{oops")
                .is_err()
        );
    }

    #[test]
    fn unordered_lines_is_a_multiset() {
        assert!(ok("unordered_lines", "a\nb\nb\n", "b\na\nb \n"));
        assert!(!ok("unordered_lines", "a\nb\nb\n", "a\nb\n"));
    }

    #[test]
    fn every_mode_has_a_spec_name_listed_in_the_schema() {
        let names = Comparison::names();
        for known in [
            "exact",
            "trailing_whitespace",
            "regex",
            "numbers",
            "unordered_lines",
        ] {
            assert!(names.iter().any(|n| n == known), "{known} in {names:?}");
        }
        for name in &names {
            let mode = Comparison::from_name(name).unwrap();
            assert!(!Compare::new(mode).describe().is_empty());
        }
        assert_eq!(Comparison::from_name("fuzzy"), None);
        assert_eq!(Comparison::default(), Comparison::TrailingWhitespace);
    }

    #[test]
    fn diff_is_unified_with_headers() {
        let diff = unified_diff("1\n2\n3\n", "1\n20\n3\n").unwrap();
        assert!(diff.starts_with("--- expected\n+++ actual\n"), "{diff}");
        assert!(diff.contains("-2\n+20\n"), "{diff}");
        assert_eq!(unified_diff("same", "same"), None);
    }

    #[test]
    fn diff_shows_a_missing_final_newline() {
        let diff = unified_diff("8\n", "8").unwrap();
        assert!(diff.contains("No newline at end of file"), "{diff}");
    }
}
