//! Checking inputs against the model's constraints (`required`, `min`/`max`,
//! `pattern`, enum values) before any byte is sent.
//!
//! What is surely wrong (a missing member, a value below a minimum, a value
//! that cannot be encoded) refuses the call by default. What only the
//! service can judge (a maximum, a pattern) is logged and sent, because
//! AWS's models get these wrong at times (typos in patterns) and services
//! relax them over time while a compiled crate keeps the old bound; this
//! is the Smithy specification's advice to clients and what botocore does.
//! [`ValidationMode::Strict`] refuses on every constraint, and on enum
//! values the model does not list.
//!
//! Generated `validate()` methods walk a value with a [`Path`] and report
//! every violation, each with the path of the member at fault, into
//! [`Violations`], which becomes one [`ValidationError`]. The same pieces
//! serve for checks of your own. Nothing here allocates unless a violation
//! is found.

use std::fmt;
use std::sync::OnceLock;

/// What the client does with an input that violates the model's constraints.
///
/// Set in code (`validation_mode(..)`), or with `SDK_RS_VALIDATION_MODE`
/// or the profile's `sdk_rs_validation_mode` (`standard`, `strict`, `warn`,
/// `off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValidationMode {
    /// Refuse what is surely wrong (missing members, lengths and values
    /// below their minimum, values that cannot be encoded), naming every
    /// violation; log what only the service can judge (maximums, patterns)
    /// at warn level and send. Enum values the model does not list are
    /// sent (as every AWS SDK does, so that values the service adds later
    /// pass). The default.
    #[default]
    Standard,
    /// Refuse on every constraint, maximums, patterns and enum values the
    /// model does not list included.
    Strict,
    /// Log every violation through `tracing` at warn level, then send.
    Warn,
    /// Do not check constraints. Missing required members are still an
    /// error, because such an input cannot be built.
    Off,
}

/// Every constraint an input violates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    violations: Vec<Violation>,
}

impl ValidationError {
    /// The violations, in the order the members were checked.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.violations.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} constraint violations: ", many.len())?;
                for (i, violation) in many.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{violation}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ValidationError {}

/// One violated constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    path: String,
    kind: ViolationKind,
}

impl Violation {
    /// Where: the input type, then member names, list indexes and map keys,
    /// e.g. `InvokeModelInput.modelId`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What.
    pub fn kind(&self) -> &ViolationKind {
        &self.kind
    }
}

impl Violation {
    /// Whether the value is surely wrong, whatever the service's current
    /// limits: a missing member, too short or below a minimum, or not
    /// encodable. Maximums, patterns and enum values only the service can
    /// judge.
    pub fn is_certain(&self) -> bool {
        matches!(
            self.kind,
            ViolationKind::Missing
                | ViolationKind::TooShort { .. }
                | ViolationKind::BelowMinimum { .. }
                | ViolationKind::NotEncodable { .. }
        )
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)
    }
}

/// The constraint that was violated, with the bound and the offending size.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// A required member was not set.
    Missing,
    /// Too short: characters (Unicode scalar values) for strings, bytes for
    /// blobs, entries for lists and maps.
    TooShort {
        /// The value's length.
        length: usize,
        /// The smallest length allowed.
        min: u64,
    },
    /// Too long, counted as for [`ViolationKind::TooShort`].
    TooLong {
        /// The value's length.
        length: usize,
        /// The largest length allowed.
        max: u64,
    },
    /// A number below its range; the value is omitted for sensitive members.
    BelowMinimum {
        /// The value, unless sensitive.
        value: Option<String>,
        /// The smallest value allowed.
        min: String,
    },
    /// A number above its range; the value is omitted for sensitive members.
    AboveMaximum {
        /// The value, unless sensitive.
        value: Option<String>,
        /// The largest value allowed.
        max: String,
    },
    /// A string in which the pattern matches nowhere.
    PatternMismatch {
        /// The ECMA-262 pattern from the model.
        pattern: &'static str,
    },
    /// The value cannot be put on the wire where the model binds it, e.g. a
    /// line break in a header or an empty URI label.
    NotEncodable {
        /// Why.
        reason: &'static str,
    },
    /// A value of an enum that the model does not list; the value is
    /// omitted for sensitive members. Only [`ValidationMode::Strict`]
    /// refuses it.
    UnlistedValue {
        /// The value, unless sensitive.
        value: Option<String>,
    },
    /// The model's pattern could not be compiled by this build's regex
    /// engine. Generation checks every pattern, so this only happens if the
    /// crate is built against a different engine version.
    InvalidPattern {
        /// The ECMA-262 pattern from the model.
        pattern: &'static str,
        /// Why it did not compile.
        reason: String,
    },
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViolationKind::Missing => f.write_str("required member is missing"),
            ViolationKind::TooShort { length, min } => {
                write!(f, "length {length} is below the minimum {min}")
            }
            ViolationKind::TooLong { length, max } => {
                write!(f, "length {length} is above the maximum {max}")
            }
            ViolationKind::BelowMinimum {
                value: Some(v),
                min,
            } => {
                write!(f, "value {v} is below the minimum {min}")
            }
            ViolationKind::BelowMinimum { value: None, min } => {
                write!(f, "value is below the minimum {min}")
            }
            ViolationKind::AboveMaximum {
                value: Some(v),
                max,
            } => {
                write!(f, "value {v} is above the maximum {max}")
            }
            ViolationKind::AboveMaximum { value: None, max } => {
                write!(f, "value is above the maximum {max}")
            }
            ViolationKind::PatternMismatch { pattern } => {
                write!(f, "value does not match the pattern {pattern:?}")
            }
            ViolationKind::NotEncodable { reason } => write!(f, "value cannot be sent: {reason}"),
            ViolationKind::UnlistedValue { value: Some(v) } => {
                write!(f, "value {v:?} is not one the model lists")
            }
            ViolationKind::UnlistedValue { value: None } => {
                f.write_str("value is not one the model lists")
            }
            ViolationKind::InvalidPattern { pattern, reason } => {
                write!(f, "pattern {pattern:?} cannot be compiled: {reason}")
            }
        }
    }
}

