//! Replies shaped like those of real model families, so that an application
//! can be developed offline: the reply text echoes the last user message.

use bytes::Bytes;
use serde_json::{Value, json};

use crate::behaviour::Reply;

/// The model families the mock imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Anthropic,
    TitanText,
    TitanEmbed,
    Llama,
    Mistral,
    Cohere,
}

/// The family of a model id, an ARN or an inference profile id
/// (`us.anthropic.claude-3-haiku-20240307-v1:0`).
pub(crate) fn family(model_id: &str) -> Option<Family> {
    let name = model_id.rsplit('/').next().unwrap_or(model_id);
    let name = ["us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au."]
        .iter()
        .find_map(|prefix| name.strip_prefix(prefix))
        .unwrap_or(name);
    Some(if name.starts_with("anthropic.") {
        Family::Anthropic
    } else if name.starts_with("amazon.titan-embed") {
        Family::TitanEmbed
    } else if name.starts_with("amazon.titan-text") || name.starts_with("amazon.titan-tg1") {
        Family::TitanText
    } else if name.starts_with("meta.llama") {
        Family::Llama
    } else if name.starts_with("mistral.") {
        Family::Mistral
    } else if name.starts_with("cohere.") {
        Family::Cohere
    } else {
        return None;
    })
}

/// A rough token count: words, as the real services count far more
/// carefully; good enough for plausible usage figures.
pub(crate) fn tokens(text: &str) -> usize {
    text.split_whitespace().count().max(1)
}

/// The InvokeModel reply of `model_id` to `body`.
pub(crate) fn invoke(model_id: &str, body: &Bytes) -> Reply {
    let Some(family) = family(model_id) else {
        return Reply::error(
            400,
            "ValidationException",
            "The provided model identifier is invalid.",
        );
    };
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return Reply::error(
            400,
            "ValidationException",
            "Malformed input request, please reformat your input and try again.",
        );
    };
    let prompt = prompt_text(family, &request);
    let reply = format!("Echo: {prompt}");
    let value = match family {
        Family::Anthropic if request.get("messages").is_some() => json!({
            "id": "msg_mock_01",
            "type": "message",
            "role": "assistant",
            "model": model_id,
            "content": [{"type": "text", "text": reply}],
            "stop_reason": "end_turn",
            "stop_sequence": null,
            "usage": {"input_tokens": tokens(&prompt), "output_tokens": tokens(&reply)}
        }),
        Family::Anthropic => json!({
            "type": "completion",
            "completion": format!(" {reply}"),
            "stop_reason": "stop_sequence",
            "stop": "\n\nHuman:"
        }),
        Family::TitanText => json!({
            "inputTextTokenCount": tokens(&prompt),
            "results": [{"tokenCount": tokens(&reply), "outputText": reply, "completionReason": "FINISH"}]
        }),
        Family::TitanEmbed => {
            let dimensions = request
                .get("dimensions")
                .and_then(Value::as_u64)
                .unwrap_or(1024)
                .min(4096) as usize;
            let embedding: Vec<f64> = (0..dimensions)
                .map(|i| ((i as f64 + prompt.len() as f64) * 0.618).sin() / 10.0)
                .collect();
            json!({"embedding": embedding, "inputTextTokenCount": tokens(&prompt)})
        }
        Family::Llama => json!({
            "generation": reply,
            "prompt_token_count": tokens(&prompt),
            "generation_token_count": tokens(&reply),
            "stop_reason": "stop"
        }),
        Family::Mistral => json!({"outputs": [{"text": reply, "stop_reason": "stop"}]}),
        Family::Cohere => json!({
            "id": "mock-generation",
            "generations": [{"id": "mock-0", "text": reply, "finish_reason": "COMPLETE"}],
            "prompt": prompt
        }),
    };
    Reply::json(200, &value)
}

/// The last user text of a request in the family's format.
pub(crate) fn prompt_text(family: Family, request: &Value) -> String {
    let text = match family {
        Family::Anthropic => match request.get("messages").and_then(Value::as_array) {
            Some(messages) => messages
                .iter()
                .rev()
                .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
                .and_then(|m| content_text(m.get("content")?)),
            None => request
                .get("prompt")
                .and_then(Value::as_str)
                .map(str::to_owned),
        },
        Family::TitanText | Family::TitanEmbed => request
            .get("inputText")
            .and_then(Value::as_str)
            .map(str::to_owned),
        Family::Llama | Family::Mistral | Family::Cohere => request
            .get("prompt")
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    text.unwrap_or_default()
}

/// Text of Anthropic message content: a string or a list of blocks.
fn content_text(content: &Value) -> Option<String> {
    match content {
        Value::String(text) => Some(text.clone()),
        Value::Array(blocks) => Some(
            blocks
                .iter()
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_found_in_ids_arns_and_profiles() {
        assert_eq!(
            family("anthropic.claude-3-haiku-20240307-v1:0"),
            Some(Family::Anthropic)
        );
        assert_eq!(
            family("us.anthropic.claude-3-5-sonnet-20240620-v1:0"),
            Some(Family::Anthropic)
        );
        assert_eq!(
            family("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1"),
            Some(Family::Anthropic)
        );
        assert_eq!(
            family("amazon.titan-embed-text-v2:0"),
            Some(Family::TitanEmbed)
        );
        assert_eq!(family("meta.llama3-8b-instruct-v1:0"), Some(Family::Llama));
        assert_eq!(family("unknown.model"), None);
    }

    #[test]
    fn anthropic_messages_get_a_messages_reply() {
        let body = Bytes::from_static(br#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":64,"messages":[{"role":"user","content":"hello there"}]}"#);
        let prompt = prompt_text(Family::Anthropic, &serde_json::from_slice(&body).unwrap());
        assert_eq!(prompt, "hello there");
    }
}
