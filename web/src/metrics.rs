//! `/metrics` in the Prometheus text format, from the store's figures (so every server and
//! worker of one database reports the same numbers).

use std::fmt::Write;

use store::Stats;

/// Renders queue depth, submissions by status, the grading time histogram and verdict counts.
pub(crate) fn render(stats: &Stats) -> String {
    let mut out = String::new();
    let count = |status: &str| {
        stats
            .by_status
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    };
    let _ = writeln!(
        out,
        "# HELP checker_queue_depth Submissions waiting for a worker."
    );
    let _ = writeln!(out, "# TYPE checker_queue_depth gauge");
    let _ = writeln!(out, "checker_queue_depth {}", count("queued"));
    let _ = writeln!(out, "# HELP checker_submissions Submissions by status.");
    let _ = writeln!(out, "# TYPE checker_submissions gauge");
    for status in ["queued", "running", "graded", "failed"] {
        let _ = writeln!(
            out,
            "checker_submissions{{status=\"{status}\"}} {}",
            count(status)
        );
    }
    let _ = writeln!(
        out,
        "# HELP checker_grading_seconds Time to grade a submission."
    );
    let _ = writeln!(out, "# TYPE checker_grading_seconds histogram");
    for (bound_ms, n) in &stats.grading_buckets {
        let le = *bound_ms as f64 / 1000.0;
        let _ = writeln!(out, "checker_grading_seconds_bucket{{le=\"{le}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "checker_grading_seconds_bucket{{le=\"+Inf\"}} {}",
        stats.graded
    );
    let _ = writeln!(
        out,
        "checker_grading_seconds_sum {}",
        stats.grading_ms_sum as f64 / 1000.0
    );
    let _ = writeln!(out, "checker_grading_seconds_count {}", stats.graded);
    let _ = writeln!(
        out,
        "# HELP checker_check_verdicts_total Checks of graded submissions by verdict."
    );
    let _ = writeln!(out, "# TYPE checker_check_verdicts_total counter");
    for (verdict, n) in &stats.verdicts {
        let _ = writeln!(
            out,
            "checker_check_verdicts_total{{verdict=\"{verdict}\"}} {n}"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let stats = Stats {
            by_status: vec![("graded".into(), 2), ("queued".into(), 3)],
            graded: 2,
            grading_ms_sum: 9_500,
            grading_buckets: vec![(1_000, 0), (5_000, 1), (10_000, 2)],
            verdicts: vec![("passed".into(), 30), ("wrong_output".into(), 3)],
        };
        let text = render(&stats);
        assert!(text.contains("checker_queue_depth 3\n"));
        assert!(text.contains("checker_submissions{status=\"running\"} 0\n"));
        assert!(text.contains("checker_grading_seconds_bucket{le=\"5\"} 1\n"));
        assert!(text.contains("checker_grading_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("checker_grading_seconds_sum 9.5\n"));
        assert!(text.contains("checker_check_verdicts_total{verdict=\"wrong_output\"} 3\n"));
    }
}
