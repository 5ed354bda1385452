//! Check kinds: one module per kind, each owning its YAML keys, their validation, how the
//! check runs in the sandbox and how its outcome is judged.
//!
//! A kind is a type implementing [`Kind`] and one line in the [`registry!`] call below, the only
//! place that names every kind. The keys shared by all kinds (`name`, `points`, ...) live in
//! [`CommonKeys`]; a check's YAML map is read key by key, each key going to the part that owns
//! it, so every value keeps its line and column for error messages.

pub mod file;
pub mod http;
pub mod run;
pub mod style;
pub mod tests;

use std::borrow::Cow;
use std::future::Future;
use std::sync::LazyLock;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

use crate::report::CheckReport;
use crate::spec::{Check, Limits, Project, RawLimits, Validator};
use crate::submission::Submission;

/// What a check kind is: its keys, how they become a check, and how the check runs.
pub trait Kind: Sized {
    /// The key that makes a check of this kind, e.g. `run`.
    const KEY: &'static str;
    /// How a spec writer adds one, for hints, e.g. "`file: <path>`".
    const USAGE: &'static str;
    /// The kind's own keys as written (the discriminating [`Kind::KEY`] among them).
    type Keys: Keys;

    /// Where the discriminating key's value is written, for errors about the whole kind.
    fn located(keys: &Self::Keys) -> Option<(u64, u64)>;

    /// Turns the keys of a check (its discriminating key is given) into a check of this kind,
    /// reporting every problem to `spec`; `None` when the check cannot be built at all.
    fn validate(keys: &Self::Keys, spec: &mut Validator, limits: Limits) -> Option<Self>;

    /// Runs the check for a submission and judges the outcome. Failures of the platform become
    /// [`crate::report::Verdict::InternalError`], never a learner's verdict.
    fn execute(&self, context: &Context<'_>) -> impl Future<Output = CheckReport> + Send;
}

/// Everything a check may use while it runs.
pub struct Context<'a> {
    /// The sandbox of the submission, with the grader's and learner's files in place.
    pub sandbox: &'a sandbox::Sandbox,
    /// The project being graded.
    pub project: &'a Project,
    /// The learner's files.
    pub submission: &'a Submission,
    /// The check being run.
    pub check: &'a Check,
    /// What the checks of this grading share across its lanes.
    pub shared: &'a Shared,
}

/// Work done once per grading for the checks of every lane that need it.
#[derive(Default)]
pub struct Shared {
    /// One ESLint run per rule set, over the files of every check that lints with it: loading
    /// ESLint costs about ten starts of Node, linting a file little.
    pub(crate) lints: style::LintRuns,
}

impl Context<'_> {
    /// A result without outputs for this check, explained by `reason`.
    pub fn explained(&self, verdict: crate::report::Verdict, reason: String) -> CheckReport {
        let check = self.check;
        CheckReport::explained(&check.name, verdict, check.points, check.hidden, reason)
    }
}

/// A group of YAML keys of a check, read one key at a time. Written with [`keys!`].
pub trait Keys: Default + JsonSchema {
    /// Every key of the group, in the order errors mention them.
    const NAMES: &'static [&'static str];

    /// Reads the value of `key` when the group owns it; `Ok(false)` when it doesn't.
    fn take<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;

    /// The keys that were given, in [`Keys::NAMES`] order.
    fn given(&self) -> Vec<&'static str>;
}

/// Declares a group of check keys: a struct of optional fields (doc comments become the JSON
/// Schema's descriptions) and its [`Keys`] implementation, from one list.
macro_rules! keys {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident: Option<$ty:ty>, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default, schemars::JsonSchema)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: Option<$ty>, )*
        }

        impl $crate::checks::Keys for $name {
            const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            fn take<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    $(stringify!($field) => {
                        if self.$field.is_some() {
                            return Err(serde::de::Error::duplicate_field(stringify!($field)));
                        }
                        self.$field = map.next_value()?;
                    })*
                    _ => return Ok(false),
                }
                Ok(true)
            }

            fn given(&self) -> Vec<&'static str> {
                let mut given = Vec::new();
                $(if self.$field.is_some() {
                    given.push(stringify!($field));
                })*
                given
            }
        }
    };
}
pub(crate) use keys;

