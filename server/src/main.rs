use clap::Parser;
use etalase_server::config::Config;
use tracing_subscriber::EnvFilter;

/// The main thread runs one of the server's event loops ([`etalase_server::serve`]).
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("etalase_server=info,tower_http=warn")),
        )
        .init();
    let config = Config::parse();
    if let Some(username) = config.create_admin.clone() {
        return match etalase_server::create_admin(&config, &username).await {
            Ok(password) => {
                println!("admin account {username} created; its password (shown once): {password}");
                std::process::ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("etalase-server: error: {err:#}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    match etalase_server::serve(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("etalase-server: error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
