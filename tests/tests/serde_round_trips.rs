//! With the `serde` feature every shape (de)serializes in its wire form:
//! what an application stores, it can replay exactly.

use bedrock_runtime::primitives::{Blob, DateTime};
use bedrock_runtime::types::{
    AsyncInvokeOutputDataConfig, AsyncInvokeS3OutputDataConfig, AsyncInvokeStatus,
    AsyncInvokeSummary, ContentBlock, ConversationRole, DocumentBlock, DocumentFormat,
    DocumentSource, ImageBlock, ImageFormat, ImageSource, Message, StopReason, ToolUseBlock,
};
use serde_json::json;

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) -> serde_json::Value {
    let text = serde_json::to_string(value).expect("serializes");
    let back: T = serde_json::from_str(&text).expect("deserializes");
    assert_eq!(&back, value);
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_conversation_with_every_kind_of_block_replays_exactly() {
    let image = ImageBlock::builder()
        .format(ImageFormat::Png)
        .source(ImageSource::Bytes(Blob::new(vec![0x89, b'P', b'N', b'G'])))
        .build()
        .unwrap();
    let document = DocumentBlock::builder()
        .name("notes")
        .format(DocumentFormat::Md)
        .source(DocumentSource::Text("# Title".to_owned()))
        .build()
        .unwrap();
    let tool = ToolUseBlock::builder()
        .tool_use_id("t1")
        .name("lookup")
        .input(json!({"nested": [1, 2.5, null, {"k": "v"}]}))
        .build()
        .unwrap();
    let message = Message::builder()
        .role(ConversationRole::Assistant)
        .content(ContentBlock::Text("hi".to_owned()))
        .content(ContentBlock::Image(image))
        .content(ContentBlock::Document(document))
        .content(ContentBlock::ToolUse(tool))
        .build()
        .unwrap();
    let wire = round_trip(&message);
    assert_eq!(wire["role"], "assistant");
    assert_eq!(wire["content"][0], json!({"text": "hi"}));
    assert_eq!(
        wire["content"][1]["image"]["source"]["bytes"],
        json!("iVBORw=="),
        "blobs are base64"
    );
    assert_eq!(wire["content"][2]["document"]["format"], json!("md"));
    assert_eq!(
        wire["content"][3]["toolUse"]["input"]["nested"][3]["k"],
        json!("v")
    );
}

#[test]
fn timestamps_use_the_models_format() {
    let summary = AsyncInvokeSummary::builder()
        .invocation_arn("arn:aws:bedrock:us-east-1:123456789012:async-invoke/abcdefabcdef")
        .model_arn("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-reel-v1:0")
        .status(AsyncInvokeStatus::Completed)
        .submit_time(DateTime::from_secs_and_nanos(1_700_000_000, 123_000_000).unwrap())
        .output_data_config(AsyncInvokeOutputDataConfig::S3OutputDataConfig(
            AsyncInvokeS3OutputDataConfig::builder()
                .s3_uri("s3://b/k")
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap();
    let wire = round_trip(&summary);
    assert_eq!(
        wire["submitTime"],
        json!("2023-11-14T22:13:20.123Z"),
        "the model says ISO 8601"
    );
    assert!(wire.get("endTime").is_none(), "absent members are left out");
}

#[test]
fn unknown_values_read_but_do_not_write() {
    let future: StopReason = serde_json::from_str("\"new_reason\"").unwrap();
    assert_eq!(future, StopReason::Unknown("new_reason".to_owned()));
    assert_eq!(serde_json::to_string(&future).unwrap(), "\"new_reason\"");
    let block: ContentBlock = serde_json::from_str(r#"{"hologram": {"x": 1}}"#).unwrap();
    assert_eq!(block, ContentBlock::Unknown("hologram".to_owned()));
    assert!(
        serde_json::to_string(&block).is_err(),
        "an Unknown union value has no wire form"
    );
    assert!(
        serde_json::from_str::<ContentBlock>(r#"{"text": "a", "image": null}"#).is_err(),
        "one member only"
    );
}
