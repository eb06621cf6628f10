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

use std::fmt;
use std::path::PathBuf;

pub use emit::EmitError;
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
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The model file's path as shown in messages and generated headers,
    /// e.g. `models/bedrock-runtime.json`.
    pub model_file: &'a str,
    /// The model file's contents.
    pub model_text: &'a str,
    /// The generated crate's package name, e.g. `bedrock-runtime`.
    pub crate_name: &'a str,
}

/// Loads, resolves and emits one model; every file of its crate, in path order.
pub fn generate(input: &Input<'_>) -> Result<Vec<GeneratedFile>, Error> {
    let model = load::parse_model(input.model_file, input.model_text)?;
    let service = ir::resolve(&model, input.crate_name, input.model_file).map_err(|problems| {
        Error::Model {
            file: input.model_file.to_owned(),
            problems,
        }
    })?;
    Ok(emit::emit(&service)?)
}
