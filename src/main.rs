//! vbshare's entry point: parse arguments, set up logging, run, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use vbshare::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = init_logging(&cli.log()) {
        eprintln!("vbshare: {e:#}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vbshare: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(vbshare::commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`vbshare list --all | head`) is the reader's choice, not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let line = vbshare::commands::error_line(&e);
            tracing::error!(error = %line, "command failed");
            eprintln!("vbshare: {line}");
            if e.is::<vbshare::commands::UsageError>() || e.is::<vbshare::config::ConfigError>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Routes `tracing` to `--log-file` when given; nothing is ever logged to the terminal.
fn init_logging(g: &vbshare::cli::LogArgs) -> anyhow::Result<()> {
    let Some(path) = &g.log_file else {
        return Ok(());
    };
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    // The log holds request details: a new file is readable by its owner only.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot open log file {}: {e}", path.display()))?;
    let filter = tracing_subscriber::EnvFilter::try_new(format!("vbshare={}", g.level()))
        .map_err(|e| anyhow::anyhow!("invalid --log-level {:?}: {e}", g.level()))?;
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
    Ok(())
}
