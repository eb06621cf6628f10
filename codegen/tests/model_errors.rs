//! Every contradiction the resolver rejects, with the message a user sees.

use serde_json::{Value, json};

/// A small valid rest-json model in the shape of Bedrock's InvokeModel.
fn base() -> Value {
    json!({
        "version": "2.0",
        "metadata": {
            "apiVersion": "2023-09-30",
            "endpointPrefix": "bedrock-runtime",
            "protocol": "rest-json",
            "serviceFullName": "Amazon Bedrock Runtime",
            "signingName": "bedrock"
        },
        "operations": {
            "InvokeModel": {
                "name": "InvokeModel",
                "http": {"method": "POST", "requestUri": "/model/{modelId}/invoke", "responseCode": 200},
                "input": {"shape": "InvokeModelRequest"},
                "output": {"shape": "InvokeModelResponse"},
                "errors": [{"shape": "ThrottlingException"}]
            }
        },
        "shapes": {
            "InvokeModelRequest": {
                "type": "structure",
                "required": ["body", "modelId"],
                "members": {
                    "body": {"shape": "Body"},
                    "contentType": {"shape": "MimeType", "location": "header", "locationName": "Content-Type"},
                    "modelId": {"shape": "ModelId", "location": "uri", "locationName": "modelId"}
                },
                "payload": "body"
            },
            "InvokeModelResponse": {
                "type": "structure",
                "required": ["body"],
                "members": {"body": {"shape": "Body"}},
                "payload": "body"
            },
            "ThrottlingException": {
                "type": "structure",
                "members": {"message": {"shape": "MimeType"}},
                "error": {"httpStatusCode": 429, "senderFault": true},
                "exception": true
            },
            "Body": {"type": "blob", "max": 25000000, "min": 0, "sensitive": true},
            "MimeType": {"type": "string"},
            "ModelId": {"type": "string", "min": 1, "max": 2048, "pattern": "[a-z]+"}
        }
    })
}

fn generated(model: &Value) -> Result<codegen::Generated, String> {
    let text = serde_json::to_string_pretty(model).expect("serializes");
    codegen::generate(&codegen::Input {
        model_file: "models/test.json",
        model_text: &text,
        crate_name: "test",
        ..Default::default()
    })
    .map_err(|e| e.to_string())
}

fn generate(model: &Value) -> Result<(), String> {
    generated(model).map(|_| ())
}

/// Applies `edit` to the base model and expects generation to fail with
/// each of `expected` in the message.
fn rejects(edit: impl FnOnce(&mut Value), expected: &[&str]) {
    let mut model = base();
    edit(&mut model);
    let message = generate(&model).expect_err("the model must be rejected");
    for part in expected {
        assert!(message.contains(part), "expected {part:?} in:\n{message}");
    }
}

#[test]
fn the_base_model_is_valid() {
    generate(&base()).expect("the base model generates");
}

