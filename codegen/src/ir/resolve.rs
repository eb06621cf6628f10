//! From the serde mirror of the model to the IR: every check that needs the
//! whole model, every name, every binding.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use heck::ToKebabCase;

use super::check::{Problem, ProblemKind};
use super::docs::DocConverter;
use super::http::parse_uri;
use super::names::{self, Scope};
use super::pattern;
use super::{
    Auth, Bounds, Constraints, Deprecation, EnumVariant, ErrorInfo, Fault, Home, HostPart,
    HttpBinding, JsonVersion, List, Map, Member, MemberLocation, Number, Operation, Paginator,
    Pattern, Protocol, Retryable, Service, Shape, ShapeKind, StringEnum, Structure,
    TimestampFormat, Union, UriTemplate,
};
use crate::model::{self, ServiceModel};

/// Names used unqualified in generated type definitions: a shape with one of
/// these names is renamed so that it does not shadow the prelude.
const PRELUDE: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "From",
    "Into",
    "AsRef",
    "ToString",
    "ToOwned",
    "Iterator",
    "IntoIterator",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Self",
];

/// What every generated crate's `error` module re-exports from the
/// runtime, by runtime module. The one list for both facts: the emitter
/// writes these re-exports, and the resolver keeps the model's error shapes
/// from taking these names (`TimeoutError` becomes `TimeoutErrorValue`).
/// A test checks the `error` entry against `runtime/src/error.rs`.
pub const ERROR_MODULE_RUNTIME_EXPORTS: &[(&str, &[&str])] = &[
    (
        "error",
        &[
            "BoxError",
            "ConfigError",
            "ConfigErrorKind",
            "CredentialsError",
            "ErrorMetadata",
            "ResponseError",
            "SdkError",
            "ServiceError",
            "TimeoutError",
            "TimeoutKind",
            "TransportError",
            "TransportErrorKind",
            "Unhandled",
            "UnsupportedError",
        ],
    ),
    (
        "validation",
        &["ValidationError", "Violation", "ViolationKind"],
    ),
];

/// Every name [`ERROR_MODULE_RUNTIME_EXPORTS`] reserves in `error`.
fn error_module_runtime_names() -> impl Iterator<Item = &'static str> {
    ERROR_MODULE_RUNTIME_EXPORTS
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
}

/// Everything a service is generated from.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub model: &'a ServiceModel,
    /// The crate's package name.
    pub crate_name: &'a str,
    /// The model file as named in generated headers.
    pub model_file: &'a str,
    pub paginators: Option<&'a model::Paginators>,
    /// The endpoint rule set and the partitions it consults.
    pub endpoint_rules: Option<(&'a serde_json::Value, &'a serde_json::Value)>,
    pub endpoint_tests: Option<&'a model::EndpointTests>,
}

/// Resolves `model`, the contents of `model_file`, into the IR of a crate
/// named `crate_name`. Every problem found is returned, sorted by path.
pub fn resolve(
    model: &ServiceModel,
    crate_name: &str,
    model_file: &str,
) -> Result<Service, Vec<Problem>> {
    resolve_sources(&Sources {
        model,
        crate_name,
        model_file,
        paginators: None,
        endpoint_rules: None,
        endpoint_tests: None,
    })
}

/// Resolves a model with its paginators and endpoint rules.
pub fn resolve_sources(sources: &Sources<'_>) -> Result<Service, Vec<Problem>> {
    let mut resolver = Resolver {
        model: sources.model,
        problems: Vec::new(),
        warnings: Vec::new(),
        docs: DocConverter::new(),
        protocol: Protocol::RestJson,
    };
    resolver.protocol = resolver.protocol();
    let mut service = resolver.service(sources.crate_name, sources.model_file);
    if let Some(paginators) = sources.paginators {
        resolver.paginators(&mut service, paginators);
    }
    if let Some((rules, partitions)) = sources.endpoint_rules {
        service.endpoint_rules = super::endpoint::resolve(
            rules,
            partitions,
            sources.endpoint_tests,
            &service.operations,
            &mut resolver.problems,
        );
    }
    if resolver.problems.is_empty() {
        service.warnings = resolver.warnings;
        service.warnings.sort();
        Ok(service)
    } else {
        let mut problems = resolver.problems;
        problems.sort();
        problems.dedup();
        Err(problems)
    }
}

struct Resolver<'m> {
    model: &'m ServiceModel,
    problems: Vec<Problem>,
    /// What the crate will not enforce; reported, never refused.
    warnings: Vec<Problem>,
    docs: DocConverter,
    /// The protocol the crate speaks, which decides what bindings mean.
    protocol: Protocol,
}

/// Where a structure's members are resolved, which decides what HTTP
/// locations mean.
#[derive(Clone, Copy)]
enum Context<'a> {
    Input {
        operation: &'a str,
        uri: &'a UriTemplate,
    },
    Output,
    Error,
    /// Nested in another shape: HTTP locations do not apply.
    Nested,
}

