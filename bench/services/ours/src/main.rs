//! Calls Converse, and with the `three` feature also Retrieve and
//! ListFoundationModels, with clients made from one `SdkConfig`: the
//! program behind the README's build figures for one and three services.

use bedrock_runtime::types::{ContentBlock, ConversationRole, Message};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let shared = bedrock_runtime::SdkConfig::load_from_env().await?;
    let runtime = bedrock_runtime::Client::new(&shared);
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
        let agents = bedrock_agent_runtime::Client::new(&shared);
        let found = agents
            .retrieve()
            .knowledge_base_id("KB12345678")
            .retrieval_query(
                bedrock_agent_runtime::types::KnowledgeBaseQuery::builder()
                    .text("hello")
                    .build()?,
            )
            .send()
            .await?;
        println!("{} results", found.retrieval_results.len());
        let control = bedrock::Client::new(&shared);
        let models = control.list_foundation_models().send().await?;
        println!("{} models", models.model_summaries.map_or(0, |m| m.len()));
    }
    Ok(())
}
