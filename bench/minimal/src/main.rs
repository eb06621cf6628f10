//! Calls InvokeModel once: the smallest useful program, for build-time figures.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:4010".to_owned());
    let config = bedrock_runtime::Config::env_builder().endpoint_url(url).build()?;
    let client = bedrock_runtime::Client::from_conf(config);
    let out = client
        .invoke_model()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .body(r#"{"messages":[{"role":"user","content":"hello"}]}"#)
        .send()
        .await?;
    println!("{}", String::from_utf8_lossy(out.body.as_bytes()));
    Ok(())
}