impl Resolver<'_> {
    fn problem(&mut self, path: impl Into<String>, kind: ProblemKind) {
        self.problems.push(Problem {
            path: path.into(),
            kind,
        });
    }

    fn service(&mut self, crate_name: &str, model_file: &str) -> Service {
        let meta = &self.model.metadata;
        let protocol = self.protocol;
        let auth = self.auth();

        self.check_all_shapes();
        let reachable = self.reachable_shapes();
        let names = self.assign_type_names(&reachable);

        let mut shapes = BTreeMap::new();
        for name in &reachable {
            if let Some(shape) = self.shape(name, &names) {
                shapes.insert(name.clone(), shape);
            }
        }

        let mut modules = Scope::default();
        let mut ops: Vec<(&String, &model::Operation)> = self.model.operations.iter().collect();
        ops.sort_by(|a, b| a.0.cmp(b.0));
        let operations = ops
            .into_iter()
            .filter_map(|(name, op)| self.operation(name, op, &auth, &mut modules))
            .collect();

        let mut service = Service {
            crate_name: crate_name.to_owned(),
            lib_name: crate_name.replace('-', "_"),
            model_file: model_file.to_owned(),
            title: meta.service_full_name.clone(),
            docs: self.docs.convert(self.model.documentation.as_deref()),
            protocol,
            api_version: meta.api_version.clone(),
            endpoint_prefix: meta.endpoint_prefix.clone(),
            signing_name: meta
                .signing_name
                .clone()
                .unwrap_or_else(|| meta.endpoint_prefix.clone()),
            service_id: meta
                .service_id
                .clone()
                .unwrap_or_else(|| meta.service_full_name.clone()),
            auth,
            operations,
            shapes,
            endpoint_rules: None,
            warnings: Vec::new(),
            protocol_tests: false,
        };
        mark_boxed_members(&mut service);
        super::size::box_large_union_variants(&mut service);
        mark_needs_validation(&mut service);
        mark_usage(&mut service);
        name_features(&mut service);
        name_patterns(&mut service);
        name_modules(&mut service);
        note_namesakes(&mut service);
        service
    }

    /// The first protocol the model offers that the generator supports:
    /// `metadata.protocols` is in the service's order of preference, and
    /// older models only have `metadata.protocol`.
    fn protocol(&mut self) -> Protocol {
        let meta = &self.model.metadata;
        let offered = meta
            .protocols
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(meta.protocol.as_str()));
        for protocol in offered {
            match protocol {
                "rest-json" => return Protocol::RestJson,
                "json" => return self.aws_json(),
                _ => {}
            }
        }
        self.problem(
            "metadata.protocol",
            ProblemKind::UnsupportedProtocol {
                protocol: meta.protocol.clone(),
            },
        );
        Protocol::RestJson
    }

    /// awsJson, in the version the model names (botocore's default is 1.0).
    fn aws_json(&mut self) -> Protocol {
        let meta = &self.model.metadata;
        let version = match meta.json_version.as_deref() {
            None | Some("1.0") => JsonVersion::V1_0,
            Some("1.1") => JsonVersion::V1_1,
            Some(other) => {
                self.problem(
                    "metadata.jsonVersion",
                    ProblemKind::UnknownJsonVersion {
                        version: other.to_owned(),
                    },
                );
                JsonVersion::V1_0
            }
        };
        if meta.target_prefix.as_deref().is_none_or(str::is_empty) {
            self.problem("metadata.targetPrefix", ProblemKind::MissingTargetPrefix);
        }
        Protocol::AwsJson {
            version,
            query_compatible: meta.aws_query_compatible.is_some(),
        }
    }

    /// The service's auth schemes: `metadata.auth`, else `signatureVersion`.
    fn auth(&self) -> Auth {
        let meta = &self.model.metadata;
        if meta.auth.is_empty() {
            Auth::from_names(
                meta.signature_version
                    .as_deref()
                    .map(legacy_auth_name)
                    .into_iter()
                    .flatten(),
            )
        } else {
            Auth::from_names(meta.auth.iter().map(String::as_str))
        }
    }

    /// An operation's auth schemes: its own `auth` list, else its
    /// `authtype`, else the service's.
    fn operation_auth(&self, op: &model::Operation, service: &Auth) -> Auth {
        if !op.auth.is_empty() {
            Auth::from_names(op.auth.iter().map(String::as_str))
        } else if let Some(authtype) = &op.authtype {
            Auth::from_names(legacy_auth_name(authtype))
        } else {
            service.clone()
        }
    }

    // ---- checks that apply to every shape, reachable or not ----

    /// Lists and maps that hold themselves through lists and maps alone
    /// (`L = list of L`): Smithy allows recursion only through a structure
    /// or union, and no Rust type is finite without one. Each list or map
    /// leads to one shape (its member or value), so a walk finds a cycle.
    fn check_collection_recursion(&mut self) {
        let model = self.model;
        let next = |name: &str| match model.shapes.get(name) {
            Some(model::Shape::List(l)) => Some(l.member.shape.as_str()),
            Some(model::Shape::Map(m)) => Some(m.value.shape.as_str()),
            _ => None,
        };
        let mut reported = BTreeSet::new();
        for start in model.shapes.keys() {
            let mut walk: Vec<&str> = Vec::new();
            let mut at = start.as_str();
            while let Some(following) = next(at) {
                walk.push(at);
                if let Some(position) = walk.iter().position(|s| *s == following) {
                    let cycle = &walk[position..];
                    let first = cycle.iter().min().copied().unwrap_or(following);
                    if reported.insert(first.to_owned()) {
                        let mut names: Vec<&str> = cycle.to_vec();
                        names.push(following);
                        self.problem(
                            format!("shapes.{first}"),
                            ProblemKind::CollectionRecursion {
                                cycle: names.join(" -> "),
                            },
                        );
                    }
                    break;
                }
                at = following;
            }
        }
    }

    /// Structures that require themselves through required structure
    /// members alone: no value of them can be made (Smithy refuses them).
    fn check_required_recursion(&mut self) {
        let model = self.model;
        let required_structures = |name: &str| -> Vec<&str> {
            match model.shapes.get(name) {
                Some(model::Shape::Structure(s)) if !s.union && !s.eventstream && !s.document => s
                    .required
                    .iter()
                    .filter_map(|member| s.members.get(member))
                    .map(|m| m.shape.as_str())
                    .filter(|target| {
                        matches!(
                            model.shapes.get(*target),
                            Some(model::Shape::Structure(t)) if !t.union && !t.eventstream && !t.document
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        // Depth-first, with the path kept on a stack of its own (no
        // recursion: a model may nest deeply).
        let mut done: BTreeSet<&str> = BTreeSet::new();
        let mut reported = BTreeSet::new();
        for start in model.shapes.keys() {
            if done.contains(start.as_str()) {
                continue;
            }
            let mut path: Vec<(&str, Vec<&str>)> =
                vec![(start.as_str(), required_structures(start))];
            while let Some((_, next)) = path.last_mut() {
                let Some(target) = next.pop() else {
                    if let Some((finished, _)) = path.pop() {
                        done.insert(finished);
                    }
                    continue;
                };
                if let Some(position) = path.iter().position(|(name, _)| *name == target) {
                    let cycle: Vec<&str> = path[position..].iter().map(|(name, _)| *name).collect();
                    let first = cycle.iter().min().copied().unwrap_or(target);
                    if reported.insert(first.to_owned()) {
                        self.problem(
                            format!("shapes.{first}"),
                            ProblemKind::RequiredRecursion {
                                cycle: format!("{} -> {target}", cycle.join(" -> ")),
                            },
                        );
                    }
                    continue;
                }
                if !done.contains(target) {
                    path.push((target, required_structures(target)));
                }
            }
        }
    }

    fn check_all_shapes(&mut self) {
        self.check_collection_recursion();
        self.check_required_recursion();
        let model = self.model;
        for (name, shape) in &model.shapes {
            let path = format!("shapes.{name}");
            match shape {
                model::Shape::Structure(s) | model::Shape::Union(s) | model::Shape::Document(s) => {
                    for (member_name, member) in &s.members {
                        self.check_ref(&format!("{path}.members.{member_name}"), &member.shape);
                        if let Some(format) = &member.timestamp_format {
                            self.timestamp_format(
                                &format!("{path}.members.{member_name}.timestampFormat"),
                                format,
                            );
                        }
                    }
                    for required in &s.required {
                        if !s.members.contains_key(required) {
                            self.problem(
                                format!("{path}.required"),
                                ProblemKind::NotAMember {
                                    name: required.clone(),
                                    shape: name.clone(),
                                },
                            );
                        }
                    }
                    if let Some(payload) = &s.payload
                        && !s.members.contains_key(payload)
                    {
                        self.problem(
                            format!("{path}.payload"),
                            ProblemKind::NotAMember {
                                name: payload.clone(),
                                shape: name.clone(),
                            },
                        );
                    }
                    if (s.union || s.eventstream || matches!(shape, model::Shape::Union(_)))
                        && s.members.is_empty()
                    {
                        self.problem(path.clone(), ProblemKind::EmptyUnion);
                    }
                }
                model::Shape::List(l) => {
                    self.check_ref(&format!("{path}.member"), &l.member.shape);
                }
                model::Shape::Map(m) => {
                    self.check_ref(&format!("{path}.key"), &m.key.shape);
                    self.check_ref(&format!("{path}.value"), &m.value.shape);
                    if let Some(model::Shape::String(_)) | None = model.shapes.get(&m.key.shape) {
                    } else {
                        self.problem(
                            format!("{path}.key"),
                            self.wrong_kind(&m.key.shape, "string"),
                        );
                    }
                }
                model::Shape::String(s) => {
                    if let Some(values) = &s.enum_values {
                        let mut seen = BTreeSet::new();
                        for value in values {
                            if !seen.insert(value) {
                                self.problem(
                                    format!("{path}.enum"),
                                    ProblemKind::DuplicateEnumValue {
                                        value: value.clone(),
                                    },
                                );
                            }
                        }
                    }
                    if let Some(pattern) = &s.pattern
                        && let Err(reason) = pattern::compile(pattern)
                    {
                        self.warnings.push(Problem {
                            path: format!("{path}.pattern"),
                            kind: ProblemKind::UncheckedPattern {
                                pattern: pattern.clone(),
                                reason,
                            },
                        });
                    }
                }
                model::Shape::Timestamp(t) => {
                    if let Some(format) = &t.timestamp_format {
                        self.timestamp_format(&format!("{path}.timestampFormat"), format);
                    }
                }
                _ => {}
            }
            self.constraints(&path, shape);
        }
    }

    fn check_ref(&mut self, path: &str, target: &str) {
        if !self.model.shapes.contains_key(target) {
            self.problem(
                path,
                ProblemKind::UndefinedShape {
                    name: target.to_owned(),
                },
            );
        }
    }

    fn wrong_kind(&self, name: &str, expected: &str) -> ProblemKind {
        ProblemKind::WrongShapeKind {
            name: name.to_owned(),
            actual: self
                .model
                .shapes
                .get(name)
                .map_or("undefined shape", model_kind_name)
                .to_owned(),
            expected: expected.to_owned(),
        }
    }

    fn timestamp_format(&mut self, path: &str, format: &str) -> Option<TimestampFormat> {
        match format {
            "iso8601" => Some(TimestampFormat::DateTime),
            "rfc822" => Some(TimestampFormat::HttpDate),
            "unixTimestamp" => Some(TimestampFormat::EpochSeconds),
            other => {
                self.problem(
                    path,
                    ProblemKind::UnknownTimestampFormat {
                        format: other.to_owned(),
                    },
                );
                None
            }
        }
    }

    /// The constraints a shape declares, checked against its kind.
    fn constraints(&mut self, path: &str, shape: &model::Shape) -> Constraints {
        let mut constraints = Constraints::default();
        match shape {
            model::Shape::String(s) => {
                constraints.length = self.length_bounds(path, &s.bounds);
                constraints.pattern = s.pattern.as_ref().and_then(|source| {
                    let compiled = pattern::compile(source).ok()?;
                    Some(Pattern {
                        source: source.clone(),
                        ecma_source: compiled.source,
                        flags: compiled.flags,
                        // Named once every shape is known: see `name_patterns`.
                        static_name: String::new(),
                    })
                });
            }
            model::Shape::Blob(b) => constraints.length = self.length_bounds(path, &b.bounds),
            model::Shape::List(l) => constraints.length = self.length_bounds(path, &l.bounds),
            model::Shape::Map(m) => constraints.length = self.length_bounds(path, &m.bounds),
            model::Shape::Byte(s)
            | model::Shape::Short(s)
            | model::Shape::Integer(s)
            | model::Shape::Long(s)
            | model::Shape::Float(s)
            | model::Shape::Double(s) => {
                constraints.range = self.range_bounds(path, shape, &s.bounds);
            }
            _ => {}
        }
        constraints
    }

    fn length_bounds(&mut self, path: &str, bounds: &model::Bounds) -> Option<Bounds<u64>> {
        let mut read = |value: &Option<serde_json::Number>, which: &str| -> Option<u64> {
            let value = value.as_ref()?;
            match value.as_u64() {
                Some(n) => Some(n),
                None => {
                    self.problems.push(Problem {
                        path: format!("{path}.{which}"),
                        kind: ProblemKind::InvalidBound {
                            value: value.to_string(),
                            kind: "length".to_owned(),
                            reason: "a length must be a non-negative integer".to_owned(),
                        },
                    });
                    None
                }
            }
        };
        let min = read(&bounds.min, "min");
        let max = read(&bounds.max, "max");
        // botocore writes `min: 0` on most shapes; it constrains nothing.
        let min = min.filter(|&n| n > 0);
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            self.problem(
                path,
                ProblemKind::MinAboveMax {
                    min: lo.to_string(),
                    max: hi.to_string(),
                },
            );
        }
        (min.is_some() || max.is_some()).then_some(Bounds { min, max })
    }

    fn range_bounds(
        &mut self,
        path: &str,
        shape: &model::Shape,
        bounds: &model::Bounds,
    ) -> Option<Bounds<Number>> {
        let kind = model_kind_name(shape);
        let integer_limits: Option<(i128, i128)> = match shape {
            model::Shape::Byte(_) => Some((i8::MIN.into(), i8::MAX.into())),
            model::Shape::Short(_) => Some((i16::MIN.into(), i16::MAX.into())),
            model::Shape::Integer(_) => Some((i32::MIN.into(), i32::MAX.into())),
            model::Shape::Long(_) => Some((i64::MIN.into(), i64::MAX.into())),
            _ => None,
        };
        let mut read = |value: &Option<serde_json::Number>, which: &str| -> Option<Number> {
            let value = value.as_ref()?;
            let invalid = |reason: &str| Problem {
                path: format!("{path}.{which}"),
                kind: ProblemKind::InvalidBound {
                    value: value.to_string(),
                    kind: kind.to_owned(),
                    reason: reason.to_owned(),
                },
            };
            let exact = value
                .as_i64()
                .map(i128::from)
                .or_else(|| value.as_u64().map(i128::from));
            match (integer_limits, exact) {
                (Some((lo, hi)), Some(n)) if n < lo || n > hi => {
                    self.problems
                        .push(invalid("it is outside the type's range"));
                    None
                }
                (Some(_), Some(n)) => Some(Number::Integer(n)),
                (Some(_), None) => match value.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        Some(Number::Integer(f as i128))
                    }
                    _ => {
                        self.problems
                            .push(invalid("an integer bound must be a whole number"));
                        None
                    }
                },
                (None, _) => value.as_f64().map(Number::Float),
            }
        };
        let min = read(&bounds.min, "min");
        let max = read(&bounds.max, "max");
        if let (Some(lo), Some(hi)) = (&min, &max) {
            let out_of_order = match (lo, hi) {
                (Number::Integer(a), Number::Integer(b)) => a > b,
                (a, b) => a.as_f64() > b.as_f64(),
            };
            if out_of_order {
                self.problem(
                    path,
                    ProblemKind::MinAboveMax {
                        min: lo.to_string(),
                        max: hi.to_string(),
                    },
                );
            }
        }
        (min.is_some() || max.is_some()).then_some(Bounds { min, max })
    }

    // ---- reachability and names ----

    /// Shapes referenced, directly or not, by operation inputs, outputs and
    /// errors. Input and output shapes themselves are included only when
    /// something else refers to them.
    fn reachable_shapes(&self) -> BTreeSet<String> {
        let shapes = &self.model.shapes;
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::new();
        let visit_members = |shape: &str, queue: &mut VecDeque<String>| {
            if let Some(
                model::Shape::Structure(s) | model::Shape::Union(s) | model::Shape::Document(s),
            ) = shapes.get(shape)
            {
                queue.extend(s.members.values().map(|m| m.shape.clone()));
            }
        };
        for op in self.model.operations.values() {
            for io in op.input.iter().chain(op.output.iter()) {
                visit_members(&io.shape, &mut queue);
            }
            queue.extend(op.errors.iter().map(|e| e.shape.clone()));
        }
        while let Some(name) = queue.pop_front() {
            if !shapes.contains_key(&name) || !seen.insert(name.clone()) {
                continue;
            }
            match &shapes[&name] {
                model::Shape::Structure(s) | model::Shape::Union(s) | model::Shape::Document(s) => {
                    queue.extend(s.members.values().map(|m| m.shape.clone()));
                }
                model::Shape::List(l) => queue.push_back(l.member.shape.clone()),
                model::Shape::Map(m) => {
                    queue.push_back(m.key.shape.clone());
                    queue.push_back(m.value.shape.clone());
                }
                _ => {}
            }
        }
        seen
    }

    /// Home and Rust names of each reachable shape, unique within each home.
    fn assign_type_names(&self, reachable: &BTreeSet<String>) -> BTreeMap<String, TypeNames> {
        let error_shapes: BTreeSet<&str> = self
            .model
            .operations
            .values()
            .flat_map(|op| op.errors.iter().map(|e| e.shape.as_str()))
            .collect();
        let mut types = Scope::with_reserved(PRELUDE.iter().copied());
        let mut errors =
            Scope::with_reserved(PRELUDE.iter().copied().chain(error_module_runtime_names()));
        let mut functions = Scope::default();
        let mut names = BTreeMap::new();
        for name in reachable {
            let shape = &self.model.shapes[name];
            let home = match shape {
                model::Shape::Structure(s) if s.document => Home::Inline,
                model::Shape::Structure(s)
                    if s.exception || s.error.is_some() || error_shapes.contains(name.as_str()) =>
                {
                    Home::Error
                }
                model::Shape::Structure(_) | model::Shape::Union(_) => Home::Types,
                model::Shape::String(s) if s.enum_values.is_some() => Home::Types,
                _ => Home::Inline,
            };
            let wanted = names::camel(name);
            let rust_name = match home {
                Home::Types => claim_type_name(&mut types, &wanted),
                Home::Error => claim_type_name(&mut errors, &wanted),
                Home::Inline => wanted,
            };
            names.insert(
                name.clone(),
                TypeNames {
                    home,
                    rust_name,
                    builder_name: String::new(),
                    fn_name: functions.claim(&names::snake(name)),
                    error_name: None,
                },
            );
        }
        // Builders (and event streams' error enums) share their type's scope,
        // claimed after every type so that a shape named `FooBuilder` keeps
        // its name.
        for (name, entry) in names.iter_mut() {
            let scope = match entry.home {
                Home::Types => &mut types,
                Home::Error => &mut errors,
                Home::Inline => continue,
            };
            entry.builder_name = scope.claim(&format!("{}Builder", entry.rust_name));
            if matches!(self.model.shapes.get(name), Some(model::Shape::Structure(s)) if s.eventstream)
            {
                entry.error_name = Some(scope.claim(&format!("{}Error", entry.rust_name)));
            }
        }
        names
    }

    // ---- shapes ----

    fn shape(&mut self, name: &str, names: &BTreeMap<String, TypeNames>) -> Option<Shape> {
        let model_shape = self.model.shapes.get(name)?;
        let path = format!("shapes.{name}");
        let type_names = names.get(name)?;
        let home = type_names.home;
        let common = model_common(model_shape);
        let docs = self.type_docs(common);
        let deprecated = deprecation(common.deprecated, &common.deprecated_message);
        let constraints = self.constraints_quiet(model_shape);
        let kind = match model_shape {
            model::Shape::Structure(s) if s.document => ShapeKind::Document,
            model::Shape::Document(_) => ShapeKind::Document,
            model::Shape::Structure(s) if s.union || s.eventstream => {
                ShapeKind::Union(self.union(&path, type_names, s))
            }
            model::Shape::Union(s) => ShapeKind::Union(self.union(&path, type_names, s)),
            model::Shape::Structure(s) => {
                let context = if home == Home::Error {
                    Context::Error
                } else {
                    Context::Nested
                };
                ShapeKind::Structure(self.structure(&path, name, type_names, s, context))
            }
            model::Shape::String(s) => match &s.enum_values {
                Some(values) => ShapeKind::Enum(string_enum(values)),
                None => ShapeKind::String,
            },
            model::Shape::Blob(b) => ShapeKind::Blob {
                streaming: b.streaming,
            },
            model::Shape::Boolean(_) => ShapeKind::Boolean,
            model::Shape::Byte(_) => ShapeKind::Byte,
            model::Shape::Short(_) => ShapeKind::Short,
            model::Shape::Integer(_) => ShapeKind::Integer,
            model::Shape::Long(_) => ShapeKind::Long,
            model::Shape::Float(_) => ShapeKind::Float,
            model::Shape::Double(_) => ShapeKind::Double,
            model::Shape::BigInteger(_) => ShapeKind::BigInteger,
            model::Shape::BigDecimal(_) => ShapeKind::BigDecimal,
            model::Shape::Timestamp(t) => ShapeKind::Timestamp {
                format: t
                    .timestamp_format
                    .as_deref()
                    .and_then(timestamp_format_quiet),
            },
            model::Shape::List(l) => ShapeKind::List(List {
                member: l.member.shape.clone(),
                sparse: l.sparse,
            }),
            model::Shape::Map(m) => ShapeKind::Map(Map {
                key: m.key.shape.clone(),
                value: m.value.shape.clone(),
                sparse: m.sparse,
            }),
        };
        Some(Shape {
            name: name.to_owned(),
            rust_name: type_names.rust_name.clone(),
            fn_name: type_names.fn_name.clone(),
            // Named once every shape is known: see `name_modules`.
            module_name: String::new(),
            home,
            docs,
            sensitive: common.sensitive,
            deprecated,
            constraints,
            needs_validation: false,
            used_in_input: false,
            used_in_output: false,
            used_by: Vec::new(),
            sent_by: Vec::new(),
            received_by: Vec::new(),
            kind,
        })
    }

    /// Constraints without reporting again what `check_all_shapes` reported.
    fn constraints_quiet(&mut self, shape: &model::Shape) -> Constraints {
        let before = self.problems.len();
        let constraints = self.constraints("", shape);
        self.problems.truncate(before);
        constraints
    }

    fn structure(
        &mut self,
        path: &str,
        shape_name: &str,
        names: &TypeNames,
        s: &model::StructureShape,
        context: Context<'_>,
    ) -> Structure {
        let members = self.members(path, s, context);
        let error = (s.exception || s.error.is_some()).then(|| ErrorInfo {
            code: s
                .error
                .as_ref()
                .and_then(|e| e.code.clone())
                .unwrap_or_else(|| shape_name.to_owned()),
            http_status: s.error.as_ref().and_then(|e| e.http_status_code),
            fault: if s.fault {
                Fault::Server
            } else {
                Fault::Client
            },
            retryable: s.retryable.as_ref().map(|r| {
                if r.throttling {
                    Retryable::Throttling
                } else {
                    Retryable::Transient
                }
            }),
        });
        Structure {
            rust_name: names.rust_name.clone(),
            builder_name: names.builder_name.clone(),
            docs: self.type_docs(&s.common),
            sensitive: s.common.sensitive,
            members,
            error,
            event: s.event,
        }
    }

    fn union(&mut self, path: &str, names: &TypeNames, s: &model::StructureShape) -> Union {
        let mut members = self.members(path, s, Context::Nested);
        let mut variants = Scope::with_reserved(["Unknown"]);
        for member in &mut members {
            member.rust_name = variants.claim(&names::camel(&member.name));
            // A union holds exactly one member; none is "required".
            member.required = false;
        }
        if s.eventstream {
            let events = members.iter().filter(|member| {
                !matches!(
                    self.model.shapes.get(&member.target),
                    Some(model::Shape::Structure(t)) if t.exception || t.error.is_some()
                )
            });
            if !members.is_empty() && events.count() == 0 {
                self.problem(path.to_owned(), ProblemKind::NoEvents);
            }
            for member in &members {
                // An event is a plain structure: not a document, union or
                // stream of its own.
                match self.model.shapes.get(&member.target) {
                    Some(model::Shape::Structure(t))
                        if !t.document && !t.union && !t.eventstream => {}
                    None => {}
                    Some(_) => self.problem(
                        format!("{path}.members.{}", member.name),
                        self.wrong_kind(&member.target, "structure"),
                    ),
                }
            }
        }
        Union {
            rust_name: names.rust_name.clone(),
            docs: self.type_docs(&s.common),
            sensitive: s.common.sensitive,
            members,
            event_stream: s.eventstream,
            error_name: names.error_name.clone(),
            unknown_variant: "Unknown".to_owned(),
        }
    }

    fn members(
        &mut self,
        path: &str,
        s: &model::StructureShape,
        context: Context<'_>,
    ) -> Vec<Member> {
        // `build` would collide with the builder's own method.
        let mut scope = Scope::with_reserved(["build"]);
        let mut members = Vec::with_capacity(s.members.len());
        for (name, m) in &s.members {
            let member_path = format!("{path}.members.{name}");
            let Some(target) = self.model.shapes.get(&m.shape) else {
                continue; // reported by check_all_shapes
            };
            let target_sensitive = model_common(target).sensitive;
            let location = self.location(&member_path, name, m, target, s, context);
            let wire_name = match location {
                // awsJson ignores `jsonName`, as Smithy specifies.
                MemberLocation::Body if matches!(self.protocol, Protocol::AwsJson { .. }) => {
                    m.location_name.clone().unwrap_or_else(|| name.clone())
                }
                MemberLocation::Body => m
                    .json_name
                    .clone()
                    .or_else(|| m.location_name.clone())
                    .unwrap_or_else(|| name.clone()),
                _ => m.location_name.clone().unwrap_or_else(|| name.clone()),
            };
            if m.idempotency_token && !matches!(target, model::Shape::String(_)) {
                self.problem(
                    format!("{member_path}.idempotencyToken"),
                    self.wrong_kind(&m.shape, "string"),
                );
            }
            members.push(Member {
                name: name.clone(),
                rust_name: scope.claim(&names::snake(name)),
                target: m.shape.clone(),
                docs: self.member_docs(m, target),
                deprecated: deprecation(m.deprecated, &m.deprecated_message),
                // A response's event stream is always there: it is the body.
                // A request's is sent through the sender the call returns,
                // so the events given with the input are optional.
                required: (s.required.contains(name)
                    && !(matches!(context, Context::Input { .. })
                        && is_event_stream_shape(target)))
                    || (matches!(context, Context::Output)
                        && location == MemberLocation::Payload
                        && is_event_stream_shape(target)),
                sensitive: m.sensitive || target_sensitive,
                location,
                wire_name,
                idempotency_token: m.idempotency_token,
                event_header: m.eventheader,
                event_payload: m.eventpayload,
                timestamp_format: m
                    .timestamp_format
                    .as_deref()
                    .and_then(timestamp_format_quiet),
                boxed: false,
            });
        }
        let payloads = members
            .iter()
            .filter(|m| m.location == MemberLocation::Payload)
            .count();
        if payloads > 1 {
            self.problem(path, ProblemKind::SeveralPayloads);
        }
        members
    }

    /// A member's docs, with a note when the model asks for a check the
    /// crate cannot make.
    fn member_docs(&mut self, member: &model::Member, target: &model::Shape) -> Option<String> {
        let docs = self.docs.convert(member.documentation.as_deref());
        let model::Shape::String(model::StringShape {
            pattern: Some(pattern),
            ..
        }) = target
        else {
            return docs;
        };
        let Err(reason) = pattern::compile(pattern) else {
            return docs;
        };
        let note = format!(
            "**Not checked client-side:** the model's pattern `{}` {reason}.",
            pattern.replace('`', "\\`")
        );
        Some(match docs {
            Some(docs) => format!("{docs}\n\n{note}"),
            None => note,
        })
    }

    /// The HTTP location of a member, checked against its context and target.
    fn location(
        &mut self,
        path: &str,
        name: &str,
        m: &model::Member,
        target: &model::Shape,
        s: &model::StructureShape,
        context: Context<'_>,
    ) -> MemberLocation {
        let is_payload = s.payload.as_deref() == Some(name);
        let wire = m.location_name.as_deref().unwrap_or(name);
        let target_kind = model_kind_name(target);
        let is_event_stream = matches!(target, model::Shape::Structure(t) if t.eventstream);
        let top_level = !matches!(context, Context::Nested);

        if let Protocol::AwsJson { .. } = self.protocol {
            // awsJson has no HTTP bindings: every member is a key of the
            // body, but an operation's event stream is the whole body.
            if is_event_stream && !top_level {
                self.problem(path, ProblemKind::MisplacedEventStream);
            }
            return if is_event_stream && top_level {
                MemberLocation::Payload
            } else {
                MemberLocation::Body
            };
        }
        if is_event_stream && !(top_level && is_payload) {
            self.problem(path, ProblemKind::MisplacedEventStream);
        }
        let Some(location) = m.location.as_deref() else {
            if is_payload && top_level {
                if !matches!(
                    target,
                    model::Shape::Structure(_)
                        | model::Shape::Union(_)
                        | model::Shape::Document(_)
                        | model::Shape::Blob(_)
                        | model::Shape::String(_)
                ) {
                    self.problem(
                        path,
                        ProblemKind::LocationTargetKind {
                            location: "payload".to_owned(),
                            kind: target_kind.to_owned(),
                        },
                    );
                }
                return MemberLocation::Payload;
            }
            return MemberLocation::Body;
        };
        if !top_level {
            // HTTP bindings of a shape used inside another are ignored, as in Smithy.
            return match location {
                "uri" | "querystring" | "header" | "headers" | "statusCode" => MemberLocation::Body,
                other => {
                    self.unknown_location(path, other);
                    MemberLocation::Body
                }
            };
        }
        let scalar = is_scalar(target);
        let misplaced = |this: &mut Self, allowed: bool, allowed_in: &str| {
            if !allowed {
                this.problem(
                    format!("{path}.location"),
                    ProblemKind::LocationNotAllowed {
                        location: location.to_owned(),
                        allowed_in: allowed_in.to_owned(),
                    },
                );
            }
        };
        match location {
            // In a response, a label or query member is not read at all
            // (botocore and Smithy ignore it there).
            "uri" => {
                misplaced(
                    self,
                    !matches!(context, Context::Nested),
                    "an operation's input or output, or an error",
                );
                if !scalar {
                    self.location_target(path, "uri", target_kind);
                }
                let mut greedy = false;
                if let Context::Input { operation, uri } = context {
                    match uri.labels().find(|(label, _)| *label == wire) {
                        Some((_, g)) => greedy = g,
                        None => self.problem(
                            path,
                            ProblemKind::MemberLabelNotInUri {
                                label: wire.to_owned(),
                                uri: uri.source.clone(),
                                operation: operation.to_owned(),
                            },
                        ),
                    }
                }
                MemberLocation::Uri { greedy }
            }
            "querystring" => {
                misplaced(
                    self,
                    !matches!(context, Context::Nested),
                    "an operation's input or output, or an error",
                );
                match target {
                    model::Shape::Map(_) => MemberLocation::QueryParams,
                    model::Shape::List(_) => MemberLocation::Query,
                    _ if scalar => MemberLocation::Query,
                    _ => {
                        self.location_target(path, "querystring", target_kind);
                        MemberLocation::Query
                    }
                }
            }
            "header" => {
                // Smithy: a boolean, number, string or timestamp, or a list
                // of them (no blob, no nested lists).
                let header_value = |shape: &model::Shape| {
                    is_scalar(shape) && !matches!(shape, model::Shape::Blob(_))
                };
                let fits = match target {
                    model::Shape::List(l) => self
                        .model
                        .shapes
                        .get(&l.member.shape)
                        .is_none_or(header_value),
                    other => header_value(other),
                };
                if !fits {
                    self.location_target(path, "header", target_kind);
                }
                if !is_header_name(wire) {
                    self.problem(
                        format!("{path}.locationName"),
                        ProblemKind::InvalidHeaderName {
                            name: wire.to_owned(),
                        },
                    );
                }
                MemberLocation::Header
            }
            "headers" => {
                if !matches!(target, model::Shape::Map(_)) {
                    self.location_target(path, "headers", target_kind);
                }
                MemberLocation::PrefixHeaders {
                    prefix: m.location_name.clone().unwrap_or_default(),
                }
            }
            "statusCode" => {
                misplaced(
                    self,
                    matches!(context, Context::Output | Context::Error),
                    "an operation's output or an error",
                );
                if !matches!(target, model::Shape::Integer(_)) {
                    self.location_target(path, "statusCode", target_kind);
                }
                MemberLocation::StatusCode
            }
            other => {
                self.unknown_location(path, other);
                MemberLocation::Body
            }
        }
    }

    fn location_target(&mut self, path: &str, location: &str, kind: &str) {
        self.problem(
            path,
            ProblemKind::LocationTargetKind {
                location: location.to_owned(),
                kind: kind.to_owned(),
            },
        );
    }

    fn unknown_location(&mut self, path: &str, location: &str) {
        self.problem(
            format!("{path}.location"),
            ProblemKind::UnknownLocation {
                location: location.to_owned(),
            },
        );
    }

    // ---- paginators ----

    fn paginators(&mut self, service: &mut Service, paginators: &model::Paginators) {
        for (name, config) in &paginators.pagination {
            let path = format!("paginators.{name}");
            let Some(op) = service.operations.iter_mut().find(|op| &op.name == name) else {
                self.problem(
                    path,
                    ProblemKind::NotAMember {
                        name: name.clone(),
                        shape: "the operations".to_owned(),
                    },
                );
                continue;
            };
            // A token that is not one member (several tokens, a path such
            // as `StreamDescription.Shards[-1].ShardId`) is valid botocore
            // this crate cannot follow yet: the operation gets no paginator,
            // and a warning says so.
            let token_paths = [
                ("input_token", Some(&config.input_token)),
                ("output_token", Some(&config.output_token)),
            ];
            let unfollowable = token_paths.iter().find_map(|(which, value)| {
                let value = (*value)?;
                match value.as_str() {
                    Some(text) if !text.contains(['.', '[']) => None,
                    _ => Some(format!("{which} {value}")),
                }
            });
            if let Some(token) = unfollowable {
                self.warnings.push(Problem {
                    path: path.clone(),
                    kind: ProblemKind::UnfollowedPaginator { token },
                });
                continue;
            }
            let member = |this: &mut Self,
                          which: &str,
                          value: Option<&serde_json::Value>,
                          of: &Structure|
             -> Option<String> {
                let value = value?;
                let Some(text) = value.as_str() else {
                    this.problem(
                        format!("{path}.{which}"),
                        ProblemKind::Unsupported {
                            what: format!("a {which} that is not one member name"),
                        },
                    );
                    return None;
                };
                if text.contains('.') || !of.members.iter().any(|m| m.name == text) {
                    this.problem(
                        format!("{path}.{which}"),
                        ProblemKind::NotAMember {
                            name: text.to_owned(),
                            shape: of.rust_name.clone(),
                        },
                    );
                    return None;
                }
                Some(text.to_owned())
            };
            let input_token = member(self, "input_token", Some(&config.input_token), &op.input);
            let output_token = member(self, "output_token", Some(&config.output_token), &op.output);
            let limit_key = config
                .limit_key
                .as_ref()
                .map(|k| serde_json::Value::String(k.clone()));
            let limit_key = member(self, "limit_key", limit_key.as_ref(), &op.input);
            // Several result keys (or a path into the output) are each
            // read from the pages; only a single list member also gives
            // an item stream.
            let result_key = match config.result_key.as_ref() {
                Some(serde_json::Value::Array(keys)) => {
                    for (i, key) in keys.iter().enumerate() {
                        let first = key.as_str().and_then(|k| k.split('.').next());
                        let value = first.map(|k| serde_json::Value::String(k.to_owned()));
                        member(
                            self,
                            &format!("result_key[{i}]"),
                            value.as_ref(),
                            &op.output,
                        );
                    }
                    None
                }
                Some(serde_json::Value::String(key)) if key.contains('.') => {
                    let first = serde_json::Value::String(
                        key.split('.').next().unwrap_or_default().to_owned(),
                    );
                    member(self, "result_key", Some(&first), &op.output);
                    None
                }
                other => member(self, "result_key", other, &op.output),
            };
            // Tokens are strings in Smithy; botocore also has maps
            // (DynamoDB's `LastEvaluatedKey`), which this crate cannot
            // follow yet.
            let not_a_string = [(&input_token, &op.input), (&output_token, &op.output)]
                .into_iter()
                .find_map(|(token, of)| {
                    let member = of
                        .members
                        .iter()
                        .find(|m| Some(&m.name) == token.as_ref())?;
                    let target = self.model.shapes.get(&member.target)?;
                    (!matches!(target, model::Shape::String(_))).then(|| member.name.clone())
                });
            if let Some(token) = not_a_string {
                self.warnings.push(Problem {
                    path: path.clone(),
                    kind: ProblemKind::UnfollowedPaginator {
                        token: format!("token {token} (not a string)"),
                    },
                });
                continue;
            }
            if let (Some(input_token), Some(output_token)) = (input_token, output_token) {
                op.paginator = Some(Paginator {
                    input_token,
                    output_token,
                    limit_key,
                    result_key,
                });
            }
        }
    }

    // ---- operations ----

    fn operation(
        &mut self,
        name: &str,
        op: &model::Operation,
        service_auth: &Auth,
        modules: &mut Scope,
    ) -> Option<Operation> {
        let path = format!("operations.{name}");
        if let Protocol::AwsJson { .. } = self.protocol {
            return self.rpc_operation(name, op, service_auth, modules);
        }
        let method = op.http.method.to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            self.problem(
                format!("{path}.http.method"),
                ProblemKind::InvalidMethod {
                    method: op.http.method.clone(),
                },
            );
        }
        let response_code = op.http.response_code.unwrap_or(200);
        if !(100..=599).contains(&response_code) {
            self.problem(
                format!("{path}.http.responseCode"),
                ProblemKind::InvalidStatus {
                    status: response_code,
                },
            );
        }
        let uri = match parse_uri(&op.http.request_uri) {
            Ok(uri) => uri,
            Err(kind) => {
                self.problem(format!("{path}.http.requestUri"), kind);
                return None;
            }
        };

        let (input, output) = self.operation_io(&path, name, op, &uri);

        // Every label of the URI must be filled by a member of the input.
        for (label, _) in uri.labels() {
            let bound = input.as_ref().is_some_and(|i| {
                i.members.iter().any(|m| {
                    matches!(m.location, MemberLocation::Uri { .. }) && m.wire_name == label
                })
            });
            if !bound {
                self.problem(
                    format!("{path}.http.requestUri"),
                    ProblemKind::UriLabelWithoutMember {
                        label: label.to_owned(),
                        shape: op
                            .input
                            .as_ref()
                            .map_or_else(|| "(no input)".to_owned(), |i| i.shape.clone()),
                    },
                );
            }
        }

        let http = HttpBinding {
            method,
            uri,
            response_code,
        };
        let parts = OperationParts {
            http,
            input,
            output,
            rpc_target: None,
        };
        self.assemble(name, op, parts, service_auth, modules)
    }

    /// The operation's input and output, as structures named after it.
    fn operation_io(
        &mut self,
        path: &str,
        name: &str,
        op: &model::Operation,
        uri: &UriTemplate,
    ) -> (Option<Structure>, Option<Structure>) {
        let type_prefix = names::camel(name);
        let type_prefix = names::bare(&type_prefix);
        let input = self.io_structure(
            path,
            "input",
            op.input.as_ref(),
            &format!("{type_prefix}Input"),
            Context::Input {
                operation: name,
                uri,
            },
        );
        let output = self.io_structure(
            path,
            "output",
            op.output.as_ref(),
            &format!("{type_prefix}Output"),
            Context::Output,
        );
        (input, output)
    }

    /// The operation, once its protocol has bound it; what does not depend
    /// on the protocol (errors, host prefix, auth, endpoint parameters) is
    /// resolved here.
    fn assemble(
        &mut self,
        name: &str,
        op: &model::Operation,
        parts: OperationParts,
        service_auth: &Auth,
        modules: &mut Scope,
    ) -> Option<Operation> {
        let path = format!("operations.{name}");
        let type_prefix = names::camel(name);
        let type_prefix = names::bare(&type_prefix);
        let errors = self.operation_errors(&path, op);
        let host_prefix = self.host_prefix(&path, op, parts.input.as_ref());
        let endpoint_params = self.endpoint_params(&path, op);
        let docs = self.docs.convert(op.documentation.as_deref());
        Some(Operation {
            name: name.to_owned(),
            snake_name: modules.claim(&names::snake(name)),
            error_name: format!("{type_prefix}Error"),
            fluent_name: format!("{type_prefix}FluentBuilder"),
            feature: String::new(),
            docs,
            deprecated: deprecation(op.deprecated, &op.deprecated_message),
            http: parts.http,
            input: parts.input?,
            output: parts.output?,
            errors,
            idempotent: op.idempotent,
            readonly: op.readonly,
            paginator: None,
            auth: self.operation_auth(op, service_auth),
            rpc_target: parts.rpc_target,
            host_prefix,
            endpoint_params,
        })
    }

    /// An awsJson operation: `POST /`, named by `X-Amz-Target`, the whole
    /// input in the body. HTTP bindings in the model do not apply.
    fn rpc_operation(
        &mut self,
        name: &str,
        op: &model::Operation,
        service_auth: &Auth,
        modules: &mut Scope,
    ) -> Option<Operation> {
        let path = format!("operations.{name}");
        let uri = UriTemplate {
            source: "/".to_owned(),
            path: vec![super::PathPart::Literal("/".to_owned())],
            query: Vec::new(),
        };
        let (input, mut output) = self.operation_io(&path, name, op, &uri);
        if let Some(output) = &mut output
            && output
                .members
                .iter()
                .any(|m| m.location == MemberLocation::Payload)
        {
            // The other members come in the stream's first event; until
            // that is read they stay unset, which the docs and a generator
            // warning say.
            for member in output
                .members
                .iter_mut()
                .filter(|m| m.location == MemberLocation::Body)
            {
                let kind = ProblemKind::UnreadInitialResponse {
                    member: member.name.clone(),
                };
                let note = "**Not read yet:** this member arrives in the event stream's `initial-response` event, which this crate does not read; it is always unset.";
                member.docs = Some(match member.docs.take() {
                    Some(docs) => format!("{docs}\n\n{note}"),
                    None => note.to_owned(),
                });
                member.required = false;
                self.warnings.push(Problem {
                    path: format!("{path}.output"),
                    kind,
                });
            }
        }
        let target_prefix = self
            .model
            .metadata
            .target_prefix
            .as_deref()
            .unwrap_or_default();
        // The model's own name for the operation: a renamed entry (as in
        // merged test models) still names the operation it was.
        let wire_name = if op.name.is_empty() { name } else { &op.name };
        let rpc_target = format!("{target_prefix}.{wire_name}");
        if !rpc_target.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            self.problem(
                path.clone(),
                ProblemKind::InvalidTarget {
                    target: rpc_target.clone(),
                },
            );
        }
        let parts = OperationParts {
            http: HttpBinding {
                method: "POST".to_owned(),
                uri,
                response_code: 200,
            },
            input,
            output,
            rpc_target: Some(rpc_target),
        };
        self.assemble(name, op, parts, service_auth, modules)
    }

    /// The endpoint rule parameters the operation fixes: strings and
    /// booleans, as the rules take them.
    fn endpoint_params(
        &mut self,
        path: &str,
        op: &model::Operation,
    ) -> Vec<(String, super::EndpointValue)> {
        let mut params = Vec::new();
        for (name, param) in &op.static_context_params {
            match super::EndpointValue::from_json(&param.value) {
                Some(value) => params.push((name.clone(), value)),
                None => self.problem(
                    format!("{path}.staticContextParams.{name}"),
                    ProblemKind::Unsupported {
                        what: format!("the endpoint parameter value {}", param.value),
                    },
                ),
            }
        }
        params
    }

    /// The operation's errors, each once, in name order.
    fn operation_errors(&mut self, path: &str, op: &model::Operation) -> Vec<String> {
        let mut errors = BTreeSet::new();
        for (i, error) in op.errors.iter().enumerate() {
            let error_path = format!("{path}.errors[{i}]");
            match self.model.shapes.get(&error.shape) {
                None => self.problem(
                    error_path,
                    ProblemKind::UndefinedShape {
                        name: error.shape.clone(),
                    },
                ),
                // Listed twice means the same error: one variant.
                Some(model::Shape::Structure(s))
                    if (s.exception || s.error.is_some())
                        && !s.union
                        && !s.document
                        && !s.eventstream
                        && !s.event =>
                {
                    errors.insert(error.shape.clone());
                }
                Some(model::Shape::Structure(_)) => self.problem(
                    error_path,
                    ProblemKind::NotAnError {
                        name: error.shape.clone(),
                    },
                ),
                Some(_) => self.problem(error_path, self.wrong_kind(&error.shape, "structure")),
            }
        }
        errors.into_iter().collect()
    }

    /// The operation's host prefix (`endpoint.hostPrefix`): literal text
    /// that can stand in a host name, and `{labels}` naming required string
    /// members of the input marked `hostLabel`.
    fn host_prefix(
        &mut self,
        path: &str,
        op: &model::Operation,
        input: Option<&Structure>,
    ) -> Vec<HostPart> {
        let Some(endpoint) = &op.endpoint else {
            return Vec::new();
        };
        let prefix = endpoint.host_prefix.as_str();
        let problem_path = format!("{path}.endpoint.hostPrefix");
        let invalid = |this: &mut Self, reason: String| {
            this.problem(
                problem_path.clone(),
                ProblemKind::InvalidHostPrefix {
                    prefix: prefix.to_owned(),
                    reason,
                },
            );
        };
        let input_shape = op
            .input
            .as_ref()
            .and_then(|i| match self.model.shapes.get(&i.shape) {
                Some(model::Shape::Structure(s)) => Some(s),
                _ => None,
            });
        let mut parts = Vec::new();
        let mut rest = prefix;
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                parts.push(HostPart::Literal(rest.to_owned()));
                break;
            };
            if open > 0 {
                parts.push(HostPart::Literal(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                invalid(self, "a `{` is never closed".to_owned());
                return Vec::new();
            };
            let label = &rest[open + 1..open + close];
            let member = input_shape.and_then(|s| s.members.get(label));
            // Smithy requires the member; botocore also takes an optional
            // one, which must then be set (checked before sending).
            let bound = member.is_some_and(|m| m.host_label)
                && input.is_some_and(|i| i.members.iter().any(|m| m.name == label))
                && member.is_some_and(|m| {
                    matches!(
                        self.model.shapes.get(&m.shape),
                        Some(model::Shape::String(_))
                    )
                });
            if !bound {
                invalid(
                    self,
                    format!(
                        "label {{{label}}} is not a string member of the input marked hostLabel"
                    ),
                );
            }
            parts.push(HostPart::Label(label.to_owned()));
            rest = &rest[open + close + 1..];
        }
        for part in &parts {
            if let HostPart::Literal(text) = part
                && !text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                invalid(
                    self,
                    format!("{text:?} holds characters a host name cannot"),
                );
            }
        }
        parts
    }

    /// An operation's input or output as a structure of its own.
    fn io_structure(
        &mut self,
        op_path: &str,
        which: &str,
        reference: Option<&model::ShapeRef>,
        rust_name: &str,
        context: Context<'_>,
    ) -> Option<Structure> {
        let names = TypeNames {
            home: Home::Inline,
            rust_name: rust_name.to_owned(),
            builder_name: format!("{rust_name}Builder"),
            fn_name: String::new(),
            error_name: None,
        };
        let Some(reference) = reference else {
            return Some(Structure {
                rust_name: names.rust_name,
                builder_name: names.builder_name,
                docs: None,
                sensitive: false,
                members: Vec::new(),
                error: None,
                event: false,
            });
        };
        match self.model.shapes.get(&reference.shape) {
            Some(model::Shape::Structure(s)) if !s.union && !s.document && !s.eventstream => {
                let path = format!("shapes.{}", reference.shape);
                let mut merged;
                let s = match &reference.payload {
                    Some(payload) if s.members.contains_key(payload) => {
                        merged = s.clone();
                        merged.payload = Some(payload.clone());
                        &merged
                    }
                    Some(payload) => {
                        self.problem(
                            format!("{op_path}.{which}.payload"),
                            ProblemKind::NotAMember {
                                name: payload.clone(),
                                shape: reference.shape.clone(),
                            },
                        );
                        s
                    }
                    None => s,
                };
                let mut structure = self.structure(&path, &reference.shape, &names, s, context);
                structure.error = None;
                Some(structure)
            }
            Some(_) => {
                self.problem(
                    format!("{op_path}.{which}"),
                    self.wrong_kind(&reference.shape, "structure"),
                );
                None
            }
            None => {
                self.problem(
                    format!("{op_path}.{which}"),
                    ProblemKind::UndefinedShape {
                        name: reference.shape.clone(),
                    },
                );
                None
            }
        }
    }
}