keys! {
    /// The keys every check has, whatever its kind.
    pub struct CommonKeys {
        /// What the check verifies, shown to the learner; unique in its task.
        #[schemars(with = "String")]
        pub name: Option<Spanned<String>>,
        /// Hide expected and actual output from the learner.
        pub hidden: Option<bool>,
        /// Points this check is worth (default 1).
        #[schemars(with = "Option<u32>")]
        pub points: Option<Spanned<u32>>,
        /// When this check fails, the rest of its task is skipped.
        pub gate: Option<bool>,
        /// A hint shown to the learner when the check fails.
        pub message: Option<String>,
        /// Limits of this check (time and output only).
        pub limits: Option<RawLimits>,
    }
}

/// Declares the registry: the kinds enum, the keys of every kind, and the dispatch over them.
macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident($module:ident::$kind:ident), )+) => {
        /// What a check does: one variant per kind.
        #[derive(Debug, Clone)]
        pub enum CheckKind {
            $( $(#[$doc])* $variant($module::$kind), )+
        }

        /// The keys of every kind as written in one check (most are absent).
        #[derive(Debug, Default)]
        pub struct KindKeys {
            $(
                #[doc = concat!("Keys of a `", stringify!($module), "` check.")]
                pub $module: <$module::$kind as Kind>::Keys,
            )+
        }

        impl KindKeys {
            fn take<'de, A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                $( if self.$module.take(key, map)? { return Ok(true); } )+
                Ok(false)
            }

            /// Per kind: its discriminating key, its usage, the keys given, all its keys.
            fn each(&self) -> Vec<KindInfo> {
                vec![$(KindInfo {
                    key: <$module::$kind as Kind>::KEY,
                    usage: <$module::$kind as Kind>::USAGE,
                    given: self.$module.given(),
                    at: <$module::$kind as Kind>::located(&self.$module),
                    names: <<$module::$kind as Kind>::Keys as Keys>::NAMES,
                }),+]
            }

            fn validate(
                &self,
                key: &str,
                spec: &mut Validator,
                limits: Limits,
            ) -> Option<CheckKind> {
                $(if key == <$module::$kind as Kind>::KEY {
                    return <$module::$kind as Kind>::validate(&self.$module, spec, limits)
                        .map(CheckKind::$variant);
                })+
                None
            }

            fn schemas(generator: &mut SchemaGenerator) -> Vec<Schema> {
                vec![$(<<$module::$kind as Kind>::Keys as JsonSchema>::json_schema(generator)),+]
            }

            fn names() -> Vec<&'static str> {
                let mut names = Vec::new();
                $(names.extend(<<$module::$kind as Kind>::Keys as Keys>::NAMES);)+
                names
            }
        }

        impl CheckKind {
            /// Runs the check and judges it.
            pub async fn execute(&self, context: &Context<'_>) -> CheckReport {
                match self {
                    $( CheckKind::$variant(check) => check.execute(context).await, )+
                }
            }
        }
    };
}

registry! {
    /// The learner file exists and is a regular file.
    File(file::FileCheck),
    /// Run a command and compare what it prints and returns.
    Run(run::RunCheck),
    /// Run the learner's tests against correct code and against broken versions of it.
    Tests(tests::TestsCheck),
    /// A style tool (pycodestyle, pep8, docstrings, annotations, mypy) finds nothing.
    Style(style::StyleCheck),
    /// Start the learner's server and judge its answers to a sequence of HTTP requests.
    Http(http::HttpCheck),
}

/// What the registry tells about one kind, for the errors that concern several kinds.
struct KindInfo {
    key: &'static str,
    usage: &'static str,
    given: Vec<&'static str>,
    at: Option<(u64, u64)>,
    names: &'static [&'static str],
}

