//! Converse, ConverseStream, CountTokens and the async-invoke operations
//! against bedrock-mock: JSON bodies, unions, documents, timestamps, event
//! streams, idempotency tokens and pagination.

use bedrock_runtime::primitives::Document;
use bedrock_runtime::types::{
    AsyncInvokeOutputDataConfig, AsyncInvokeS3OutputDataConfig, AsyncInvokeStatus, ContentBlock,
    ContentBlockDelta, ContentBlockStart, ConversationRole, ConverseOutput, ConverseStreamOutput,
    ConverseTokensRequest, CountTokensInput, InferenceConfiguration, Message, StopReason, Tool,
    ToolConfiguration, ToolInputSchema, ToolSpecification,
};
use integration_tests::{client, mock};
use serde_json::json;

fn user(text: &str) -> Message {
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::text(text))
        .build()
        .unwrap()
}

fn weather_tool() -> ToolConfiguration {
    let spec = ToolSpecification::builder()
        .name("get_weather")
        .description("Weather in a city")
        .input_schema(ToolInputSchema::Json(json!({
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"]
        })))
        .build()
        .unwrap();
    ToolConfiguration::builder()
        .tools(Tool::ToolSpec(spec))
        .build()
        .unwrap()
}

#[test]
fn a_text_block_has_a_named_constructor() {
    // Named after the member, since `From<&str>` would have to pick one of
    // the union's several text members.
    assert_eq!(
        ContentBlock::text("hi"),
        ContentBlock::Text("hi".to_owned())
    );
}

#[tokio::test]
async fn converse_sends_json_and_reads_a_union_reply() {
    let server = mock().await;
    let out = client(&server)
        .converse()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .messages(user("hello there"))
        .inference_config(
            InferenceConfiguration::builder()
                .max_tokens(64)
                .temperature(0.5)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("converse succeeds");
    let ConverseOutput::Message(message) = &out.output else {
        panic!("expected a message, got {:?}", out.output);
    };
    assert_eq!(message.role, ConversationRole::Assistant);
    assert_eq!(
        message.content,
        vec![ContentBlock::Text("Echo: hello there".to_owned())]
    );
    assert_eq!(out.stop_reason, StopReason::EndTurn);
    assert_eq!(out.usage.input_tokens, 2);
    assert_eq!(
        out.usage.total_tokens,
        out.usage.input_tokens + out.usage.output_tokens
    );
    assert_eq!(out.metrics.latency_ms, 42);

    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({
            "messages": [{"role": "user", "content": [{"text": "hello there"}]}],
            "inferenceConfig": {"maxTokens": 64, "temperature": 0.5}
        }),
        "members with HTTP bindings stay out of the body, unions are single-key objects"
    );
    assert_eq!(request.signature, Ok(()));
}

#[tokio::test]
async fn converse_round_trips_tool_use_with_a_document() {
    let server = mock().await;
    let client = client(&server);
    let out = client
        .converse()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .messages(user("please use the weather tool for Paris"))
        .tool_config(weather_tool())
        .send()
        .await
        .unwrap();
    assert_eq!(out.stop_reason, StopReason::ToolUse);
    let ConverseOutput::Message(message) = &out.output else {
        panic!("expected a message");
    };
    let tool_use = message
        .content
        .iter()
        .find_map(|block| match block {
            ContentBlock::ToolUse(tool_use) => Some(tool_use.clone()),
            _ => None,
        })
        .expect("a toolUse block");
    assert_eq!(tool_use.name, "get_weather");
    assert_eq!(
        tool_use.input,
        Document::from(json!({"query": "please use the weather tool for Paris"}))
    );

    // The document in the tool schema travels as plain JSON.
    let body: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(
        body["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["required"],
        json!(["city"])
    );

    // Send the assistant's turn back with a tool result, as an application would.
    let result = bedrock_runtime::types::ToolResultBlock::builder()
        .tool_use_id(tool_use.tool_use_id.clone())
        .content(bedrock_runtime::types::ToolResultContentBlock::Json(
            json!({"celsius": 21}),
        ))
        .build()
        .unwrap();
    let reply = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::ToolResult(result))
        .build()
        .unwrap();
    let out = client
        .converse()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .messages(user("please use the weather tool for Paris"))
        .messages(message.clone())
        .messages(reply)
        .tool_config(weather_tool())
        .send()
        .await
        .unwrap();
    assert_eq!(out.stop_reason, StopReason::EndTurn);
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[1].body).unwrap();
    assert_eq!(
        sent["messages"][1]["content"][1]["toolUse"]["toolUseId"],
        json!("tooluse_mock_01")
    );
    assert_eq!(
        sent["messages"][2]["content"][0]["toolResult"]["content"][0]["json"],
        json!({"celsius": 21})
    );
}

