//! Comparing a command's output with what the spec expects, and showing the difference.

use similar::TextDiff;

/// How an output is compared with the expected text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    /// Byte for byte.
    Exact,
    /// Trailing spaces on each line and trailing blank lines are ignored (the default).
    TrailingWhitespace,
    /// Any run of whitespace equals any other; leading and trailing whitespace is ignored.
    Whitespace,
    /// The expected text is a regular expression that must match the whole output.
    Regex,
    /// Whitespace-separated tokens; numbers equal within `tolerance` (absolute, or relative to
    /// the expected value when that is larger), other tokens exactly.
    Numbers {
        /// Largest accepted difference.
        tolerance: f64,
    },
    /// Both sides parse as JSON and are equal as values (key order and spacing don't matter).
    Json,
    /// The same lines in any order (trailing whitespace ignored).
    UnorderedLines,
}

impl Comparison {
    /// Spec names of every mode.
    pub const NAMES: [&'static str; 7] = [
        "exact",
        "trailing_whitespace",
        "whitespace",
        "regex",
        "numbers",
        "json",
        "unordered_lines",
    ];

    /// The mode a spec names, with the default tolerance for `numbers`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "exact" => Comparison::Exact,
            "trailing_whitespace" => Comparison::TrailingWhitespace,
            "whitespace" => Comparison::Whitespace,
            "regex" => Comparison::Regex,
            "numbers" => Comparison::Numbers { tolerance: 1e-6 },
            "json" => Comparison::Json,
            "unordered_lines" => Comparison::UnorderedLines,
            _ => return None,
        })
    }

    /// The spec name of this mode.
    pub fn name(&self) -> &'static str {
        match self {
            Comparison::Exact => "exact",
            Comparison::TrailingWhitespace => "trailing_whitespace",
            Comparison::Whitespace => "whitespace",
            Comparison::Regex => "regex",
            Comparison::Numbers { .. } => "numbers",
            Comparison::Json => "json",
            Comparison::UnorderedLines => "unordered_lines",
        }
    }

    /// Checks that an expected text can be used with this mode (a regex compiles, JSON parses).
    pub fn check_expected(&self, expected: &str) -> Result<(), String> {
        match self {
            Comparison::Regex => whole_match(expected).map(|_| ()).map_err(|e| {
                // The regex crate explains on several lines; its last line names the problem.
                let text = e.to_string();
                let last = text
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                format!(
                    "invalid regular expression: {}",
                    last.trim_start_matches("error: ")
                )
            }),
            Comparison::Json => serde_json::from_str::<serde_json::Value>(expected)
                .map(|_| ())
                .map_err(|e| format!("expected output is not valid JSON: {e}")),
            _ => Ok(()),
        }
    }

    /// Whether `actual` is acceptable for `expected` under this mode.
    pub fn matches(&self, expected: &str, actual: &str) -> bool {
        match self {
            Comparison::Exact => expected == actual,
            Comparison::TrailingWhitespace => trim_trailing(expected) == trim_trailing(actual),
            Comparison::Whitespace => expected.split_whitespace().eq(actual.split_whitespace()),
            Comparison::Regex => whole_match(expected).is_ok_and(|re| re.is_match(actual)),
            Comparison::Numbers { tolerance } => {
                let (e, a): (Vec<_>, Vec<_>) = (
                    expected.split_whitespace().collect(),
                    actual.split_whitespace().collect(),
                );
                e.len() == a.len()
                    && e.iter()
                        .zip(&a)
                        .all(|(e, a)| tokens_match(e, a, *tolerance))
            }
            Comparison::Json => {
                match (
                    serde_json::from_str::<serde_json::Value>(expected),
                    serde_json::from_str::<serde_json::Value>(actual),
                ) {
                    (Ok(e), Ok(a)) => json_eq(&e, &a),
                    _ => false,
                }
            }
            Comparison::UnorderedLines => {
                let mut e = lines_trimmed(expected);
                let mut a = lines_trimmed(actual);
                e.sort_unstable();
                a.sort_unstable();
                e == a
            }
        }
    }
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

fn trim_trailing(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
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
        Comparison::from_name(mode)
            .unwrap()
            .matches(expected, actual)
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
            Comparison::Regex
                .check_expected("(unclosed")
                .unwrap_err()
                .contains("invalid regular expression")
        );
    }

    #[test]
    fn numbers_within_tolerance() {
        let mode = Comparison::Numbers { tolerance: 0.01 };
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
        assert!(Comparison::Json.check_expected("{oops").is_err());
    }

    #[test]
    fn unordered_lines_is_a_multiset() {
        assert!(ok("unordered_lines", "a\nb\nb\n", "b\na\nb \n"));
        assert!(!ok("unordered_lines", "a\nb\nb\n", "a\nb\n"));
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