/// Where a value sits inside the input being checked. A linked list on the
/// stack, rendered to text only when a violation is reported.
#[derive(Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root(&'static str),
    Member(&'static str),
    Index(usize),
    Key(&'a str),
}

impl<'a> Path<'a> {
    /// The value being validated, named by its type.
    pub const fn root(type_name: &'static str) -> Path<'static> {
        Path {
            parent: None,
            segment: Segment::Root(type_name),
        }
    }

    /// A member of this value, by its model name.
    pub fn member(&'a self, name: &'static str) -> Path<'a> {
        self.child(Segment::Member(name))
    }

    /// An entry of this list.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        self.child(Segment::Index(index))
    }

    /// An entry of this map.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        self.child(Segment::Key(key))
    }

    fn child(&'a self, segment: Segment<'a>) -> Path<'a> {
        Path {
            parent: Some(self),
            segment,
        }
    }

    fn render(&self) -> String {
        let mut segments = Vec::new();
        let mut node = Some(self);
        while let Some(path) = node {
            segments.push(path.segment);
            node = path.parent;
        }
        let mut out = String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Root(name) => out.push_str(name),
                Segment::Member(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                Segment::Key(key) => {
                    out.push('[');
                    out.push_str(&format!("{key:?}"));
                    out.push(']');
                }
            }
        }
        out
    }
}

/// An ECMA-262 pattern, compiled on first use and then shared; meant for a
/// `static`.
pub struct Pattern {
    /// As the model writes it, for messages.
    source: &'static str,
    /// What `regress` compiles, with `flags`: the model's Java-style leading
    /// flag groups (`(?s)`) become ECMAScript flags.
    ecma_source: &'static str,
    flags: &'static str,
    compiled: OnceLock<Result<regress::Regex, String>>,
}

impl Pattern {
    /// A pattern that is compiled the first time it is used.
    pub const fn new(source: &'static str) -> Self {
        Pattern::with_flags(source, source, "")
    }

    /// A pattern the model writes as `source` and `regress` compiles as
    /// `ecma_source` with `flags` (`i`, `m`, `s`).
    pub const fn with_flags(
        source: &'static str,
        ecma_source: &'static str,
        flags: &'static str,
    ) -> Self {
        Pattern {
            source,
            ecma_source,
            flags,
            compiled: OnceLock::new(),
        }
    }

    fn compiled(&self) -> &Result<regress::Regex, String> {
        self.compiled.get_or_init(|| {
            regress::Regex::with_flags(self.ecma_source, self.flags).map_err(|e| e.to_string())
        })
    }
}

/// Collects violations while generated code walks a value.
#[derive(Default)]
pub struct Violations {
    found: Vec<Violation>,
}

impl Violations {
    fn push(&mut self, path: &Path<'_>, kind: ViolationKind) {
        self.found.push(Violation {
            path: path.render(),
            kind,
        });
    }

    /// A required member that is absent.
    pub fn missing(&mut self, path: &Path<'_>) {
        self.push(path, ViolationKind::Missing);
    }

    /// A value that cannot be put where the model binds it.
    pub fn not_encodable(&mut self, path: &Path<'_>, reason: &'static str) {
        self.push(path, ViolationKind::NotEncodable { reason });
    }