/// What a protocol decides about an operation.
struct OperationParts {
    http: HttpBinding,
    input: Option<Structure>,
    output: Option<Structure>,
    rpc_target: Option<String>,
}

/// Claims a type name; a name that would shadow the prelude gets a `Value` suffix.
fn claim_type_name(scope: &mut Scope, wanted: &str) -> String {
    let wanted = names::bare(wanted).trim_end_matches('_');
    if PRELUDE.contains(&wanted) || error_module_runtime_names().any(|name| name == wanted) {
        scope.claim(&format!("{wanted}Value"))
    } else {
        scope.claim(wanted)
    }
}

/// Where a shape's type lives and what it, its builder and functions about
/// it are called.
struct TypeNames {
    home: Home,
    rust_name: String,
    builder_name: String,
    fn_name: String,
    /// For event streams, the enum of their exceptions.
    error_name: Option<String>,
}

fn string_enum(values: &[String]) -> StringEnum {
    let mut scope = Scope::with_reserved(["Unknown"]);
    let variants = values
        .iter()
        .map(|value| EnumVariant {
            value: value.clone(),
            rust_name: scope.claim(&names::variant(value)),
        })
        .collect();
    StringEnum {
        variants,
        unknown_variant: "Unknown".to_owned(),
    }
}

impl Resolver<'_> {
    /// A named type's documentation, closing with a "Deprecated" paragraph
    /// when the shape is deprecated. Types, unlike members and operations,
    /// are not marked `#[deprecated]`: the crate's fields, parsers and
    /// serializers name them everywhere, and every such use would warn.
    fn type_docs(&self, common: &model::Common) -> Option<String> {
        let docs = self.docs.convert(common.documentation.as_deref());
        let note = match deprecation(common.deprecated, &common.deprecated_message) {
            None => return docs,
            Some(Deprecation {
                message: Some(message),
            }) => format!("**Deprecated:** {message}"),
            Some(Deprecation { message: None }) => "**Deprecated.**".to_owned(),
        };
        Some(match docs {
            Some(docs) => format!("{docs}\n\n{note}"),
            None => note,
        })
    }
}

