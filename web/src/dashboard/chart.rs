//! A project's score history as a small SVG line chart, drawn on the server (no script, no
//! inline style: the Content-Security-Policy allows neither).

use checker::report::format_percent;
use maud::{Markup, html};

const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 60.0;
const PAD: f64 = 5.0;
/// Room for the axis labels.
const LEFT: f64 = 30.0;

/// One graded submission: its id and score.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Point {
    pub submission: i64,
    pub score: f64,
}

/// The chart of `points` (oldest first); its accessible name lists the scores.
pub(crate) fn history(points: &[Point]) -> Markup {
    let n = points.len();
    let x = |i: usize| {
        if n <= 1 {
            (LEFT + WIDTH - PAD) / 2.0
        } else {
            LEFT + (WIDTH - LEFT - PAD) * i as f64 / (n - 1) as f64
        }
    };
    let y = |score: f64| PAD + (HEIGHT - 2.0 * PAD) * (1.0 - score.clamp(0.0, 100.0) / 100.0);
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.score)))
        .collect();
    let scores: Vec<String> = points
        .iter()
        .map(|p| format!("{}%", format_percent(p.score)))
        .collect();
    let label = format!(
        "Score history, oldest first: {}",
        if scores.is_empty() {
            "no graded submission yet".to_owned()
        } else {
            scores.join(", ")
        }
    );
    html! {
        svg.chart viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label=(label) {
            title { (label) }
            text x="0" y=(y(100.0) + 3.0) aria-hidden="true" { "100%" }
            text x="0" y=(y(0.0) + 3.0) aria-hidden="true" { "0%" }
            line.grid x1=(LEFT) x2=(WIDTH) y1=(y(100.0)) y2=(y(100.0)) {}
            line.grid x1=(LEFT) x2=(WIDTH) y1=(y(50.0)) y2=(y(50.0)) {}
            line.axis x1=(LEFT) x2=(WIDTH) y1=(y(0.0)) y2=(y(0.0)) {}
            @if n > 1 {
                polyline points=(line.join(" ")) {}
            }
            @for (i, p) in points.iter().enumerate() {
                circle cx=(format!("{:.1}", x(i))) cy=(format!("{:.1}", y(p.score))) r="3" {
                    title { "#" (p.submission) ": " (format_percent(p.score)) "%" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_names_its_scores_and_draws_each() {
        let svg = history(&[
            Point {
                submission: 1,
                score: 0.0,
            },
            Point {
                submission: 2,
                score: 50.0,
            },
            Point {
                submission: 3,
                score: 100.0,
            },
        ])
        .into_string();
        assert!(svg.contains("oldest first: 0%, 50%, 100%"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("points=\"30.0,55.0 132.5,30.0 235.0,5.0\""));
        assert!(
            history(&[])
                .into_string()
                .contains("no graded submission yet")
        );
    }
}