    /// An enum value the model does not list.
    pub fn unlisted(&mut self, path: &Path<'_>, value: &str, sensitive: bool) {
        let value = (!sensitive).then(|| value.to_owned());
        self.push(path, ViolationKind::UnlistedValue { value });
    }

    /// Checks a length against inclusive bounds.
    pub fn length(&mut self, path: &Path<'_>, length: usize, min: Option<u64>, max: Option<u64>) {
        // usize always fits in u64 on the targets Rust supports.
        let len = length as u64;
        if let Some(min) = min.filter(|&min| len < min) {
            self.push(path, ViolationKind::TooShort { length, min });
        }
        if let Some(max) = max.filter(|&max| len > max) {
            self.push(path, ViolationKind::TooLong { length, max });
        }
    }

    /// Checks a number against an inclusive range.
    pub fn range<T: PartialOrd + fmt::Display>(
        &mut self,
        path: &Path<'_>,
        value: T,
        min: Option<T>,
        max: Option<T>,
        sensitive: bool,
    ) {
        let shown = |v: &T| (!sensitive).then(|| v.to_string());
        if let Some(min) = min.filter(|min| value < *min) {
            self.push(
                path,
                ViolationKind::BelowMinimum {
                    value: shown(&value),
                    min: min.to_string(),
                },
            );
        }
        if let Some(max) = max.filter(|max| value > *max) {
            self.push(
                path,
                ViolationKind::AboveMaximum {
                    value: shown(&value),
                    max: max.to_string(),
                },
            );
        }
    }

    /// Checks that the pattern matches somewhere in `value`: Smithy patterns
    /// are not implicitly anchored.
    pub fn pattern(&mut self, path: &Path<'_>, value: &str, pattern: &'static Pattern) {
        match pattern.compiled() {
            Ok(regex) => {
                if regex.find(value).is_none() {
                    self.push(
                        path,
                        ViolationKind::PatternMismatch {
                            pattern: pattern.source,
                        },
                    );
                }
            }
            Err(reason) => self.push(
                path,
                ViolationKind::InvalidPattern {
                    pattern: pattern.source,
                    reason: reason.clone(),
                },
            ),
        }
    }

    /// The violations found, as an error; for callers that know there is one.
    pub fn into_error(self) -> ValidationError {
        ValidationError {
            violations: self.found,
        }
    }

    /// `Ok` when nothing was found.
    pub fn into_result(self) -> Result<(), ValidationError> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                violations: self.found,
            })
        }
    }
}