/// The Smithy auth scheme an old-style `signatureVersion` or `authtype`
/// names (`v4-unsigned-body` is SigV4 whose payload the service does not
/// check; signing it anyway is valid).
fn legacy_auth_name(name: &str) -> Option<&str> {
    match name {
        "v4" | "v4-unsigned-body" | "s3v4" => Some("aws.auth#sigv4"),
        "bearer" => Some("smithy.api#httpBearerAuth"),
        "none" => Some("smithy.api#noAuth"),
        "" => None,
        other => Some(other),
    }
}

fn deprecation(deprecated: bool, message: &Option<String>) -> Option<Deprecation> {
    (deprecated || message.is_some()).then(|| Deprecation {
        message: message.clone(),
    })
}

fn timestamp_format_quiet(format: &str) -> Option<TimestampFormat> {
    match format {
        "iso8601" => Some(TimestampFormat::DateTime),
        "rfc822" => Some(TimestampFormat::HttpDate),
        "unixTimestamp" => Some(TimestampFormat::EpochSeconds),
        _ => None,
    }
}

fn model_common(shape: &model::Shape) -> &model::Common {
    match shape {
        model::Shape::Structure(s) | model::Shape::Union(s) | model::Shape::Document(s) => {
            &s.common
        }
        model::Shape::String(s) => &s.common,
        model::Shape::Blob(b) => &b.common,
        model::Shape::Boolean(s)
        | model::Shape::Byte(s)
        | model::Shape::Short(s)
        | model::Shape::Integer(s)
        | model::Shape::Long(s)
        | model::Shape::Float(s)
        | model::Shape::Double(s)
        | model::Shape::BigInteger(s)
        | model::Shape::BigDecimal(s) => &s.common,
        model::Shape::Timestamp(t) => &t.common,
        model::Shape::List(l) => &l.common,
        model::Shape::Map(m) => &m.common,
    }
}

