//! The generator: service models in botocore JSON in, Rust SDK crates out.
//!
//! ```text
//! model file --load--> model (serde mirror) --resolve--> IR --emit--> files
//! ```
//!
//! [`generate`] runs the whole pipeline for one model; `xtask` writes or
//! checks the files.

mod emit;
pub mod ir;
pub mod load;
pub mod model;
pub mod protocol_tests;

use std::fmt;
use std::path::PathBuf;

pub use emit::{EmitError, EmitErrorKind};
pub use ir::{Problem, ProblemKind};
pub use load::LoadError;

/// One file of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the crate's directory, e.g. `src/types.rs`.
    pub path: PathBuf,
    pub contents: String,
}

/// Why a model could not be turned into a crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{}", ModelProblems { file, problems })]
    Model {
        file: String,
        problems: Vec<Problem>,
    },
    #[error(transparent)]
    Emit(#[from] EmitError),
}

struct ModelProblems<'a> {
    file: &'a str,
    problems: &'a [Problem],
}

impl fmt::Display for ModelProblems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        write!(f, "{}: {count} {noun} in the model", self.file)?;
        for problem in self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

/// What to generate from which model.
#[derive(Debug, Clone, Default)]
pub struct Input<'a> {
    /// The model file's path as shown in messages and generated headers,
    /// e.g. `models/bedrock-runtime.json`.
    pub model_file: &'a str,
    /// The model file's contents.
    pub model_text: &'a str,
    /// The generated crate's package name, e.g. `bedrock-runtime`.
    pub crate_name: &'a str,
    /// `paginators-1.json`, as a file name and its contents.
    pub paginators: Option<(&'a str, &'a str)>,
    /// `endpoint-rule-set-1.json`, as a file name and its contents.
    pub endpoint_rules: Option<(&'a str, &'a str)>,
    /// `endpoint-tests-1.json`, as a file name and its contents.
    pub endpoint_tests: Option<(&'a str, &'a str)>,
    /// AWS's `partitions.json`, needed with endpoint rules.
    pub partitions: Option<(&'a str, &'a str)>,
}

/// A generated crate, and what the generator could not honour in it.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file of the crate, in path order.
    pub files: Vec<GeneratedFile>,
    /// Parts of the model the crate does not enforce (a `pattern` no
    /// ECMA-262 engine accepts, ...), each at its path; the crate's docs
    /// say the same where it matters to a caller.
    pub warnings: Vec<Problem>,
}

/// Loads, resolves and emits one model.
pub fn generate(input: &Input<'_>) -> Result<Generated, Error> {
    let model = load::parse_model(input.model_file, input.model_text)?;
    let paginators: Option<model::Paginators> = input
        .paginators
        .map(|(file, text)| load::parse_file(file, text))
        .transpose()?;
    let rules: Option<serde_json::Value> = input
        .endpoint_rules
        .map(|(file, text)| load::parse_file(file, text))
        .transpose()?;
    let tests: Option<model::EndpointTests> = input
        .endpoint_tests
        .map(|(file, text)| load::parse_file(file, text))
        .transpose()?;
    let partitions: Option<serde_json::Value> = input
        .partitions
        .map(|(file, text)| load::parse_file(file, text))
        .transpose()?;
    let endpoint_rules = match (&rules, &partitions) {
        (Some(rules), Some(partitions)) => Some((rules, partitions)),
        (Some(_), None) => {
            return Err(Error::Model {
                file: input.model_file.to_owned(),
                problems: vec![Problem {
                    path: "partitions".to_owned(),
                    kind: ProblemKind::Unsupported {
                        what: "an endpoint rule set without partitions.json".to_owned(),
                    },
                }],
            });
        }
        _ => None,
    };
    let sources = ir::Sources {
        model: &model,
        crate_name: input.crate_name,
        model_file: input.model_file,
        paginators: paginators.as_ref(),
        endpoint_rules,
        endpoint_tests: tests.as_ref(),
    };
    let service = ir::resolve_sources(&sources).map_err(|problems| Error::Model {
        file: input.model_file.to_owned(),
        problems,
    })?;
    let files = emit::emit(&service)?;
    Ok(Generated {
        files,
        warnings: service.warnings,
    })
}
