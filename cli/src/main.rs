//! `bedrock`: a command-line client for Amazon Bedrock Runtime. Every
//! subcommand is generated from the service model (see
//! `bedrock_runtime::cli`); this binary only starts the runtime.

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("bedrock: cannot start the async runtime: {err}");
            return std::process::ExitCode::from(255);
        }
    };
    runtime.block_on(bedrock_runtime::cli::main("bedrock"))
}