fn model_kind_name(shape: &model::Shape) -> &'static str {
    match shape {
        model::Shape::Structure(s) if s.eventstream => "event stream",
        model::Shape::Structure(s) if s.union => "union",
        model::Shape::Structure(s) if s.document => "document",
        model::Shape::Structure(_) => "structure",
        model::Shape::Union(_) => "union",
        model::Shape::Document(_) => "document",
        model::Shape::String(_) => "string",
        model::Shape::Blob(_) => "blob",
        model::Shape::Boolean(_) => "boolean",
        model::Shape::Byte(_) => "byte",
        model::Shape::Short(_) => "short",
        model::Shape::Integer(_) => "integer",
        model::Shape::Long(_) => "long",
        model::Shape::Float(_) => "float",
        model::Shape::Double(_) => "double",
        model::Shape::BigInteger(_) => "bigInteger",
        model::Shape::BigDecimal(_) => "bigDecimal",
        model::Shape::Timestamp(_) => "timestamp",
        model::Shape::List(_) => "list",
        model::Shape::Map(_) => "map",
    }
}

/// Shapes that fit in one header, label or query value.
fn is_scalar(shape: &model::Shape) -> bool {
    matches!(
        shape,
        model::Shape::String(_)
            | model::Shape::Boolean(_)
            | model::Shape::Byte(_)
            | model::Shape::Short(_)
            | model::Shape::Integer(_)
            | model::Shape::Long(_)
            | model::Shape::Float(_)
            | model::Shape::Double(_)
            | model::Shape::BigInteger(_)
            | model::Shape::BigDecimal(_)
            | model::Shape::Timestamp(_)
            | model::Shape::Blob(_)
    )
}