#[tokio::test]
async fn converse_stream_delivers_every_event_type() {
    let server = mock().await;
    let mut out = client(&server)
        .converse_stream()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .messages(user("stream this"))
        .send()
        .await
        .unwrap();
    let mut kinds = Vec::new();
    let mut text = String::new();
    while let Some(event) = out.stream.recv().await.expect("a valid stream") {
        match &event {
            ConverseStreamOutput::MessageStart(start) => {
                assert_eq!(start.role, ConversationRole::Assistant)
            }
            ConverseStreamOutput::ContentBlockDelta(delta) => {
                if let ContentBlockDelta::Text(t) = &delta.delta {
                    text.push_str(t);
                }
            }
            ConverseStreamOutput::MessageStop(stop) => {
                assert_eq!(stop.stop_reason, StopReason::EndTurn)
            }
            ConverseStreamOutput::Metadata(metadata) => assert_eq!(metadata.metrics.latency_ms, 42),
            _ => {}
        }
        kinds.push(
            format!("{event:?}")
                .split('(')
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert_eq!(text, "Echo: stream this");
    assert_eq!(kinds.first().map(String::as_str), Some("MessageStart"));
    assert_eq!(
        kinds.iter().filter(|k| *k == "ContentBlockDelta").count(),
        3
    );
    assert_eq!(
        &kinds[kinds.len() - 3..],
        ["ContentBlockStop", "MessageStop", "Metadata"]
    );
    assert!(
        out.stream.recv().await.unwrap().is_none(),
        "after the end, None again"
    );
}

#[tokio::test]
async fn converse_stream_streams_tool_use() {
    let server = mock().await;
    let mut out = client(&server)
        .converse_stream()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .messages(user("use a tool"))
        .tool_config(weather_tool())
        .send()
        .await
        .unwrap();
    let mut input = String::new();
    let mut started = None;
    let mut stop = None;
    while let Some(event) = out.stream.recv().await.unwrap() {
        match event {
            ConverseStreamOutput::ContentBlockStart(start) => {
                if let ContentBlockStart::ToolUse(tool) = start.start {
                    started = Some(tool.name);
                }
            }
            ConverseStreamOutput::ContentBlockDelta(delta) => {
                if let ContentBlockDelta::ToolUse(tool) = delta.delta {
                    input.push_str(&tool.input);
                }
            }
            ConverseStreamOutput::MessageStop(s) => stop = Some(s.stop_reason),
            _ => {}
        }
    }
    assert_eq!(started.as_deref(), Some("get_weather"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&input).unwrap(),
        json!({"query": "use a tool"})
    );
    assert_eq!(stop, Some(StopReason::ToolUse));
}

#[tokio::test]
async fn count_tokens_sends_a_union_holding_a_blob() {
    let server = mock().await;
    let body = br#"{"prompt": "one two three"}"#;
    let out = client(&server)
        .count_tokens()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .input(CountTokensInput::InvokeModel(
            bedrock_runtime::types::InvokeModelTokensRequest::builder()
                .body(&body[..])
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(out.input_tokens, 4);
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(
        sent["input"]["invokeModel"]["body"],
        json!("eyJwcm9tcHQiOiAib25lIHR3byB0aHJlZSJ9"),
        "blobs are base64"
    );

    let messages = ConverseTokensRequest::builder()
        .messages(user("a b c d e"))
        .build()
        .unwrap();
    let out = client(&server)
        .count_tokens()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .input(CountTokensInput::Converse(messages))
        .send()
        .await
        .unwrap();
    assert_eq!(out.input_tokens, 5);
}

fn s3(uri: &str) -> AsyncInvokeOutputDataConfig {
    AsyncInvokeOutputDataConfig::S3OutputDataConfig(
        AsyncInvokeS3OutputDataConfig::builder()
            .s3_uri(uri)
            .build()
            .unwrap(),
    )
}

#[tokio::test]
async fn async_invocations_get_idempotency_tokens_and_timestamps() {
    let server = mock().await;
    let client = client(&server);
    let started = client
        .start_async_invoke()
        .model_id("amazon.nova-reel-v1:0")
        .model_input(json!({"taskType": "TEXT_VIDEO", "textToVideoParams": {"text": "a cat"}}))
        .output_data_config(s3("s3://bucket/out"))
        .send()
        .await
        .unwrap();
    assert!(
        started
            .invocation_arn
            .starts_with("arn:aws:bedrock:us-east-1:123456789012:async-invoke/")
    );
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    let token = sent["clientRequestToken"]
        .as_str()
        .expect("an idempotency token was filled in");
    assert_eq!(token.len(), 36, "a UUID: {token}");

    // The same token is the same invocation.
    let again = client
        .start_async_invoke()
        .client_request_token(token)
        .model_id("amazon.nova-reel-v1:0")
        .model_input(json!({}))
        .output_data_config(s3("s3://bucket/out"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.invocation_arn, started.invocation_arn);

    let job = client
        .get_async_invoke()
        .invocation_arn(&started.invocation_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(job.status, AsyncInvokeStatus::InProgress);
    assert_eq!(job.client_request_token.as_deref(), Some(token));
    assert!(
        job.submit_time.secs() > 1_700_000_000,
        "an ISO 8601 timestamp parsed: {}",
        job.submit_time
    );
    assert_eq!(job.output_data_config, s3("s3://bucket/out"));
    let path = &server.requests()[2].path;
    assert!(
        path.starts_with("/async-invoke/arn%3Aaws%3Abedrock%3A"),
        "the ARN is one label: {path}"
    );
    let job = client
        .get_async_invoke()
        .invocation_arn(&started.invocation_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(job.status, AsyncInvokeStatus::Completed);

    let err = client
        .get_async_invoke()
        .invocation_arn("arn:aws:bedrock:us-east-1:123456789012:async-invoke/abcdefabcdef")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn the_paginator_follows_next_token_through_every_page() {
    let server = mock().await;
    let client = client(&server);
    for i in 0..5 {
        client
            .start_async_invoke()
            .model_id("amazon.nova-reel-v1:0")
            .model_input(json!({"i": i}))
            .output_data_config(s3("s3://bucket/out"))
            .send()
            .await
            .unwrap();
    }
    server.clear();
    let mut pages = client
        .list_async_invokes()
        .into_paginator()
        .page_size(2)
        .send();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.unwrap().async_invoke_summaries.map_or(0, |s| s.len()));
    }
    assert_eq!(sizes, [2, 2, 1]);
    let queries: Vec<String> = server.requests().iter().map(|r| r.query.clone()).collect();
    assert_eq!(
        queries,
        [
            "maxResults=2",
            "maxResults=2&nextToken=page-2",
            "maxResults=2&nextToken=page-4"
        ]
    );

    let mut items = client
        .list_async_invokes()
        .sort_order(bedrock_runtime::types::SortOrder::Ascending)
        .into_paginator()
        .page_size(2)
        .items();
    let mut arns = Vec::new();
    while let Some(item) = items.next().await {
        arns.push(item.unwrap().invocation_arn);
    }
    assert_eq!(arns.len(), 5);
    assert!(arns.windows(2).all(|w| w[0] < w[1]), "ascending: {arns:?}");
}

#[tokio::test]
async fn enum_values_that_are_not_identifiers_and_unknown_values_survive() {
    assert_eq!(StopReason::from("end_turn"), StopReason::EndTurn);
    assert_eq!(StopReason::EndTurn.as_str(), "end_turn");
    let future = StopReason::from("a_reason_from_the_future");
    assert_eq!(
        future,
        StopReason::Unknown("a_reason_from_the_future".to_owned())
    );
    assert_eq!(future.as_str(), "a_reason_from_the_future");
    assert!(StopReason::values().contains(&"guardrail_intervened"));
}
