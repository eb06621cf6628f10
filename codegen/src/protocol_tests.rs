//! botocore's protocol test suites as one generated crate with a `#[test]`
//! per case, the way smithy-rs turns `@httpRequestTests` into Rust tests.
//!
//! Each suite is a small model (`metadata`, `shapes`) with cases that name
//! their operation in `given`. Compiling ninety small crates would take far
//! longer than one, so every suite's shapes and operations are merged into
//! one model, renamed with the suite's number (`S12FooError`; an error keeps
//! its wire code as `error.code`). That model is generated like any other;
//! then each case becomes a test inside the crate that builds the input and
//! compares the request the crate serializes with the suite's `serialized`,
//! or feeds the suite's `response` to the crate's parser and compares what
//! it returns. Expectations stay in the fixtures, which the tests read.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::ir::Problem;
use crate::{Error, Generated};

/// One fixture file of suites.
#[derive(Debug, Clone)]
pub struct SuiteFile<'a> {
    /// As the tests' `include_str!` reaches it from the generated crate's
    /// `src/`, e.g. `../../../protocol-tests/botocore/input/rest-json.json`.
    pub include_path: &'a str,
    /// As shown in messages and test names, e.g. `input/rest-json.json`.
    pub name: &'a str,
    pub text: &'a str,
    /// Whether the cases are requests (`input/`) or responses (`output/`).
    pub direction: Direction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Input,
    Output,
}

/// What to generate the protocol-test crate from.
#[derive(Debug, Clone)]
pub struct Suites<'a> {
    /// The crate's package name, e.g. `protocol-tests-rest-json`.
    pub crate_name: &'a str,
    /// The protocol whose suites these are, as botocore's ignore list names
    /// it (`rest-json`).
    pub protocol: &'a str,
    pub files: Vec<SuiteFile<'a>>,
    /// botocore's `protocol-tests-ignore-list.json`.
    pub ignore_list: &'a str,
    /// Cases we know fail, `{"<case id>": "<reason>"}`: generated as
    /// `#[ignore]`d tests with the reason.
    pub known_failures: &'a str,
}

/// A case as the emitter needs it.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    /// The case's `id`, or `<file>#<suite>.<case>` for legacy cases without one.
    pub id: String,
    /// The operation, by its name in the merged model.
    pub operation: String,
    /// Index into the fixture files.
    pub file: usize,
    pub suite: usize,
    pub case: usize,
    pub direction: Direction,
    /// `params` (input) or `result` (output).
    pub values: Value,
    /// For an error case: the error shape, by its name in the merged
    /// model, and the code the response carries.
    pub error: Option<(String, String)>,
    /// Why the case is expected to fail, when it is.
    pub known_failure: Option<String>,
}

/// Merges the suites, generates the crate and its tests.
pub fn generate(suites: &Suites<'_>) -> Result<Generated, Error> {
    let parse = |file: &str, text: &str| -> Result<Value, Error> {
        crate::load::parse_file::<Value>(file, text).map_err(Error::from)
    };
    let ignore = Ignored::read(
        &parse("protocol-tests-ignore-list.json", suites.ignore_list)?,
        suites.protocol,
    );
    let known: BTreeMap<String, String> =
        crate::load::parse_file("known-failures.json", suites.known_failures)
            .map_err(Error::from)?;

    let mut merged = Merged::default();
    for (file_index, file) in suites.files.iter().enumerate() {
        let Value::Array(list) = parse(file.name, file.text)? else {
            return Err(malformed(file.name, "the file is not a list of suites"));
        };
        for (suite_index, suite) in list.iter().enumerate() {
            let description = suite
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if ignore.suites.iter().any(|s| s == description) {
                continue;
            }
            merged.add_suite(file_index, file, suite_index, suite, &ignore, &known)?;
        }
    }
    let unused: Vec<&String> = known
        .keys()
        .filter(|id| !merged.cases.iter().any(|c| &c.id == *id))
        .collect();
    if !unused.is_empty() {
        return Err(malformed(
            "known-failures.json",
            &format!("lists cases that no suite has: {unused:?}"),
        ));
    }

    let mut metadata = serde_json::json!({
        "apiVersion": "2019-12-16",
        "endpointPrefix": "protocoltests",
        "protocol": suites.protocol,
        "serviceFullName": "botocore protocol tests",
        "serviceId": "Protocol Tests",
        "signatureVersion": "v4",
        "uid": "protocoltests-2019-12-16",
    });
    // What the suites say about the protocol (all must agree), else the
    // protocol the ignore list names.
    if let (Some(shared), Value::Object(metadata)) = (&merged.protocol_metadata, &mut metadata) {
        metadata.extend(shared.clone());
        // Each operation's target is its own suite's (below); the service
        // only needs one to be valid.
        metadata.insert(
            "targetPrefix".to_owned(),
            Value::String("ProtocolTests".to_owned()),
        );
    }
    let model = Value::Object(Map::from_iter([
        ("version".to_owned(), Value::String("2.0".to_owned())),
        ("metadata".to_owned(), metadata),
        ("operations".to_owned(), Value::Object(merged.operations)),
        ("shapes".to_owned(), Value::Object(merged.shapes)),
    ]));
    let model_file = format!("{} (merged)", suites.protocol);
    let text = serde_json::to_string(&model).map_err(|e| malformed(&model_file, &e.to_string()))?;
    let parsed = crate::load::parse_model(&model_file, &text)?;
    let mut service =
        crate::ir::resolve(&parsed, suites.crate_name, &model_file).map_err(|problems| {
            Error::Model {
                file: model_file.clone(),
                problems,
            }
        })?;
    service.protocol_tests = true;
    // Each suite is a service of its own: its operations keep its
    // `X-Amz-Target` prefix.
    for op in &mut service.operations {
        if let (Some(target), Some((prefix, name))) =
            (&mut op.rpc_target, merged.targets.get(&op.name))
        {
            *target = format!("{prefix}.{name}");
        }
    }
    let includes: Vec<(&str, &str)> = suites
        .files
        .iter()
        .map(|f| (f.include_path, f.name))
        .collect();
    let mut files = crate::emit::emit(&service)?;
    let tests = crate::emit::protocol_tests(&service, &merged.cases, &includes)?;
    files.extend(tests);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generated {
        files,
        warnings: service.warnings,
    })
}