impl Number {
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Integer(n) => *n as f64,
            Number::Float(f) => *f,
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Integer(n) => write!(f, "{n}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// Marks the members that close a cycle of structures or unions (held
/// directly, not through a list or map): those must be boxed.
fn mark_boxed_members(service: &mut Service) {
    let direct_edges = |shape: &Shape| -> Vec<String> {
        let members = match &shape.kind {
            ShapeKind::Structure(s) => &s.members,
            ShapeKind::Union(u) => &u.members,
            _ => return Vec::new(),
        };
        members.iter().map(|m| m.target.clone()).collect()
    };
    let graph: BTreeMap<String, Vec<String>> = service
        .shapes
        .iter()
        .map(|(name, shape)| (name.clone(), direct_edges(shape)))
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            if seen.insert(node.clone())
                && let Some(next) = graph.get(&node)
            {
                stack.extend(next.iter().cloned());
            }
        }
        false
    };
    let mut boxed = BTreeSet::new();
    for (name, edges) in &graph {
        for target in edges {
            if graph.get(target).is_some_and(|e| !e.is_empty()) && reaches(target, name) {
                boxed.insert((name.clone(), target.clone()));
            }
        }
    }
    for (name, shape) in service.shapes.iter_mut() {
        let members = match &mut shape.kind {
            ShapeKind::Structure(s) => &mut s.members,
            ShapeKind::Union(u) => &mut u.members,
            _ => continue,
        };
        for member in members {
            member.boxed = boxed.contains(&(name.clone(), member.target.clone()));
        }
    }
}

