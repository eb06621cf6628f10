//! The generated validators at every boundary of the seed model's constraints.

use bedrock_runtime::error::{ValidationError, ViolationKind};
use bedrock_runtime::operation::invoke_model::InvokeModelInput;
use bedrock_runtime::operation::start_async_invoke::{
    StartAsyncInvokeInput, StartAsyncInvokeInputBuilder,
};
use bedrock_runtime::primitives::Blob;
use bedrock_runtime::types::Tag;

fn input(model_id: &str, body: impl Into<Blob>) -> InvokeModelInput {
    InvokeModelInput::builder()
        .model_id(model_id)
        .body(body)
        .build()
        .expect("all required members are set")
}

fn messages(result: Result<(), ValidationError>) -> Vec<String> {
    match result {
        Ok(()) => Vec::new(),
        Err(err) => err.violations().iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn model_id_length_is_checked_at_its_bounds() {
    let too_short = input("", "{}").validate().unwrap_err();
    assert_eq!(
        too_short.violations()[0].to_string(),
        "InvokeModelInput.modelId: length 0 is below the minimum 1"
    );
    // An empty string matches no alternative of the pattern either.
    assert!(matches!(
        too_short.violations()[1].kind(),
        ViolationKind::PatternMismatch { .. }
    ));
    assert_eq!(too_short.violations().len(), 2);
    assert!(messages(input("a", "{}").validate()).is_empty(), "min");
    assert!(
        messages(input(&"a".repeat(2048), "{}").validate()).is_empty(),
        "max"
    );
    assert_eq!(
        messages(input(&"a".repeat(2049), "{}").validate()),
        ["InvokeModelInput.modelId: length 2049 is above the maximum 2048"]
    );
}

#[test]
fn string_length_counts_unicode_scalar_values_not_bytes_or_utf16_units() {
    // 2048 characters, 4095 bytes in UTF-8: within the maximum.
    let accented = format!("a{}", "é".repeat(2047));
    assert_eq!(accented.len(), 4095);
    assert!(messages(input(&accented, "{}").validate()).is_empty());
    // An emoji is one scalar value, two UTF-16 code units, four bytes.
    let emoji = format!("a{}", "😀".repeat(2048));
    assert_eq!(
        messages(input(&emoji, "{}").validate()),
        ["InvokeModelInput.modelId: length 2049 is above the maximum 2048"]
    );
}

#[test]
fn patterns_are_not_anchored() {
    assert!(messages(input("anthropic.claude-v2", "{}").validate()).is_empty());
    assert!(
        messages(
            input(
                "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1",
                "{}"
            )
            .validate()
        )
        .is_empty()
    );
    // A match anywhere in the value is enough.
    assert!(messages(input("!!!anthropic.claude-v2!!!", "{}").validate()).is_empty());
    let violations = input("!!!", "{}").validate().unwrap_err();
    assert_eq!(violations.violations().len(), 1);
    assert_eq!(
        violations.violations()[0].path(),
        "InvokeModelInput.modelId"
    );
    assert!(matches!(
        violations.violations()[0].kind(),
        ViolationKind::PatternMismatch { .. }
    ));
}

#[test]
fn blob_length_counts_bytes_at_the_maximum() {
    let at_max = vec![b'x'; 25_000_000];
    assert!(messages(input("anthropic.claude-v2", at_max).validate()).is_empty());
    let over = vec![b'x'; 25_000_001];
    assert_eq!(
        messages(input("anthropic.claude-v2", over).validate()),
        ["InvokeModelInput.body: length 25000001 is above the maximum 25000000"]
    );
    // `min: 0` constrains nothing: an empty body is valid.
    assert!(messages(input("anthropic.claude-v2", Vec::new()).validate()).is_empty());
}

#[test]
fn build_names_every_missing_required_member() {
    let err = StartAsyncInvokeInput::builder().build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "3 constraint violations: StartAsyncInvokeInput.modelId: required member is missing; \
         StartAsyncInvokeInput.modelInput: required member is missing; \
         StartAsyncInvokeInput.outputDataConfig: required member is missing"
    );
}

#[test]
fn builder_validation_reports_missing_members_and_bad_values_together() {
    let builder: StartAsyncInvokeInputBuilder =
        StartAsyncInvokeInput::builder().model_id("!!!").tags(
            Tag::builder()
                .key("k".repeat(129))
                .value("v")
                .build()
                .unwrap(),
        );
    let err = builder.validate().unwrap_err();
    let found: Vec<(&str, &ViolationKind)> = err
        .violations()
        .iter()
        .map(|v| (v.path(), v.kind()))
        .collect();
    assert_eq!(found.len(), 4, "{err}");
    assert_eq!(found[0].0, "StartAsyncInvokeInput.modelId");
    assert!(
        matches!(found[0].1, ViolationKind::PatternMismatch { .. }),
        "{err}"
    );
    assert_eq!(
        found[1],
        ("StartAsyncInvokeInput.modelInput", &ViolationKind::Missing)
    );
    assert_eq!(
        found[2],
        (
            "StartAsyncInvokeInput.outputDataConfig",
            &ViolationKind::Missing
        )
    );
    assert_eq!(
        found[3].0, "StartAsyncInvokeInput.tags[0].key",
        "nested paths name list indexes"
    );
    assert_eq!(
        found[3].1,
        &ViolationKind::TooLong {
            length: 129,
            max: 128
        }
    );
}

#[test]
fn number_ranges_are_inclusive() {
    use bedrock_runtime::error::ModelErrorException;
    let with_status = |status: i32| {
        ModelErrorException::builder()
            .original_status_code(status)
            .build()
            .expect("no required members")
            .validate()
    };
    assert_eq!(
        messages(with_status(99)),
        ["ModelErrorException.originalStatusCode: value 99 is below the minimum 100"]
    );
    assert!(messages(with_status(100)).is_empty());
    assert!(messages(with_status(599)).is_empty());
    assert_eq!(
        messages(with_status(600)),
        ["ModelErrorException.originalStatusCode: value 600 is above the maximum 599"]
    );
}

#[test]
fn debug_of_a_sensitive_blob_shows_no_bytes() {
    let secret = "my secret prompt";
    let input = input("anthropic.claude-v2", secret);
    let debug = format!("{input:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert!(
        !debug.contains("16 bytes"),
        "not even the length leaks: {debug}"
    );
    assert!(
        debug.contains("body: *** Sensitive Data Redacted ***"),
        "{debug}"
    );
    assert!(
        debug.contains("model_id: \"anthropic.claude-v2\""),
        "{debug}"
    );

    let builder = InvokeModelInput::builder().body(secret);
    let debug = format!("{builder:?}");
    assert!(
        !debug.contains(secret) && debug.contains("Sensitive Data Redacted"),
        "{debug}"
    );
    assert!(format!("{:?}", InvokeModelInput::builder()).contains("body: None"));
}

#[test]
fn debug_of_a_sensitive_structure_redacts_every_member() {
    use bedrock_runtime::types::PayloadPart;
    let part = PayloadPart::builder()
        .bytes("chunk of model output")
        .build()
        .unwrap();
    let debug = format!("{part:?}");
    assert_eq!(
        debug,
        "PayloadPart { bytes: *** Sensitive Data Redacted *** }"
    );
}
