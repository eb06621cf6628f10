//! `bedrock-data-automation-runtime`: a command-line client for Runtime for
//! Amazon Bedrock Data Automation, the `bedrock` binary's sibling for the
//! awsJson service. Every subcommand is generated from the service model
//! (see `bedrock_data_automation_runtime::cli`); this binary only starts
//! the runtime.

const BINARY: &str = "bedrock-data-automation-runtime";

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
    runtime.block_on(bedrock_data_automation_runtime::cli::main(BINARY))
}
