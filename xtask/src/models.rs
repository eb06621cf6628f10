//! Reading a directory of models laid out as `models/` is: `<crate>.json`,
//! with `<crate>.paginators.json`, `<crate>.endpoint-rule-set.json` and
//! `<crate>.endpoint-tests.json` beside it, and `shared/partitions.json`
//! for every model. `codegen` and `sweep` both read models this way.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One model file and its companions, read into memory.
pub struct ModelFiles {
    /// The crate name: the model file's stem.
    pub crate_name: String,
    /// The model file as shown in messages and generated headers.
    pub shown: String,
    pub text: String,
    pub paginators: Option<(String, String)>,
    pub endpoint_rules: Option<(String, String)>,
    pub endpoint_tests: Option<(String, String)>,
}

impl ModelFiles {
    /// Reads `<dir>/<crate_name>.json` and its companions; `shown_dir` is
    /// the directory as messages name it (`models`).
    pub fn read(dir: &Path, shown_dir: &str, crate_name: &str) -> Result<Self, String> {
        let shown = format!("{shown_dir}/{crate_name}.json");
        let text = fs::read_to_string(dir.join(format!("{crate_name}.json")))
            .map_err(|e| format!("{shown}: {e}"))?;
        let sibling = |kind: &str| -> Result<Option<(String, String)>, String> {
            let name = format!("{crate_name}.{kind}.json");
            Ok(read_optional(&dir.join(&name))?.map(|text| (format!("{shown_dir}/{name}"), text)))
        };
        Ok(ModelFiles {
            crate_name: crate_name.to_owned(),
            shown,
            text,
            paginators: sibling("paginators")?,
            endpoint_rules: sibling("endpoint-rule-set")?,
            endpoint_tests: sibling("endpoint-tests")?,
        })
    }

    /// Every file's text, in a fixed order, for content hashes.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        [&self.paginators, &self.endpoint_rules, &self.endpoint_tests]
            .into_iter()
            .map(|file| file.as_ref().map_or("", |(_, text)| text.as_str()))
            .chain(std::iter::once(self.text.as_str()))
    }

    /// The generator's input for this model.
    pub fn input<'a>(
        &'a self,
        partitions: Option<&'a str>,
        shown_partitions: &'a str,
    ) -> codegen::Input<'a> {
        let pair = |file: &'a Option<(String, String)>| {
            file.as_ref().map(|(f, t)| (f.as_str(), t.as_str()))
        };
        codegen::Input {
            model_file: &self.shown,
            model_text: &self.text,
            crate_name: &self.crate_name,
            paginators: pair(&self.paginators),
            endpoint_rules: pair(&self.endpoint_rules),
            endpoint_tests: pair(&self.endpoint_tests),
            partitions: partitions.map(|t| (shown_partitions, t)),
        }
    }
}

/// The crate names of the models in `dir` (`<name>.json` whose stem has no
/// dot, so that companions are not taken for models), sorted.
pub fn list(dir: &Path) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter_map(|path| path.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .filter(|stem| !stem.contains('.'))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no models (*.json) in {}", dir.display()));
    }
    Ok(names)
}

/// The partition table the runtime embeds, relative to the workspace.
pub const RUNTIME_PARTITIONS: &str = "runtime/src/partitions.json";

/// `shared/partitions.json` of a models directory (a sweep's, laid out
/// from a botocore release), else the runtime's table, which the generated
/// crates resolve endpoints with.
pub fn partitions(dir: &Path) -> Result<Option<String>, String> {
    match read_optional(&dir.join("shared").join("partitions.json"))? {
        Some(text) => Ok(Some(text)),
        None => read_optional(&workspace_root().join(RUNTIME_PARTITIONS)),
    }
}

pub fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The workspace this xtask belongs to.
pub fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}