#[test]
fn dangling_member_reference() {
    rejects(
        |m| m["shapes"]["InvokeModelRequest"]["members"]["modelId"]["shape"] = json!("Foo"),
        &[r#"shapes.InvokeModelRequest.members.modelId: shape "Foo" is not defined"#],
    );
}

#[test]
fn dangling_list_and_map_references() {
    rejects(
        |m| {
            m["shapes"]["Ids"] = json!({"type": "list", "member": {"shape": "Nope"}});
            m["shapes"]["Tags"] =
                json!({"type": "map", "key": {"shape": "MimeType"}, "value": {"shape": "Gone"}});
        },
        &[
            r#"shapes.Ids.member: shape "Nope" is not defined"#,
            r#"shapes.Tags.value: shape "Gone" is not defined"#,
        ],
    );
}

#[test]
fn dangling_operation_references() {
    rejects(
        |m| {
            m["operations"]["InvokeModel"]["output"]["shape"] = json!("Missing");
            m["operations"]["InvokeModel"]["errors"][0]["shape"] = json!("AlsoMissing");
        },
        &[
            r#"operations.InvokeModel.output: shape "Missing" is not defined"#,
            r#"operations.InvokeModel.errors[0]: shape "AlsoMissing" is not defined"#,
        ],
    );
}

#[test]
fn unknown_shape_type() {
    rejects(
        |m| m["shapes"]["MimeType"]["type"] = json!("quaternion"),
        &[
            "models/test.json:",
            "shapes.MimeType.type: unknown variant `quaternion`",
        ],
    );
}

#[test]
fn uri_member_without_a_label() {
    rejects(
        |m| m["operations"]["InvokeModel"]["http"]["requestUri"] = json!("/model/{id}/invoke"),
        &[
            r#"shapes.InvokeModelRequest.members.modelId: label {modelId} is not in the request URI "/model/{id}/invoke" of operation InvokeModel"#,
            "operations.InvokeModel.http.requestUri: label {id} has no member of InvokeModelRequest bound to it",
        ],
    );
}

#[test]
fn label_without_a_member() {
    rejects(
        |m| {
            m["operations"]["InvokeModel"]["http"]["requestUri"] =
                json!("/model/{modelId}/{version}")
        },
        &[
            "operations.InvokeModel.http.requestUri: label {version} has no member of InvokeModelRequest bound to it",
        ],
    );
}

#[test]
fn malformed_request_uri() {
    rejects(
        |m| m["operations"]["InvokeModel"]["http"]["requestUri"] = json!("/model/{modelId"),
        &[
            r#"operations.InvokeModel.http.requestUri: request URI "/model/{modelId" is invalid: a `{` is never closed"#,
        ],
    );
}

#[test]
fn payload_that_names_no_member() {
    rejects(
        |m| m["shapes"]["InvokeModelRequest"]["payload"] = json!("content"),
        &[r#"shapes.InvokeModelRequest.payload: "content" is not a member of InvokeModelRequest"#],
    );
}

#[test]
fn required_that_names_no_member() {
    rejects(
        |m| m["shapes"]["InvokeModelRequest"]["required"] = json!(["body", "model"]),
        &[r#"shapes.InvokeModelRequest.required: "model" is not a member of InvokeModelRequest"#],
    );
}

#[test]
fn a_pattern_no_engine_accepts_is_a_warning_and_a_doc_note_not_a_refusal() {
    let mut model = base();
    model["shapes"]["ModelId"]["pattern"] = json!("([a-z]+");
    let generated = generated(&model).expect("an unusable pattern does not refuse the model");
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(r#"shapes.ModelId.pattern: pattern "([a-z]+" is not a valid ECMA-262 regular expression"#)
            && warnings[0].ends_with("it is not checked client-side"),
        "{warnings:?}"
    );
    let sources: String = generated
        .files
        .iter()
        .map(|f| f.contents.as_str())
        .collect();
    assert!(
        sources.contains("**Not checked client-side:** the model's pattern `([a-z]+`"),
        "the member's docs say the pattern is not checked"
    );
    assert!(
        !sources.contains("Pattern::new(\"([a-z]+\")"),
        "no check is emitted"
    );
}

#[test]
fn java_flag_groups_become_ecmascript_flags() {
    let mut model = base();
    model["shapes"]["ModelId"]["pattern"] = json!("(?s)^.+$");
    let generated = generated(&model).expect("generates");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let patterns = generated
        .files
        .iter()
        .find(|f| f.path.ends_with("patterns.rs"))
        .expect("patterns.rs");
    let compact: String = patterns.contents.split_whitespace().collect();
    assert!(
        compact.contains(r#"Pattern::with_flags("(?s)^.+$","^.+$","s""#),
        "{}",
        patterns.contents
    );
}

#[test]
fn ecmascript_only_patterns_are_accepted() {
    let mut model = base();
    // Look-behind and a named group: ECMAScript syntax the `regex` crate lacks.
    model["shapes"]["ModelId"]["pattern"] = json!(r"^(?<!x)(?<name>[a-z]+)\k<name>?$");
    generate(&model).expect("ECMAScript syntax compiles");
}

#[test]
fn min_above_max() {
    rejects(
        |m| {
            m["shapes"]["ModelId"]["min"] = json!(10);
            m["shapes"]["ModelId"]["max"] = json!(2);
        },
        &["shapes.ModelId: min 10 is greater than max 2"],
    );
}

#[test]
fn integer_bound_outside_the_type() {
    rejects(
        |m| {
            m["shapes"]["Small"] = json!({"type": "byte", "max": 300});
            m["shapes"]["InvokeModelResponse"]["members"]["small"] = json!({"shape": "Small"});
        },
        &["shapes.Small.max: bound 300 is not valid for a byte: it is outside the type's range"],
    );
}

#[test]
fn unsupported_protocol() {
    rejects(
        |m| m["metadata"]["protocol"] = json!("ec2"),
        &[r#"metadata.protocol: protocol "ec2" is not supported"#],
    );
}

#[test]
fn operation_input_that_is_not_a_structure() {
    rejects(
        |m| m["operations"]["InvokeModel"]["input"]["shape"] = json!("MimeType"),
        &[
            r#"operations.InvokeModel.input: shape "MimeType" is a string, but a structure is required here"#,
        ],
    );
}

#[test]
fn unknown_location() {
    rejects(
        |m| {
            m["shapes"]["InvokeModelRequest"]["members"]["contentType"]["location"] =
                json!("cookie")
        },
        &[
            r#"shapes.InvokeModelRequest.members.contentType.location: location "cookie" is not one of"#,
        ],
    );
}

#[test]
fn status_code_on_an_input() {
    rejects(
        |m| {
            m["shapes"]["Status"] = json!({"type": "integer"});
            m["shapes"]["InvokeModelRequest"]["members"]["status"] =
                json!({"shape": "Status", "location": "statusCode"});
        },
        &[
            r#"shapes.InvokeModelRequest.members.status.location: location "statusCode" is only allowed in an operation's output"#,
        ],
    );
}

#[test]
fn header_bound_to_a_structure() {
    rejects(
        |m| {
            m["shapes"]["InvokeModelRequest"]["members"]["meta"] = json!({"shape": "ThrottlingException", "location": "header", "locationName": "x-meta"});
        },
        &["shapes.InvokeModelRequest.members.meta: header members cannot target a structure"],
    );
}

#[test]
fn duplicate_enum_values() {
    rejects(
        |m| {
            m["shapes"]["Role"] = json!({"type": "string", "enum": ["user", "assistant", "user"]});
            m["shapes"]["InvokeModelResponse"]["members"]["role"] = json!({"shape": "Role"});
        },
        &[r#"shapes.Role.enum: enum value "user" appears twice"#],
    );
}

#[test]
fn every_problem_is_reported_at_once_in_path_order() {
    let mut model = base();
    model["shapes"]["InvokeModelRequest"]["payload"] = json!("content");
    model["shapes"]["InvokeModelRequest"]["members"]["modelId"]["shape"] = json!("Foo");
    let message = generate(&model).unwrap_err();
    assert!(
        message.starts_with("models/test.json: 3 problems in the model"),
        "{message}"
    );
    let payload = message.find(".payload:").expect("payload problem");
    let member = message.find(".members.modelId:").expect("member problem");
    assert!(member < payload, "sorted by path:\n{message}");
}

#[test]
fn json_syntax_errors_name_file_line_and_column() {
    let text = "{\n  \"metadata\": {\n    \"apiVersion\": \"1\",,\n  }\n}";
    let err = codegen::generate(&codegen::Input {
        model_file: "models/broken.json",
        model_text: text,
        crate_name: "broken",
        ..Default::default()
    })
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("models/broken.json:3:23: "), "{err}");
}

/// The base model as an awsJson 1.1 service.
fn aws_json(model: &mut Value) {
    model["metadata"]["protocol"] = json!("json");
    model["metadata"]["jsonVersion"] = json!("1.1");
    model["metadata"]["targetPrefix"] = json!("AmazonBedrockFrontendService");
}

#[test]
fn an_aws_json_model_ignores_http_bindings_and_names_its_target() {
    let mut model = base();
    aws_json(&mut model);
    let generated = generated(&model).expect("the awsJson model generates");
    let http = generated
        .files
        .iter()
        .find(|f| f.path.ends_with("operation/invoke_model/http.rs"))
        .expect("the operation's HTTP module");
    for expected in [
        "application/x-amz-json-1.1",
        "AmazonBedrockFrontendService.InvokeModel",
        "String::from(\"/\")",
    ] {
        assert!(
            http.contents.contains(expected),
            "{expected:?} in:\n{}",
            http.contents
        );
    }
    assert!(
        !http.contents.contains("encoder.label"),
        "the uri-bound member travels in the body, not the path"
    );
}

#[test]
fn an_aws_json_model_needs_a_target_prefix_and_a_known_version() {
    rejects(
        |m| {
            aws_json(m);
            m["metadata"]["targetPrefix"] = json!(null);
            m["metadata"]["jsonVersion"] = json!("2.0");
        },
        &[
            "metadata.jsonVersion: jsonVersion \"2.0\" is not one of 1.0, 1.1",
            "metadata.targetPrefix: a json-protocol service needs a targetPrefix",
        ],
    );
}

#[test]
fn the_first_supported_protocol_offered_is_used() {
    let mut model = base();
    aws_json(&mut model);
    model["metadata"]["protocol"] = json!("smithy-rpc-v2-cbor");
    model["metadata"]["protocols"] = json!(["smithy-rpc-v2-cbor", "json"]);
    generate(&model).expect("json is offered second");
    model["metadata"]["protocols"] = json!(["smithy-rpc-v2-cbor", "query"]);
    model["metadata"]["protocol"] = json!("smithy-rpc-v2-cbor");
    let message = generate(&model).expect_err("nothing supported is offered");
    assert!(message.contains("is not supported"), "{message}");
}

#[test]
fn a_host_prefix_label_must_name_a_host_label_member() {
    rejects(
        |m| {
            m["operations"]["InvokeModel"]["endpoint"] =
                json!({"hostPrefix": "{contentType}.runtime."});
        },
        &[
            "operations.InvokeModel.endpoint.hostPrefix: host prefix \"{contentType}.runtime.\" is invalid: label {contentType} is not a string member of the input marked hostLabel",
        ],
    );
    rejects(
        |m| {
            m["operations"]["InvokeModel"]["endpoint"] = json!({"hostPrefix": "data_plane."});
        },
        &["holds characters a host name cannot"],
    );
}

#[test]
fn a_static_endpoint_parameter_must_be_declared_by_the_rules() {
    let mut model = base();
    model["operations"]["InvokeModel"]["staticContextParams"] =
        json!({"Undeclared": {"value": "x"}});
    let text = serde_json::to_string(&model).expect("serializes");
    let rules = json!({
        "version": "1.0",
        "parameters": {"Region": {"type": "string", "builtIn": "AWS::Region", "required": true}},
        "rules": [{"conditions": [], "endpoint": {"url": "https://example.com"}, "type": "endpoint"}]
    })
    .to_string();
    let partitions = json!({"partitions": []}).to_string();
    let message = codegen::generate(&codegen::Input {
        model_file: "models/test.json",
        model_text: &text,
        crate_name: "test",
        endpoint_rules: Some(("models/test.endpoint-rule-set.json", &rules)),
        partitions: Some(("models/shared/partitions.json", &partitions)),
        ..Default::default()
    })
    .map(|_| ())
    .expect_err("the parameter is not declared")
    .to_string();
    assert!(
        message.contains("operations.InvokeModel.staticContextParams.Undeclared"),
        "{message}"
    );
}