/// Applies the configured mode to the outcome of validating `input_name`
/// (see [`ValidationMode`]): what the mode forgives is logged, the rest is
/// the error.
pub fn enforce(
    mode: ValidationMode,
    input_name: &str,
    outcome: Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    let err = match (mode, outcome) {
        (_, Ok(())) | (ValidationMode::Off, Err(_)) => return Ok(()),
        (ValidationMode::Strict, Err(err)) => return Err(err),
        (ValidationMode::Warn, Err(err)) => err,
        (ValidationMode::Standard, Err(mut err)) => {
            let (unlisted, judged): (Vec<Violation>, Vec<Violation>) = err
                .violations
                .into_iter()
                .partition(|v| matches!(v.kind, ViolationKind::UnlistedValue { .. }));
            for violation in &unlisted {
                tracing::debug!(input = input_name, %violation, "sending an enum value the model does not list");
            }
            err.violations = judged;
            if err.violations.is_empty() {
                return Ok(());
            }
            if err.violations.iter().any(Violation::is_certain) {
                return Err(err);
            }
            err
        }
    };
    tracing::warn!(input = input_name, violations = %err, "sending a request that violates the model's constraints; the service decides");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static DIGITS: Pattern = Pattern::new("[0-9]+");
    static ANCHORED: Pattern = Pattern::new("^[a-z]+$");
    static BROKEN: Pattern = Pattern::new("(unclosed");

    fn check(f: impl FnOnce(&mut Violations, &Path<'_>)) -> Vec<String> {
        let root = Path::root("Input");
        let mut violations = Violations::default();
        f(&mut violations, &root);
        match violations.into_result() {
            Ok(()) => Vec::new(),
            Err(err) => err.violations().iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn paths_render_members_indexes_and_keys() {
        let root = Path::root("ConverseInput");
        let messages = root.member("messages");
        let first = messages.index(0);
        let content = first.member("content");
        let key = content.key("a\"b");
        assert_eq!(key.render(), r#"ConverseInput.messages[0].content["a\"b"]"#);
    }

    #[test]
    fn lengths_are_inclusive() {
        assert!(check(|v, p| v.length(p, 1, Some(1), Some(3))).is_empty());
        assert!(check(|v, p| v.length(p, 3, Some(1), Some(3))).is_empty());
        assert_eq!(
            check(|v, p| v.length(p, 0, Some(1), Some(3))),
            ["Input: length 0 is below the minimum 1"]
        );
        assert_eq!(
            check(|v, p| v.length(p, 4, Some(1), Some(3))),
            ["Input: length 4 is above the maximum 3"]
        );
    }

    #[test]
    fn ranges_are_inclusive_and_hide_sensitive_values() {
        assert!(check(|v, p| v.range(p, 100, Some(100), Some(599), false)).is_empty());
        assert_eq!(
            check(|v, p| v.range(p, 99, Some(100), Some(599), false)),
            ["Input: value 99 is below the minimum 100"]
        );
        assert_eq!(
            check(|v, p| v.range(p, 600, Some(100), Some(599), true)),
            ["Input: value is above the maximum 599"]
        );
        assert_eq!(
            check(|v, p| v.range(p, 1.5, None, Some(1.0), false)),
            ["Input: value 1.5 is above the maximum 1"]
        );
    }

    #[test]
    fn patterns_match_anywhere_unless_anchored() {
        assert!(check(|v, p| v.pattern(p, "abc123def", &DIGITS)).is_empty());
        assert_eq!(
            check(|v, p| v.pattern(p, "abc", &DIGITS)),
            [r#"Input: value does not match the pattern "[0-9]+""#]
        );
        assert!(check(|v, p| v.pattern(p, "abc", &ANCHORED)).is_empty());
        assert_eq!(check(|v, p| v.pattern(p, "abc1", &ANCHORED)).len(), 1);
    }

    #[test]
    fn flags_apply_and_messages_show_the_models_pattern() {
        static DOTALL: Pattern = Pattern::with_flags("(?s)^a.b$", "^a.b$", "s");
        assert!(check(|v, p| v.pattern(p, "a\nb", &DOTALL)).is_empty());
        assert_eq!(
            check(|v, p| v.pattern(p, "a\nbc", &DOTALL)),
            [r#"Input: value does not match the pattern "(?s)^a.b$""#]
        );
    }

    #[test]
    fn an_uncompilable_pattern_is_a_violation_not_a_panic() {
        let found = check(|v, p| v.pattern(p, "x", &BROKEN));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("cannot be compiled"), "{found:?}");
    }

    #[test]
    fn several_violations_are_listed_together() {
        let err = {
            let root = Path::root("Input");
            let mut violations = Violations::default();
            violations.missing(&root.member("body"));
            violations.length(&root.member("modelId"), 0, Some(1), None);
            violations.into_result().unwrap_err()
        };
        assert_eq!(
            err.to_string(),
            "2 constraint violations: Input.body: required member is missing; Input.modelId: length 0 is below the minimum 1"
        );
    }

    #[test]
    fn modes_decide_what_a_violation_means() {
        let violation = || {
            let mut v = Violations::default();
            v.missing(&Path::root("Input"));
            v.into_result()
        };
        assert!(enforce(ValidationMode::Strict, "Input", violation()).is_err());
        assert!(enforce(ValidationMode::Standard, "Input", violation()).is_err());
        assert!(enforce(ValidationMode::Warn, "Input", violation()).is_ok());
        assert!(enforce(ValidationMode::Off, "Input", violation()).is_ok());
        assert!(enforce(ValidationMode::Strict, "Input", Ok(())).is_ok());
    }

    #[test]
    fn the_default_refuses_what_is_surely_wrong_and_lets_the_service_judge_the_rest() {
        let root = Path::root("Input");
        let judged = || {
            let mut v = Violations::default();
            v.length(&root.member("name"), 300, Some(1), Some(256));
            v.pattern(&root.member("arn"), "abc", &DIGITS);
            v.range(&root.member("count"), 11, Some(1), Some(10), false);
            v.unlisted(&root.member("role"), "usr", false);
            v.into_result()
        };
        assert!(enforce(ValidationMode::Standard, "Input", judged()).is_ok());
        let strict = enforce(ValidationMode::Strict, "Input", judged()).unwrap_err();
        assert_eq!(strict.violations().len(), 4);
        assert!(
            strict
                .to_string()
                .contains(r#"Input.role: value "usr" is not one the model lists"#)
        );

        let mut both = Violations::default();
        both.length(&root.member("name"), 300, Some(1), Some(256));
        both.range(&root.member("count"), 0, Some(1), Some(10), false);
        both.unlisted(&root.member("role"), "usr", false);
        let refused = enforce(ValidationMode::Standard, "Input", both.into_result()).unwrap_err();
        // Every violation but the open enum's is named.
        assert_eq!(
            refused.to_string(),
            "2 constraint violations: Input.name: length 300 is above the maximum 256; Input.count: value 0 is below the minimum 1"
        );
    }
}
