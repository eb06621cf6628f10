//! The official SDK's version of `../ours`: Converse, and with `three`
//! also Retrieve and ListFoundationModels, from one `aws_config` load.

use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let shared = aws_config::load_from_env().await;
    let runtime = aws_sdk_bedrockruntime::Client::new(&shared);
    let reply = runtime
        .converse()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .messages(
            Message::builder()
                .role(ConversationRole::User)
                .content(ContentBlock::Text("hello".into()))
                .build()?,
        )
        .send()
        .await?;
    println!("{:?}", reply.stop_reason);
    #[cfg(feature = "three")]
    {
        let agents = aws_sdk_bedrockagentruntime::Client::new(&shared);
        let found = agents
            .retrieve()
            .knowledge_base_id("KB12345678")
            .retrieval_query(
                aws_sdk_bedrockagentruntime::types::KnowledgeBaseQuery::builder()
                    .text("hello")
                    .build(),
            )
            .send()
            .await?;
        println!("{} results", found.retrieval_results.len());
        let control = aws_sdk_bedrock::Client::new(&shared);
        let models = control.list_foundation_models().send().await?;
        println!("{} models", models.model_summaries.map_or(0, |m| m.len()));
    }
    Ok(())
}