/// One check as written in a spec: the shared keys and the keys of its kind.
#[derive(Debug)]
pub struct RawCheck {
    /// What the check verifies; its position is where check-level errors point.
    pub name: Spanned<String>,
    /// The keys every check has.
    pub common: CommonKeys,
    /// The keys of each kind.
    pub kinds: KindKeys,
}

/// Every key a check may have, for "unknown field" errors.
static ALL_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut names = CommonKeys::NAMES.to_vec();
    names.extend(KindKeys::names());
    names
});

impl<'de> Deserialize<'de> for RawCheck {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CheckVisitor;

        impl<'de> Visitor<'de> for CheckVisitor {
            type Value = RawCheck;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a check: a map with `name` and the keys of its kind")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCheck, A::Error> {
                let mut common = CommonKeys::default();
                let mut kinds = KindKeys::default();
                while let Some(key) = map.next_key::<String>()? {
                    if !common.take(&key, &mut map)? && !kinds.take(&key, &mut map)? {
                        return Err(de::Error::unknown_field(&key, ALL_KEYS.as_slice()));
                    }
                }
                let name = common
                    .name
                    .take()
                    .ok_or_else(|| de::Error::missing_field("name"))?;
                Ok(RawCheck {
                    name,
                    common,
                    kinds,
                })
            }
        }

        deserializer.deserialize_map(CheckVisitor)
    }
}

impl JsonSchema for RawCheck {
    fn schema_name() -> Cow<'static, str> {
        "RawCheck".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        let parts =
            std::iter::once(CommonKeys::json_schema(generator)).chain(KindKeys::schemas(generator));
        for part in parts {
            if let Some(own) = part.get("properties").and_then(|p| p.as_object()) {
                properties.extend(own.clone());
            }
            if let Some(own) = part.get("required").and_then(|r| r.as_array()) {
                required.extend(own.clone());
            }
        }
        let kinds: Vec<String> = KindKeys::default()
            .each()
            .iter()
            .map(|kind| format!("`{}`", kind.key))
            .collect();
        json_schema!({
            "description": format!(
                "One check; its kind is given by one of the keys {}.",
                kinds.join(", ")
            ),
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }
}

/// Validates the kind of a check: exactly one kind's key, no key of another kind.
pub(crate) fn validate(raw: &RawCheck, spec: &mut Validator, limits: Limits) -> Option<CheckKind> {
    let at = Validator::loc(&raw.name);
    let kinds = raw.kinds.each();
    let chosen: Vec<&KindInfo> = kinds.iter().filter(|k| k.given.contains(&k.key)).collect();
    let quoted = |kinds: &mut dyn Iterator<Item = &KindInfo>, joint: &str| {
        kinds
            .map(|k| format!("`{}`", k.key))
            .collect::<Vec<_>>()
            .join(joint)
    };
    let kind = match chosen.as_slice() {
        [] => {
            let hint = kinds
                .iter()
                .rev()
                .map(|k| k.usage)
                .collect::<Vec<_>>()
                .join(" or ");
            spec.error(
                at,
                format!(
                    "check `{}` has neither {}",
                    raw.name.value,
                    quoted(&mut kinds.iter(), " nor ")
                ),
                Some(&format!("add {hint}")),
            );
            return None;
        }
        [kind] => kind,
        [first, ..] => {
            let at = first.at.unwrap_or(at);
            spec.error(
                at,
                format!(
                    "a check has either {}, not both",
                    quoted(&mut chosen.iter().copied(), " or ")
                ),
                Some("split it into two checks"),
            );
            return None;
        }
    };
    for other in kinds.iter().filter(|k| k.key != kind.key) {
        for key in other.given.iter().filter(|key| !kind.names.contains(key)) {
            spec.error(
                at,
                format!("`{key}` has no meaning in a `{}` check", kind.key),
                Some(&format!("use it with a `{}` check", other.key)),
            );
        }
    }
    let limits = match &raw.common.limits {
        Some(own) => spec.limits(own, limits, false),
        None => limits,
    };
    raw.kinds.validate(kind.key, spec, limits)
}
