//! A small evaluator of Smithy endpoint rule sets (`endpoint-rule-set-1.json`)
//! with AWS's partition data: the service's own rules decide its URL for a
//! region, FIPS and dual-stack settings, and a custom endpoint.
//!
//! The rule set is the model's JSON, embedded by the generator and parsed
//! once per service on first use; the partitions are this runtime's one
//! copy of botocore's `partitions.json`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value as Json};

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Not set.
    None,
    /// A boolean.
    Bool(bool),
    /// A string.
    String(String),
    /// A record, such as a partition or a parsed URL.
    Record(BTreeMap<String, Value>),
    /// An array.
    Array(Vec<Value>),
}

impl Value {
    fn from_json(json: &Json) -> Value {
        match json {
            Json::Null => Value::None,
            Json::Bool(b) => Value::Bool(*b),
            Json::String(s) => Value::String(s.clone()),
            Json::Number(n) => Value::String(n.to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Value::from_json).collect()),
            Json::Object(map) => Value::Record(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    fn is_set(&self) -> bool {
        !matches!(self, Value::None)
    }

    fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            _ => true,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Why no endpoint could be resolved: a rule's error, or a rule set this
/// evaluator does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    message: String,
}

impl RuleError {
    fn new(message: impl Into<String>) -> Self {
        RuleError {
            message: message.into(),
        }
    }

    /// The message, as the rule set words it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleError {}

/// A parsed rule set with the partitions it may consult.
#[derive(Debug)]
pub struct RuleSet {
    parameters: Map<String, Json>,
    rules: Vec<Json>,
    partitions: Arc<Partitions>,
}

/// AWS's partitions (`partitions.json`): which regions each holds and what
/// its endpoints look like (DNS suffixes, FIPS and dual-stack support).
#[derive(Debug)]
pub struct Partitions {
    partitions: Vec<Partition>,
}

/// The partition table this runtime was built with, parsed once: botocore's
/// `partitions.json`, the one copy every service's endpoints and the
/// credential providers' STS, SSO and SSO OIDC endpoints consult.
static AWS_PARTITIONS: LazyLock<Arc<Partitions>> = LazyLock::new(|| {
    // A parse failure leaves an empty table: every region then falls to no
    // partition, which the rules report as an error rather than a panic.
    // The runtime's tests parse the embedded file, so this does not ship.
    Arc::new(
        Partitions::parse(include_str!("partitions.json")).unwrap_or(Partitions {
            partitions: Vec::new(),
        }),
    )
});

#[derive(Debug)]
struct Partition {
    id: String,
    region_regex: Option<regress::Regex>,
    regions: Map<String, Json>,
    outputs: Map<String, Json>,
}

impl Partitions {
    /// AWS's partitions as this runtime knows them.
    pub fn aws() -> &'static Partitions {
        &AWS_PARTITIONS
    }

    /// Parses a `partitions.json`.
    pub fn parse(text: &str) -> Result<Partitions, RuleError> {
        let partitions: Json = serde_json::from_str(text)
            .map_err(|e| RuleError::new(format!("bad partitions: {e}")))?;
        let partitions = partitions
            .get("partitions")
            .and_then(Json::as_array)
            .map(|list| {
                list.iter()
                    .map(|p| Partition {
                        id: p
                            .get("id")
                            .and_then(Json::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        region_regex: p
                            .get("regionRegex")
                            .and_then(Json::as_str)
                            .and_then(|r| regress::Regex::new(r).ok()),
                        regions: p
                            .get("regions")
                            .and_then(Json::as_object)
                            .cloned()
                            .unwrap_or_default(),
                        outputs: p
                            .get("outputs")
                            .and_then(Json::as_object)
                            .cloned()
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Partitions { partitions })
    }

    /// The partition of `region`: by exact name, then by pattern, else `aws`.
    fn of(&self, region: &str) -> Option<&Partition> {
        self.partitions
            .iter()
            .find(|p| p.regions.contains_key(region))
            .or_else(|| {
                self.partitions.iter().find(|p| {
                    p.region_regex
                        .as_ref()
                        .is_some_and(|r| r.find(region).is_some())
                })
            })
            .or_else(|| self.partitions.iter().find(|p| p.id == "aws"))
    }

    /// An output of `region`'s partition (`dnsSuffix`, `name`, ...), with
    /// the region's own overrides applied.
    pub fn output(&self, region: &str, name: &str) -> Option<String> {
        let partition = self.of(region)?;
        partition
            .regions
            .get(region)
            .and_then(|r| r.get(name))
            .or_else(|| partition.outputs.get(name))
            .and_then(Json::as_str)
            .map(str::to_owned)
    }
}

impl RuleSet {
    /// Parses a rule set that consults AWS's partitions ([`Partitions::aws`]).
    pub fn parse(rules: &str) -> Result<RuleSet, RuleError> {
        Self::parse_with(rules, Arc::clone(&AWS_PARTITIONS))
    }

    /// Parses a rule set that consults the given partitions.
    pub fn parse_with(rules: &str, partitions: Arc<Partitions>) -> Result<RuleSet, RuleError> {
        let rules: Json = serde_json::from_str(rules)
            .map_err(|e| RuleError::new(format!("bad rule set: {e}")))?;
        let parameters = rules
            .get("parameters")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        let rule_list = rules
            .get("rules")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        Ok(RuleSet {
            parameters,
            rules: rule_list,
            partitions,
        })
    }

    /// The URL the rules give when each parameter declared with a built-in
    /// (`AWS::Region`, `AWS::UseFIPS`, `AWS::UseDualStack`, `SDK::Endpoint`)
    /// takes the value given for that built-in, and the parameters an
    /// operation fixes (`staticContextParams`) take theirs.
    pub fn resolve_built_ins(
        &self,
        built_ins: &BTreeMap<&str, Value>,
        fixed: &[(&'static str, crate::dispatch::EndpointParam)],
    ) -> Result<String, RuleError> {
        let mut params: BTreeMap<&str, Value> = self
            .parameters
            .iter()
            .filter_map(|(name, declaration)| {
                let built_in = declaration.get("builtIn")?.as_str()?;
                Some((name.as_str(), built_ins.get(built_in)?.clone()))
            })
            .collect();
        for (name, value) in fixed {
            let value = match value {
                crate::dispatch::EndpointParam::String(s) => Value::String((*s).to_owned()),
                crate::dispatch::EndpointParam::Bool(b) => Value::Bool(*b),
                crate::dispatch::EndpointParam::StringList(items) => Value::Array(
                    items
                        .iter()
                        .map(|item| Value::String((*item).to_owned()))
                        .collect(),
                ),
            };
            params.insert(name, value);
        }
        self.resolve(&params)
    }

    /// The URL the rules give for `params` (by parameter name; missing
    /// parameters take their declared defaults).
    pub fn resolve(&self, params: &BTreeMap<&str, Value>) -> Result<String, RuleError> {
        let mut scope: BTreeMap<String, Value> = BTreeMap::new();
        for (name, declaration) in &self.parameters {
            let value = match params.get(name.as_str()) {
                Some(value) if value.is_set() => value.clone(),
                _ => declaration
                    .get("default")
                    .map_or(Value::None, Value::from_json),
            };
            let required = declaration
                .get("required")
                .and_then(Json::as_bool)
                .unwrap_or(false);
            if required && !value.is_set() {
                return Err(RuleError::new(format!(
                    "the endpoint parameter {name} is required"
                )));
            }
            scope.insert(name.clone(), value);
        }
        match self.evaluate_rules(&self.rules, &mut scope)? {
            Some(url) => Ok(url),
            None => Err(RuleError::new("no endpoint rule matched")),
        }
    }

    /// The first matching rule's outcome; `None` when no rule matched.
    fn evaluate_rules(
        &self,
        rules: &[Json],
        scope: &mut BTreeMap<String, Value>,
    ) -> Result<Option<String>, RuleError> {
        for rule in rules {
            let mut inner = scope.clone();
            if !self.conditions_hold(rule, &mut inner)? {
                continue;
            }
            return match rule.get("type").and_then(Json::as_str) {
                Some("endpoint") => {
                    let url = rule
                        .get("endpoint")
                        .and_then(|e| e.get("url"))
                        .ok_or_else(|| RuleError::new("an endpoint rule has no url"))?;
                    let url = self.evaluate(url, &inner)?;
                    url.as_str()
                        .map(|u| Some(u.to_owned()))
                        .ok_or_else(|| RuleError::new("an endpoint url is not a string"))
                }
                Some("error") => {
                    let message = rule
                        .get("error")
                        .map(|e| self.evaluate(e, &inner))
                        .transpose()?;
                    let message = message
                        .as_ref()
                        .and_then(Value::as_str)
                        .unwrap_or("endpoint resolution failed");
                    Err(RuleError::new(message))
                }
                Some("tree") => {
                    let children = rule
                        .get("rules")
                        .and_then(Json::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    match self.evaluate_rules(children, &mut inner)? {
                        Some(url) => Ok(Some(url)),
                        None => Err(RuleError::new("no endpoint rule matched in a tree")),
                    }
                }
                other => Err(RuleError::new(format!("unknown rule type {other:?}"))),
            };
        }
        Ok(None)
    }

    fn conditions_hold(
        &self,
        rule: &Json,
        scope: &mut BTreeMap<String, Value>,
    ) -> Result<bool, RuleError> {
        let conditions = rule
            .get("conditions")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for condition in conditions {
            let value = self.evaluate(condition, scope)?;
            if let Some(name) = condition.get("assign").and_then(Json::as_str) {
                scope.insert(name.to_owned(), value.clone());
            }
            if !value.truthy() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn evaluate(&self, expr: &Json, scope: &BTreeMap<String, Value>) -> Result<Value, RuleError> {
        match expr {
            Json::String(template) => self.template(template, scope).map(Value::String),
            Json::Bool(b) => Ok(Value::Bool(*b)),
            Json::Number(n) => Ok(Value::String(n.to_string())),
            Json::Object(map) if map.contains_key("ref") => {
                let name = map.get("ref").and_then(Json::as_str).unwrap_or_default();
                Ok(scope.get(name).cloned().unwrap_or(Value::None))
            }
            Json::Object(map) if map.contains_key("fn") => {
                let name = map.get("fn").and_then(Json::as_str).unwrap_or_default();
                let args = map
                    .get("argv")
                    .and_then(Json::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let args = args
                    .iter()
                    .map(|arg| self.evaluate(arg, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                self.call(name, &args)
            }
            Json::Array(items) => Ok(Value::Array(
                items
                    .iter()
                    .map(|i| self.evaluate(i, scope))
                    .collect::<Result<_, _>>()?,
            )),
            other => Err(RuleError::new(format!("cannot evaluate {other}"))),
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Result<Value, RuleError> {
        let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::None);
        Ok(match name {
            "isSet" => Value::Bool(arg(0).is_set()),
            "not" => Value::Bool(!arg(0).truthy()),
            "booleanEquals" => {
                Value::Bool(matches!((arg(0), arg(1)), (Value::Bool(a), Value::Bool(b)) if a == b))
            }
            "stringEquals" => Value::Bool(
                matches!((arg(0), arg(1)), (Value::String(a), Value::String(b)) if a == b),
            ),
            "getAttr" => match arg(1) {
                Value::String(path) => get_attr(&arg(0), &path),
                _ => Value::None,
            },
            "aws.partition" => match arg(0) {
                Value::String(region) => self.partition(&region),
                _ => Value::None,
            },
            "isValidHostLabel" => match (arg(0), arg(1)) {
                (Value::String(label), Value::Bool(allow_dots)) => {
                    Value::Bool(is_valid_host_label(&label, allow_dots))
                }
                _ => Value::Bool(false),
            },
            "substring" => substring(&arg(0), &arg(1), &arg(2), &arg(3)),
            "uriEncode" => match arg(0) {
                Value::String(s) => {
                    Value::String(percent_encoding::utf8_percent_encode(&s, URI_ENCODE).to_string())
                }
                _ => Value::None,
            },
            "parseURL" => match arg(0) {
                Value::String(url) => parse_url(&url),
                _ => Value::None,
            },
            "aws.parseArn" => match arg(0) {
                Value::String(arn) => parse_arn(&arn),
                _ => Value::None,
            },
            other => {
                return Err(RuleError::new(format!(
                    "the endpoint function {other} is not supported"
                )));
            }
        })
    }

    /// The partition of `region` as the rules see it.
    fn partition(&self, region: &str) -> Value {
        let found = self.partitions.of(region);
        let Some(partition) = found else {
            return Value::None;
        };
        let mut outputs: BTreeMap<String, Value> = partition
            .outputs
            .iter()
            .map(|(k, v)| (k.clone(), Value::from_json(v)))
            .collect();
        if let Some(Json::Object(overrides)) = partition.regions.get(region) {
            for (k, v) in overrides {
                outputs.insert(k.clone(), Value::from_json(v));
            }
        }
        outputs.insert("name".to_owned(), Value::String(partition.id.clone()));
        Value::Record(outputs)
    }

    /// Expands `{Name}` and `{Name#attr}`; `{{` and `}}` are literal braces.
    fn template(
        &self,
        template: &str,
        scope: &BTreeMap<String, Value>,
    ) -> Result<String, RuleError> {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            if rest[open..].starts_with("{{") || rest[open..].starts_with("}}") {
                out.push_str(&rest[open..open + 1]);
                rest = &rest[open + 2..];
                continue;
            }
            if rest[open..].starts_with('}') {
                return Err(RuleError::new(format!("unbalanced `}}` in {template:?}")));
            }
            let close = after
                .find('}')
                .ok_or_else(|| RuleError::new(format!("unclosed `{{` in {template:?}")))?;
            let reference = &after[..close];
            let value = match reference.split_once('#') {
                Some((name, path)) => get_attr(scope.get(name).unwrap_or(&Value::None), path),
                None => scope.get(reference).cloned().unwrap_or(Value::None),
            };
            match value {
                Value::String(s) => out.push_str(&s),
                Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                _ => return Err(RuleError::new(format!("{{{reference}}} is not set"))),
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The characters `uriEncode` leaves alone.
const URI_ENCODE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `a.b[2]` into records and arrays.
fn get_attr(value: &Value, path: &str) -> Value {
    let mut current = value.clone();
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, index)) => (name, index.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        if !name.is_empty() {
            current = match current {
                Value::Record(map) => map.get(name).cloned().unwrap_or(Value::None),
                _ => Value::None,
            };
        }
        if let Some(i) = index {
            current = match current {
                Value::Array(items) => items.get(i).cloned().unwrap_or(Value::None),
                _ => Value::None,
            };
        }
    }
    current
}

fn is_valid_host_label(label: &str, allow_dots: bool) -> bool {
    let valid = |part: &str| {
        !part.is_empty()
            && part.len() <= 63
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && part
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_alphanumeric)
    };
    if allow_dots {
        label.split('.').all(valid)
    } else {
        valid(label)
    }
}

fn substring(input: &Value, start: &Value, stop: &Value, reverse: &Value) -> Value {
    let (Value::String(s), Value::String(start), Value::String(stop), Value::Bool(reverse)) =
        (input, start, stop, reverse)
    else {
        return Value::None;
    };
    let (Ok(start), Ok(stop)) = (start.parse::<usize>(), stop.parse::<usize>()) else {
        return Value::None;
    };
    if !s.is_ascii() || start >= stop || s.len() < stop {
        return Value::None;
    }
    let (from, to) = if *reverse {
        (s.len() - stop, s.len() - start)
    } else {
        (start, stop)
    };
    Value::String(s[from..to].to_owned())
}

fn parse_url(url: &str) -> Value {
    let Ok(uri) = url.parse::<http::Uri>() else {
        return Value::None;
    };
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Value::None;
    };
    if uri.query().is_some() {
        return Value::None;
    }
    let path = uri.path().to_owned();
    let normalized = if path.ends_with('/') {
        path.clone()
    } else {
        format!("{path}/")
    };
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let is_ip = host.parse::<std::net::IpAddr>().is_ok();
    let mut record = BTreeMap::new();
    record.insert("scheme".to_owned(), Value::String(scheme.to_owned()));
    record.insert("authority".to_owned(), Value::String(authority.to_string()));
    record.insert(
        "path".to_owned(),
        Value::String(if path == "/" && !url.ends_with('/') {
            String::new()
        } else {
            path
        }),
    );
    record.insert("normalizedPath".to_owned(), Value::String(normalized));
    record.insert("isIp".to_owned(), Value::Bool(is_ip));
    Value::Record(record)
}

/// `arn:partition:service:region:account-id:resource` as a record, the
/// resource split on `:` and `/` into `resourceId`; not set when `arn` is
/// not an ARN (the rules then fall through).
fn parse_arn(arn: &str) -> Value {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Value::None;
    };
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return Value::None;
    }
    let resource_id = resource
        .split([':', '/'])
        .map(|part| Value::String(part.to_owned()))
        .collect();
    let text = |s: &str| Value::String(s.to_owned());
    Value::Record(BTreeMap::from([
        ("partition".to_owned(), text(partition)),
        ("service".to_owned(), text(service)),
        ("region".to_owned(), text(region)),
        ("accountId".to_owned(), text(account)),
        ("resourceId".to_owned(), Value::Array(resource_id)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule set whose endpoint depends on a parameter only operations
    /// fix (`staticContextParams`), as ACM's `ServiceType` does.
    const PER_OPERATION: &str = r#"{
        "version": "1.0",
        "parameters": {
            "Region": {"type": "string", "builtIn": "AWS::Region", "required": true},
            "ServiceType": {"type": "string", "required": true},
            "Arns": {"type": "stringArray"}
        },
        "rules": [
            {
                "conditions": [{"fn": "isSet", "argv": [{"ref": "Arns"}]}],
                "endpoint": {"url": "https://arns.{Region}.example.com"},
                "type": "endpoint"
            },
            {
                "conditions": [{"fn": "stringEquals", "argv": [{"ref": "ServiceType"}, "ACME"]}],
                "endpoint": {"url": "https://acme.{Region}.example.com"},
                "type": "endpoint"
            },
            {"conditions": [], "endpoint": {"url": "https://main.{Region}.example.com"}, "type": "endpoint"}
        ]
    }"#;

    #[test]
    fn operations_fix_their_own_parameters() {
        use crate::dispatch::EndpointParam;
        let rules = RuleSet::parse_with(
            PER_OPERATION,
            Arc::new(Partitions::parse(r#"{"partitions": []}"#).unwrap()),
        )
        .unwrap();
        let mut built_ins = BTreeMap::new();
        built_ins.insert("AWS::Region", Value::String("eu-west-1".into()));
        let resolve =
            |fixed: &[(&'static str, EndpointParam)]| rules.resolve_built_ins(&built_ins, fixed);
        assert!(
            resolve(&[]).unwrap_err().message().contains("ServiceType"),
            "a required parameter no operation fixed"
        );
        assert_eq!(
            resolve(&[("ServiceType", EndpointParam::String("ACME"))]).unwrap(),
            "https://acme.eu-west-1.example.com"
        );
        assert_eq!(
            resolve(&[("ServiceType", EndpointParam::String("ACM"))]).unwrap(),
            "https://main.eu-west-1.example.com"
        );
        assert_eq!(
            resolve(&[
                ("ServiceType", EndpointParam::String("ACM")),
                (
                    "Arns",
                    EndpointParam::StringList(&["arn:aws:acm:eu-west-1:1:certificate/x"])
                ),
            ])
            .unwrap(),
            "https://arns.eu-west-1.example.com"
        );
    }

    #[test]
    fn arns_parse_into_their_parts() {
        let Value::Record(arn) =
            parse_arn("arn:aws:cloudfront::123456789012:key-value-store/abc:d")
        else {
            panic!("an ARN");
        };
        assert_eq!(arn["service"], Value::String("cloudfront".into()));
        assert_eq!(arn["region"], Value::String(String::new()));
        assert_eq!(arn["accountId"], Value::String("123456789012".into()));
        assert_eq!(
            arn["resourceId"],
            Value::Array(vec![
                Value::String("key-value-store".into()),
                Value::String("abc".into()),
                Value::String("d".into())
            ])
        );
        for not_an_arn in [
            "arn:aws:s3",
            "arn::s3:::x",
            "arn:aws:s3:::",
            "urn:aws:s3:::x",
        ] {
            assert_eq!(parse_arn(not_an_arn), Value::None, "{not_an_arn}");
        }
    }

    const PARTITIONS: &str = r#"{"partitions":[
        {"id":"aws","regionRegex":"^(us|eu)\\-\\w+\\-\\d+$","regions":{"us-east-1":{}},
         "outputs":{"dnsSuffix":"amazonaws.com","dualStackDnsSuffix":"api.aws","supportsFIPS":true,"supportsDualStack":true}},
        {"id":"aws-cn","regionRegex":"^cn\\-\\w+\\-\\d+$","regions":{},
         "outputs":{"dnsSuffix":"amazonaws.com.cn","dualStackDnsSuffix":"api.amazonwebservices.com.cn","supportsFIPS":false,"supportsDualStack":true}}]}"#;

    const RULES: &str = r#"{"version":"1.0",
        "parameters":{"Region":{"type":"string"},"UseFIPS":{"type":"boolean","required":true,"default":false}},
        "rules":[
          {"conditions":[{"fn":"isSet","argv":[{"ref":"Region"}]},
                         {"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"P"}],
           "type":"tree","rules":[
             {"conditions":[{"fn":"booleanEquals","argv":[{"ref":"UseFIPS"},true]},
                            {"fn":"booleanEquals","argv":[{"fn":"getAttr","argv":[{"ref":"P"},"supportsFIPS"]},false]}],
              "type":"error","error":"no FIPS in {P#name}"},
             {"conditions":[{"fn":"booleanEquals","argv":[{"ref":"UseFIPS"},true]}],
              "type":"endpoint","endpoint":{"url":"https://svc-fips.{Region}.{P#dnsSuffix}"}},
             {"conditions":[],"type":"endpoint","endpoint":{"url":"https://svc.{Region}.{P#dnsSuffix}"}}]},
          {"conditions":[],"type":"error","error":"Missing Region"}]}"#;

    fn resolve(region: Option<&str>, fips: bool) -> Result<String, String> {
        let rules =
            RuleSet::parse_with(RULES, Arc::new(Partitions::parse(PARTITIONS).unwrap())).unwrap();
        let mut params = BTreeMap::new();
        if let Some(region) = region {
            params.insert("Region", Value::String(region.to_owned()));
        }
        params.insert("UseFIPS", Value::Bool(fips));
        rules.resolve(&params).map_err(|e| e.to_string())
    }

    #[test]
    fn rules_pick_partitions_and_templates() {
        assert_eq!(
            resolve(Some("us-east-1"), false).unwrap(),
            "https://svc.us-east-1.amazonaws.com"
        );
        assert_eq!(
            resolve(Some("eu-west-1"), true).unwrap(),
            "https://svc-fips.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            resolve(Some("cn-north-1"), false).unwrap(),
            "https://svc.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            resolve(Some("cn-north-1"), true).unwrap_err(),
            "no FIPS in aws-cn"
        );
        assert_eq!(
            resolve(Some("mars-1"), false).unwrap(),
            "https://svc.mars-1.amazonaws.com",
            "unknown regions use aws"
        );
        assert_eq!(resolve(None, false).unwrap_err(), "Missing Region");
    }

    #[test]
    fn helpers_follow_the_rules_language() {
        assert_eq!(
            substring(
                &Value::String("abcdef".into()),
                &Value::String("1".into()),
                &Value::String("3".into()),
                &Value::Bool(false)
            ),
            Value::String("bc".into())
        );
        assert_eq!(
            substring(
                &Value::String("abcdef".into()),
                &Value::String("0".into()),
                &Value::String("2".into()),
                &Value::Bool(true)
            ),
            Value::String("ef".into())
        );
        assert!(
            is_valid_host_label("bucket-1", false)
                && !is_valid_host_label("a.b", false)
                && is_valid_host_label("a.b", true)
        );
        let url = parse_url("https://example.com:8443/path");
        assert_eq!(
            get_attr(&url, "authority"),
            Value::String("example.com:8443".into())
        );
        assert_eq!(
            get_attr(&url, "normalizedPath"),
            Value::String("/path/".into())
        );
        assert_eq!(
            get_attr(&parse_url("http://127.0.0.1"), "isIp"),
            Value::Bool(true)
        );
    }

    #[test]
    fn the_embedded_partition_table_parses_and_names_every_partition() {
        let table = Partitions::parse(include_str!("partitions.json")).unwrap();
        let ids: Vec<&str> = table.partitions.iter().map(|p| p.id.as_str()).collect();
        for id in ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
        let aws = Partitions::aws();
        assert_eq!(
            aws.output("us-east-1", "dnsSuffix").as_deref(),
            Some("amazonaws.com")
        );
        assert_eq!(
            aws.output("cn-north-1", "dnsSuffix").as_deref(),
            Some("amazonaws.com.cn")
        );
        assert_eq!(
            aws.output("us-gov-west-1", "name").as_deref(),
            Some("aws-us-gov")
        );
        assert_eq!(
            aws.output("us-isob-east-1", "dnsSuffix").as_deref(),
            Some("sc2s.sgov.gov")
        );
        // A region of no known pattern falls to `aws`, as the rules do.
        assert_eq!(aws.output("xx-moon-1", "name").as_deref(), Some("aws"));
    }
}
