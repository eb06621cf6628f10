//! `bedrock-agent`: a command-line client for Agents for Amazon Bedrock,
//! the `bedrock` binary's sibling for the control plane of agents,
//! knowledge bases, flows and prompts. Every subcommand is generated from
//! the service model (see `bedrock_agent::cli`); this binary only starts
//! the runtime.

const BINARY: &str = "bedrock-agent";

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("{BINARY}: cannot start the async runtime: {err}");
            return std::process::ExitCode::from(255);
        }
    };
    runtime.block_on(bedrock_agent::cli::main(BINARY))
}