/// A shape needs validation when it, or anything it holds, has constraints.
/// Computed to a fixed point because shapes may be recursive.
fn mark_needs_validation(service: &mut Service) {
    let mut needs: BTreeMap<String, bool> = service
        .shapes
        .iter()
        .map(|(name, shape)| {
            (
                name.clone(),
                // An enum is checked for values the model does not list
                // (refused only in `ValidationMode::Strict`).
                matches!(shape.kind, ShapeKind::Enum(_)) || !shape.constraints.is_empty(),
            )
        })
        .collect();
    loop {
        let mut changed = false;
        for (name, shape) in &service.shapes {
            if needs[name] {
                continue;
            }
            let holds = |target: &String| needs.get(target).copied().unwrap_or(false);
            let inner = match &shape.kind {
                ShapeKind::Structure(s) => s.members.iter().any(|m| holds(&m.target)),
                ShapeKind::Union(u) => {
                    !u.event_stream && u.members.iter().any(|m| holds(&m.target))
                }
                ShapeKind::List(l) => holds(&l.member),
                ShapeKind::Map(m) => holds(&m.key) || holds(&m.value),
                _ => false,
            };
            if inner {
                needs.insert(name.clone(), true);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (name, shape) in service.shapes.iter_mut() {
        shape.needs_validation = needs[name];
    }
}

/// Names the static of each distinct pattern after the first shape, by
/// name, that uses it.
fn name_patterns(service: &mut Service) {
    let mut scope = Scope::default();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for shape in service.shapes.values_mut() {
        if let Some(pattern) = &mut shape.constraints.pattern {
            let name = names
                .entry(pattern.source.clone())
                .or_insert_with(|| scope.claim(&names::constant(&shape.name)));
            pattern.static_name = name.clone();
        }
    }
}

/// Gives each named type its module in `types` or `error`: the snake-cased
/// type name, numbered when two types snake-case alike (`SSEType`,
/// `SseType`). The file is the module name without `r#` (`type.rs`).
fn name_modules(service: &mut Service) {
    let mut scopes: BTreeMap<Home, Scope> = BTreeMap::new();
    for shape in service.shapes.values_mut() {
        if shape.home != Home::Inline {
            let wanted = names::snake(&shape.rust_name);
            shape.module_name = scopes.entry(shape.home).or_default().claim(&wanted);
        }
    }
}

/// Marks the shapes that travel in requests and those that travel in
/// responses, so that emitters write serializers and parsers only for
/// those, and the operations that reach each shape, so that it is compiled
/// only when one of their features is on.
fn mark_usage(service: &mut Service) {
    let mut used_by: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut sent_by: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut received_by: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut inputs: Vec<String> = Vec::new();
    let mut outputs: Vec<String> = Vec::new();
    for (index, op) in service.operations.iter().enumerate() {
        let op_inputs: Vec<String> = op.input.members.iter().map(|m| m.target.clone()).collect();
        let mut op_outputs: Vec<String> =
            op.output.members.iter().map(|m| m.target.clone()).collect();
        op_outputs.extend(op.errors.iter().cloned());
        let all = op_inputs.iter().chain(&op_outputs).cloned().collect();
        for name in closure(&service.shapes, all, Events::Enter) {
            used_by.entry(name).or_default().push(index);
        }
        for name in closure(&service.shapes, op_inputs.clone(), Events::OnlyTheirMembers) {
            sent_by.entry(name).or_default().push(index);
        }
        for name in closure(
            &service.shapes,
            op_outputs.clone(),
            Events::OnlyTheirMembers,
        ) {
            received_by.entry(name).or_default().push(index);
        }
        inputs.extend(op_inputs);
        outputs.extend(op_outputs);
    }
    let input_set = closure(&service.shapes, inputs, Events::Enter);
    let output_set = closure(&service.shapes, outputs, Events::Enter);
    for (name, shape) in service.shapes.iter_mut() {
        shape.used_in_input = input_set.contains(name);
        shape.used_in_output = output_set.contains(name);
        shape.used_by = used_by.remove(name).unwrap_or_default();
        shape.sent_by = sent_by.remove(name).unwrap_or_default();
        shape.received_by = received_by.remove(name).unwrap_or_default();
    }
}

/// How [`closure`] treats the events of event streams.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Events {
    /// Events are reached like any member.
    Enter,
    /// An event is not itself reached (it travels as a message, not as a
    /// JSON value), but what its members hold is.
    OnlyTheirMembers,
}

/// The most features crates.io accepts in one crate.
const REGISTRY_FEATURE_CAP: usize = 300;

/// An operation's input or output is named `{Operation}Input` or
/// `{Operation}Output`; when the model also has a shape of that name (in
/// `types`), each type's docs say which is which.
fn note_namesakes(service: &mut Service) {
    for op in &mut service.operations {
        let module = &op.snake_name;
        for (side, structure) in [("input", &mut op.input), ("output", &mut op.output)] {
            let Some(shape) = service
                .shapes
                .values_mut()
                .find(|s| s.home == Home::Types && s.rust_name == structure.rust_name)
            else {
                continue;
            };
            let name = &structure.rust_name;
            let op_note = format!(
                "The {side} of the `{}` operation. Not to be confused with `types::{name}`, the model's shape of that name.",
                op.name
            );
            structure.docs = Some(match structure.docs.take() {
                Some(docs) => format!("{op_note}\n\n{docs}"),
                None => op_note,
            });
            let shape_note = format!(
                "The model's shape named `{}`; not the {side} of the `{}` operation, which is `operation::{}::{name}`.",
                shape.name,
                op.name,
                crate::ir::names::bare(module)
            );
            shape.docs = Some(match shape.docs.take() {
                Some(docs) => format!("{shape_note}\n\n{docs}"),
                None => shape_note,
            });
        }
    }
}

/// Names each operation's cargo feature: its name in kebab case, unless
/// that is taken (by another operation or by the crate's own features).
/// A service with more operations than crates.io allows features (with
/// `serde`, `cli` and `default`) groups them by the resource they act on,
/// the operation's name without its verb: `CreateEndpoint`,
/// `DescribeEndpoint` and `ListEndpoints` share `endpoint`.
fn name_features(service: &mut Service) {
    let reserved = ["default", "serde", "cli"];
    let grouped = service.operations.len() + reserved.len() > REGISTRY_FEATURE_CAP;
    let mut taken: BTreeSet<String> = reserved.into_iter().map(str::to_owned).collect();
    let resources: BTreeSet<String> = service
        .operations
        .iter()
        .map(|op| resource_of(&op.name.to_kebab_case()))
        .collect();
    for op in &mut service.operations {
        let kebab = op.name.to_kebab_case();
        if grouped {
            let resource = resource_of(&kebab);
            // `ListEndpoints` joins `endpoint` when there is one.
            let singular = resource
                .strip_suffix('s')
                .filter(|s| resources.contains(*s));
            let group = singular.map_or(resource.clone(), str::to_owned);
            op.feature = if reserved.contains(&group.as_str()) {
                format!("{group}-operations")
            } else {
                group
            };
            continue;
        }
        let mut feature = kebab.clone();
        let mut n = 2;
        while !taken.insert(feature.clone()) {
            feature = format!("{kebab}-{n}");
            n += 1;
        }
        op.feature = feature;
    }
}

/// `create-model-package` acts on `model-package`; a one-word name on itself.
fn resource_of(kebab: &str) -> String {
    match kebab.split_once('-') {
        Some((_, rest)) if !rest.is_empty() => rest.to_owned(),
        _ => kebab.to_owned(),
    }
}

/// Every shape reachable from `roots` through members, list members, map
/// entries and, as `events` says, the events of event streams.
fn closure(
    shapes: &BTreeMap<String, Shape>,
    roots: Vec<String>,
    events: Events,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        let Some(shape) = shapes.get(&name) else {
            continue;
        };
        if !seen.insert(name) {
            continue;
        }
        match &shape.kind {
            ShapeKind::Structure(s) => stack.extend(s.members.iter().map(|m| m.target.clone())),
            ShapeKind::Union(u) if u.event_stream && events == Events::OnlyTheirMembers => {
                for event in &u.members {
                    if let Some(ShapeKind::Structure(s)) =
                        shapes.get(&event.target).map(|e| &e.kind)
                    {
                        stack.extend(s.members.iter().map(|m| m.target.clone()));
                    }
                }
            }
            ShapeKind::Union(u) => stack.extend(u.members.iter().map(|m| m.target.clone())),
            ShapeKind::List(l) => stack.push(l.member.clone()),
            ShapeKind::Map(m) => {
                stack.push(m.key.clone());
                stack.push(m.value.clone());
            }
            _ => {}
        }
    }
    seen
}

/// An HTTP header name is a non-empty token (RFC 9110).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn is_event_stream_shape(shape: &model::Shape) -> bool {
    matches!(shape, model::Shape::Structure(s) if s.eventstream)
}

