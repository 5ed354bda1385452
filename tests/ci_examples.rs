//! The pipeline examples in docs/ci are not decoration: their `checker` commands run here, in a
//! copy of a learner's repository, and must pass on the reference and fail below the threshold.

mod support;

use std::path::Path;

use support::docker::docker_ready;
use support::fixtures::{self, copy_dir};
use support::*;

/// The `checker ...` command lines of an example (in `run:` blocks or `script:` lists).
fn checker_commands(example: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("docs/ci").join(example)).unwrap();
    text.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches("- ")
                .trim_start_matches("sudo ")
        })
        .filter(|l| l.starts_with("checker "))
        .map(str::to_owned)
        .collect()
}

/// A learner's repository: the project folder the curriculum names, and the curriculum.
fn learner_repo(solution: &str) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    copy_dir(
        fixtures::submission("es6-data-manipulation", solution).path(),
        &repo.path().join("0x03-ES6_data_manipulation"),
    );
    copy_dir(&root().join("tasks"), &repo.path().join("checker-tasks"));
    repo
}

/// Runs an example's commands in `repo`; returns the last exit code.
fn run_example(example: &str, repo: &Path) -> Option<i32> {
    let commands = checker_commands(example);
    assert!(commands.len() >= 2, "{example} has no checker commands");
    let mut code = None;
    for command in commands {
        let mut words = command.split_whitespace().skip(1);
        let output = checker()
            .current_dir(repo)
            .args(&mut words)
            .output()
            .unwrap();
        code = output.status.code();
        if code != Some(0) {
            println!("{command}: {code:?}\n{}", stderr(&output));
            break;
        }
    }
    code
}

fn junit_testcases(path: &Path) -> usize {
    let xml = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut cases = 0;
    loop {
        match reader.read_event().expect("well-formed JUnit XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.name().as_ref() == b"testcase" =>
            {
                cases += 1
            }
            quick_xml::events::Event::Eof => return cases,
            _ => {}
        }
    }
}

/// One JUnit test case per check of the ES6 project's spec.
fn checks_of_the_project() -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tasks/es6-data-manipulation");
    let project = checker::spec::Project::load(&dir).expect("the shipped spec loads");
    project.tasks.iter().map(|t| t.checks.len()).sum()
}

#[test]
fn the_pipeline_examples_pass_the_reference_and_write_junit() {
    if !docker_ready() {
        return;
    }
    for example in ["github-actions.yml", "gitlab-ci.yml"] {
        let repo = learner_repo("reference");
        assert_eq!(run_example(example, repo.path()), Some(0), "{example}");
        assert_eq!(
            junit_testcases(&repo.path().join("checker-junit.xml")),
            checks_of_the_project()
        );
    }
}

#[test]
fn the_pipeline_examples_fail_a_build_below_the_threshold() {
    if !docker_ready() {
        return;
    }
    // Missing task 8 costs 4 of 44 points: 90.91% passes --min-score 80; so does wrong-output.
    // A submission missing most files does not.
    let repo = learner_repo("reference");
    let project = repo.path().join("0x03-ES6_data_manipulation");
    for file in [
        "3-get_ids_sum.js",
        "4-update_grade_by_city.js",
        "5-typed_arrays.js",
        "6-set.js",
    ] {
        std::fs::remove_file(project.join(file)).unwrap();
    }
    assert_eq!(run_example("gitlab-ci.yml", repo.path()), Some(1));
    // The failing build still leaves its report for the CI system to show.
    assert_eq!(
        junit_testcases(&repo.path().join("checker-junit.xml")),
        checks_of_the_project()
    );
}
