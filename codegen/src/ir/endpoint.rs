//! Checking an endpoint rule set and its test cases before they are
//! embedded: every function is one the runtime evaluates, every parameter
//! can be filled.

use serde_json::Value;

use super::check::{Problem, ProblemKind};
use super::{EndpointParameter, EndpointRules, EndpointTest, EndpointValue, Operation};
use crate::model::EndpointTests;

/// Functions the runtime's evaluator implements.
const FUNCTIONS: &[&str] = &[
    "isSet",
    "not",
    "booleanEquals",
    "stringEquals",
    "getAttr",
    "aws.partition",
    "isValidHostLabel",
    "substring",
    "uriEncode",
    "parseURL",
    "aws.parseArn",
];

/// Built-in parameters the client fills from its configuration (the
/// account id only where one is configured: unset, the rules fall back to
/// the regional endpoint).
const BUILT_INS: &[&str] = &[
    "AWS::Region",
    "AWS::UseFIPS",
    "AWS::UseDualStack",
    "SDK::Endpoint",
    "AWS::Auth::AccountId",
    "AWS::Auth::AccountIdEndpointMode",
];

pub(super) fn resolve(
    rules: &Value,
    partitions: &Value,
    tests: Option<&EndpointTests>,
    operations: &[Operation],
    problems: &mut Vec<Problem>,
) -> Option<EndpointRules> {
    let before = problems.len();
    let mut problem = |path: String, kind: ProblemKind| problems.push(Problem { path, kind });
    // A parameter every operation fixes needs no value from the client.
    let fixed_by_every_operation = |name: &str| {
        !operations.is_empty()
            && operations
                .iter()
                .all(|op| op.endpoint_params.iter().any(|(p, _)| p == name))
    };

    let mut parameters = Vec::new();
    match rules.get("parameters").and_then(Value::as_object) {
        Some(declared) => {
            for (name, declaration) in declared {
                let built_in = declaration
                    .get("builtIn")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let required = declaration
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let has_default = declaration.get("default").is_some();
                match &built_in {
                    Some(b) if !BUILT_INS.contains(&b.as_str()) => problem(
                        format!("endpointRules.parameters.{name}"),
                        ProblemKind::Unsupported {
                            what: format!("the endpoint built-in {b}"),
                        },
                    ),
                    None if required && !has_default && !fixed_by_every_operation(name) => problem(
                        format!("endpointRules.parameters.{name}"),
                        ProblemKind::Unsupported {
                            what: "a required endpoint parameter that is neither built in, defaulted nor fixed by every operation".to_owned(),
                        },
                    ),
                    _ => {}
                }
                parameters.push(EndpointParameter {
                    name: name.clone(),
                    built_in,
                });
            }
        }
        None => problem(
            "endpointRules.parameters".to_owned(),
            ProblemKind::Unsupported {
                what: "a rule set without parameters".to_owned(),
            },
        ),
    }
    for op in operations {
        for (name, _) in &op.endpoint_params {
            if !parameters.iter().any(|p| &p.name == name) {
                problem(
                    format!("operations.{}.staticContextParams.{name}", op.name),
                    ProblemKind::NotAMember {
                        name: name.clone(),
                        shape: "the rule set's parameters".to_owned(),
                    },
                );
            }
        }
    }
    check_functions(rules, "endpointRules", &mut problem);
    if partitions
        .get("partitions")
        .and_then(Value::as_array)
        .is_none()
    {
        problem(
            "partitions".to_owned(),
            ProblemKind::Unsupported {
                what: "a partitions file without a `partitions` list".to_owned(),
            },
        );
    }

    let mut cases = Vec::new();
    for (i, case) in tests
        .map(|t| t.test_cases.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = format!("endpointTests.testCases[{i}]");
        let mut params = Vec::new();
        for (name, value) in &case.params {
            if !parameters.iter().any(|p| &p.name == name) {
                problem(
                    format!("{path}.params.{name}"),
                    ProblemKind::NotAMember {
                        name: name.clone(),
                        shape: "the rule set's parameters".to_owned(),
                    },
                );
            }
            match EndpointValue::from_json(value) {
                Some(value) => params.push((name.clone(), value)),
                None => problem(
                    format!("{path}.params.{name}"),
                    ProblemKind::Unsupported {
                        what: format!("the endpoint parameter value {value}"),
                    },
                ),
            }
        }
        let expect = match (&case.expect.endpoint, &case.expect.error) {
            (Some(endpoint), None) => Ok(endpoint.url.clone()),
            (None, Some(error)) => Err(error.clone()),
            _ => {
                problem(
                    format!("{path}.expect"),
                    ProblemKind::Unsupported {
                        what: "an expectation that is not exactly one of endpoint and error"
                            .to_owned(),
                    },
                );
                continue;
            }
        };
        cases.push(EndpointTest {
            docs: case
                .documentation
                .clone()
                .unwrap_or_else(|| format!("case {i}")),
            params,
            expect,
        });
    }

    (problems.len() == before).then(|| EndpointRules {
        rule_set: rules.to_string(),
        partitions: partitions.to_string(),
        parameters,
        tests: cases,
    })
}

fn check_functions(value: &Value, path: &str, problem: &mut impl FnMut(String, ProblemKind)) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map.get("fn").and_then(Value::as_str)
                && !FUNCTIONS.contains(&name)
            {
                problem(
                    path.to_owned(),
                    ProblemKind::Unsupported {
                        what: format!("the endpoint function {name}"),
                    },
                );
            }
            for (key, child) in map {
                check_functions(child, &format!("{path}.{key}"), problem);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                check_functions(child, &format!("{path}[{i}]"), problem);
            }
        }
        _ => {}
    }
}