#[cfg(test)]
mod runtime_names_tests {
    use super::ERROR_MODULE_RUNTIME_EXPORTS;

    /// The public types a runtime source file defines.
    fn public_types(source: &str) -> Vec<String> {
        let file = syn::parse_file(source).expect("the runtime's source parses");
        let mut names: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                    Some(s.ident.to_string())
                }
                syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                    Some(e.ident.to_string())
                }
                syn::Item::Type(t) if matches!(t.vis, syn::Visibility::Public(_)) => {
                    Some(t.ident.to_string())
                }
                _ => None,
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_error_module_re_exports_every_public_type_of_the_runtimes_error_module() {
        let listed: Vec<String> = ERROR_MODULE_RUNTIME_EXPORTS
            .iter()
            .find(|(module, _)| *module == "error")
            .map(|(_, names)| {
                let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
                names.sort();
                names
            })
            .unwrap_or_default();
        assert_eq!(
            listed,
            public_types(include_str!("../../../runtime/src/error.rs"))
        );
    }

    #[test]
    fn every_validation_name_listed_is_a_public_type_of_the_runtime() {
        let defined = public_types(include_str!("../../../runtime/src/validation.rs"));
        for (module, names) in ERROR_MODULE_RUNTIME_EXPORTS {
            if *module == "validation" {
                for name in *names {
                    assert!(
                        defined.iter().any(|d| d == name),
                        "{name} is not in validation.rs"
                    );
                }
            }
        }
    }
}
