//! The projects a server accepts and its workers grade, loaded once at start.

use std::collections::BTreeMap;
use std::path::Path;

use checker::spec::{self, Project};
use store::ProjectVersion;

/// Every valid project of a tasks directory, by id.
#[derive(Debug, Default)]
pub struct Curriculum {
    projects: BTreeMap<String, Project>,
}

impl Curriculum {
    /// Loads the projects under `tasks_dir`. Invalid specs are logged and left out, so one broken
    /// project never takes the others down; a directory without any valid project is an error.
    pub fn load(tasks_dir: &Path) -> anyhow::Result<Curriculum> {
        let (projects, errors) = spec::load_curriculum(tasks_dir);
        for error in &errors {
            tracing::error!("spec problem, project left out: {error}");
        }
        if projects.is_empty() {
            anyhow::bail!(
                "no valid project under {}; point --tasks-dir at the curriculum and run \
                 `checker tasks validate` there",
                tasks_dir.display()
            );
        }
        Ok(Curriculum::from_projects(projects))
    }

    /// A curriculum of already loaded projects.
    pub fn from_projects(projects: Vec<Project>) -> Curriculum {
        Curriculum {
            projects: projects.into_iter().map(|p| (p.id.clone(), p)).collect(),
        }
    }

    /// The project with this id.
    pub fn get(&self, id: &str) -> Option<&Project> {
        self.projects.get(id)
    }

    /// All projects, by id.
    pub fn projects(&self) -> impl Iterator<Item = &Project> {
        self.projects.values()
    }

    /// Project ids, comma separated, for error hints.
    pub fn ids(&self) -> String {
        self.projects.keys().cloned().collect::<Vec<_>>().join(", ")
    }

    /// What the store records about each project's current spec.
    pub fn versions(&self) -> Vec<ProjectVersion> {
        self.projects
            .values()
            .map(|project| ProjectVersion {
                project_id: project.id.clone(),
                version: project.version.clone(),
                title: project.title.clone(),
                spec: std::fs::read_to_string(project.dir.join(spec::SPEC_FILE))
                    .unwrap_or_default(),
                learner_files: project
                    .learner_files()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            })
            .collect()
    }
}