fn malformed(file: &str, reason: &str) -> Error {
    Error::Model {
        file: file.to_owned(),
        problems: vec![Problem {
            path: String::new(),
            kind: crate::ProblemKind::Unsupported {
                what: format!("a protocol test file that {reason}"),
            },
        }],
    }
}

/// What botocore's ignore list skips for one protocol.
struct Ignored {
    /// Suites by description, whatever the protocol.
    suites: Vec<String>,
    input_cases: Vec<String>,
    output_cases: Vec<String>,
}

impl Ignored {
    fn read(list: &Value, protocol: &str) -> Ignored {
        let strings = |value: Option<&Value>| -> Vec<String> {
            value
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let general = list.pointer("/general/input/suites");
        let mut suites = strings(general);
        suites.extend(strings(list.pointer("/general/output/suites")));
        let protocol = list.get("protocols").and_then(|p| p.get(protocol));
        Ignored {
            suites,
            input_cases: strings(protocol.and_then(|p| p.pointer("/input/cases"))),
            output_cases: strings(protocol.and_then(|p| p.pointer("/output/cases"))),
        }
    }
}

/// The one model every suite is merged into, and the cases.
#[derive(Default)]
struct Merged {
    operations: Map<String, Value>,
    shapes: Map<String, Value>,
    cases: Vec<Case>,
    suites: usize,
    /// The metadata keys that decide how the protocol behaves
    /// (`protocol`, `jsonVersion`, `awsQueryCompatible`), as the first
    /// suite has them; every other suite must agree where it matters.
    protocol_metadata: Option<Map<String, Value>>,
    /// Merged operation name to its suite's `targetPrefix` and its own name.
    targets: BTreeMap<String, (String, String)>,
}

/// Metadata keys that change what a client sends or how it reads responses.
const PROTOCOL_KEYS: &[&str] = &["protocol", "jsonVersion", "awsQueryCompatible"];

impl Merged {
    fn add_suite(
        &mut self,
        file_index: usize,
        file: &SuiteFile<'_>,
        suite_index: usize,
        suite: &Value,
        ignore: &Ignored,
        known: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        self.check_metadata(file, suite)?;
        let target_prefix = suite
            .pointer("/metadata/targetPrefix")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let prefix = format!("S{}", self.suites);
        self.suites += 1;
        let rename = |name: &str| format!("{prefix}{name}");
        if let Some(shapes) = suite.get("shapes").and_then(Value::as_object) {
            for (name, shape) in shapes {
                let mut shape = shape.clone();
                rename_references(&mut shape, &rename);
                if shape.get("exception").and_then(Value::as_bool) == Some(true)
                    || shape.get("error").is_some()
                {
                    let error = shape.as_object_mut().map(|o| {
                        o.entry("error")
                            .or_insert_with(|| Value::Object(Map::new()))
                    });
                    if let Some(Value::Object(error)) = error {
                        error
                            .entry("code")
                            .or_insert_with(|| Value::String(name.clone()));
                    }
                }
                self.shapes.insert(rename(name), shape);
            }
        }
        let cases = suite
            .get("cases")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (case_index, case) in cases.iter().enumerate() {
            let id = case.get("id").and_then(Value::as_str).map_or_else(
                || format!("{}#{suite_index}.{case_index}", file.name),
                str::to_owned,
            );
            let ignored = match file.direction {
                Direction::Input => &ignore.input_cases,
                Direction::Output => &ignore.output_cases,
            };
            if ignored.contains(&id) {
                continue;
            }
            let Some(given) = case.get("given") else {
                return Err(malformed(
                    file.name,
                    &format!("has a case {id} without `given`"),
                ));
            };
            let op_name = given
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("Operation");
            let mut operation = given.clone();
            rename_references(&mut operation, &rename);
            let mut merged_name = rename(op_name);
            if let Some(existing) = self.operations.get(&merged_name)
                && existing != &operation
            {
                merged_name = format!("{merged_name}Case{case_index}");
            }
            if let Some(target_prefix) = &target_prefix {
                self.targets.insert(
                    merged_name.clone(),
                    (target_prefix.clone(), op_name.to_owned()),
                );
            }
            if let Some(o) = operation.as_object_mut() {
                o.insert("name".to_owned(), Value::String(merged_name.clone()));
                // Older response suites leave out the binding they do not test.
                o.entry("http")
                    .or_insert_with(|| serde_json::json!({"method": "POST", "requestUri": "/"}));
            }
            self.operations.insert(merged_name.clone(), operation);
            let (values, error) = match file.direction {
                Direction::Input => (
                    case.get("params")
                        .cloned()
                        .unwrap_or(Value::Object(Map::new())),
                    None,
                ),
                Direction::Output => match case.get("error") {
                    Some(error) => {
                        let code =
                            case.get("errorCode")
                                .and_then(Value::as_str)
                                .ok_or_else(|| {
                                    malformed(
                                        file.name,
                                        &format!("has an error case {id} without `errorCode`"),
                                    )
                                })?;
                        // The shape whose wire code this is: its own name,
                        // unless its `error.code` says otherwise.
                        let shape = suite
                            .get("shapes")
                            .and_then(Value::as_object)
                            .and_then(|shapes| {
                                shapes.iter().find(|(_, shape)| {
                                    shape.pointer("/error/code").and_then(Value::as_str)
                                        == Some(code)
                                })
                            })
                            .map_or(code, |(name, _)| name.as_str());
                        (error.clone(), Some((rename(shape), code.to_owned())))
                    }
                    None => (
                        case.get("result")
                            .cloned()
                            .unwrap_or(Value::Object(Map::new())),
                        None,
                    ),
                },
            };
            self.cases.push(Case {
                known_failure: known.get(&id).cloned(),
                id,
                operation: merged_name,
                file: file_index,
                suite: suite_index,
                case: case_index,
                direction: file.direction,
                values,
                error,
            });
        }
        Ok(())
    }
}

impl Merged {
    /// Takes the first suite's protocol metadata and checks that every
    /// other suite agrees: the merged crate is one service. A response
    /// suite may leave out the JSON version, which only changes requests.
    fn check_metadata(&mut self, file: &SuiteFile<'_>, suite: &Value) -> Result<(), Error> {
        let metadata = suite.get("metadata").and_then(Value::as_object);
        let own: Map<String, Value> = PROTOCOL_KEYS
            .iter()
            .filter_map(|key| Some(((*key).to_owned(), metadata?.get(*key)?.clone())))
            .collect();
        let Some(shared) = &mut self.protocol_metadata else {
            self.protocol_metadata = Some(own);
            return Ok(());
        };
        for key in PROTOCOL_KEYS {
            let (theirs, ours) = (own.get(*key), shared.get(*key).cloned());
            let differs = match (file.direction, *key, theirs, ours.clone()) {
                (Direction::Output, "jsonVersion", _, _) => false,
                (_, _, Some(theirs), Some(ours)) => theirs != &ours,
                (_, _, None, None) => false,
                (_, "jsonVersion", Some(_), None) => {
                    shared.insert((*key).to_owned(), own[*key].clone());
                    false
                }
                _ => true,
            };
            if differs {
                return Err(malformed(
                    file.name,
                    &format!(
                        "has a suite whose {key} ({theirs:?}) differs from the other suites' ({ours:?}); generate it as a crate of its own"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Renames every `"shape": X` reference inside `value` (members, list
/// members, map keys and values, operation inputs, outputs and errors).
fn rename_references(value: &mut Value, rename: &impl Fn(&str) -> String) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object.iter_mut() {
                match (key.as_str(), &*inner) {
                    ("shape", Value::String(name)) => *inner = Value::String(rename(name)),
                    _ => rename_references(inner, rename),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rename_references(item, rename)),
        _ => {}
    }
}
