//! The command line: global options, filter options, subcommands (clap derive).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::model::STATUSES;
use crate::api::{Filters, ListQuery, SortDir, SortKey};
use crate::config::Overrides;

const ABOUT: &str = "Browse and manage Volume Backup Service (VBS) backup sharings on Huawei Cloud \
                     and Open Telekom Cloud, in a terminal UI or from scripts.";

const EXAMPLES: &str = "\
Examples:
  vbshare --demo                         open the browser on the embedded demo server
  vbshare                                open the browser with credentials from the environment
  vbshare --shared-with-me --name db     open it pre-filtered
  vbshare list -o json --status error    print one page as JSON
  vbshare count --shared-with-me         print how many sharings target this project
  vbshare serve                          run the demo server for other clients";

/// vbshare: a terminal browser for VBS backup sharings.
#[derive(Debug, Parser)]
#[command(name = "vbshare", version, about = ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// Filters that pre-fill the browser's form (when no subcommand is given).
    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options valid with every command.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Start the embedded demo server in-process and use it (AK/SK signing, as on a real cloud).
    #[arg(long, global = true)]
    pub demo: bool,

    /// VBS endpoint URL (overrides what --region implies).
    #[arg(long, global = true, value_name = "URL", value_parser = parse_url)]
    pub endpoint: Option<String>,

    /// Region, e.g. eu-de or ap-southeast-1 [env: HW_REGION_NAME, OS_REGION_NAME].
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Project ID [env: HW_PROJECT_ID, OS_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID].
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,

    /// IAM URL for password sign-in, ending in /v3 [env: HW_AUTH_URL, OS_AUTH_URL].
    #[arg(long, global = true, value_name = "URL", value_parser = parse_url)]
    pub auth_url: Option<String>,

    /// Config profile to use [env: VBSHARE_PROFILE].
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Config file [env: VBSHARE_CONFIG] [default: ~/.config/vbshare/config.toml].
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Accept any TLS certificate (dangerous) [env: HW_INSECURE, OS_INSECURE].
    #[arg(long, global = true)]
    pub insecure: bool,

    /// Trust this CA certificate (PEM file) in addition to the system's.
    #[arg(long, global = true, value_name = "PATH")]
    pub ca_cert: Option<PathBuf>,

    /// Whole-request timeout in seconds [default: 30].
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: Option<f64>,

    /// Retries of a failed read (connection errors, 429, 500, 502, 503, 504) [default: 3].
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: Option<u32>,

    /// Refuse every write (share, unshare) [env: VBSHARE_READ_ONLY].
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Write a trace log to this file (never to the terminal).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Log level for --log-file: error, warn, info, debug or trace.
    #[arg(long, global = true, value_name = "LEVEL", default_value = "info")]
    pub log_level: String,

    /// Enable mouse wheel scrolling and click-to-select in the browser.
    #[arg(long, global = true)]
    pub mouse: bool,

    /// Start the browser in watch mode, refreshing every SECS seconds (toggle with `w`).
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub refresh: Option<u64>,

    /// Milliseconds to wait after the last keystroke before querying.
    #[arg(long, global = true, value_name = "MS", default_value_t = 200)]
    pub debounce_ms: u64,
}

impl GlobalArgs {
    /// The flags that take part in settings resolution.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            project_id: self.project_id.clone(),
            auth_url: self.auth_url.clone(),
            profile: self.profile.clone(),
            config: self.config.clone(),
            insecure: self.insecure,
            ca_cert: self.ca_cert.clone(),
            timeout_secs: self.timeout,
            retries: self.retries,
            read_only: self.read_only,
        }
    }
}

/// The filter, sort and page options of every command that lists.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// List backups shared with this project (default: shared by it).
    #[arg(long)]
    pub shared_with_me: bool,
    /// Backup name contains this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Backup status.
    #[arg(long, value_name = "STATUS", value_parser = STATUSES)]
    pub status: Option<String>,
    /// Source disk ID.
    #[arg(long, value_name = "ID")]
    pub volume_id: Option<String>,
    /// Backup ID.
    #[arg(long, value_name = "ID")]
    pub backup_id: Option<String>,
    /// Project that shares.
    #[arg(long, value_name = "ID")]
    pub from_project: Option<String>,
    /// Project shared with.
    #[arg(long, value_name = "ID")]
    pub to_project: Option<String>,
    /// Availability zone of the backup.
    #[arg(long, value_name = "AZ")]
    pub az: Option<String>,
    /// Sort key.
    #[arg(long, value_name = "KEY", value_parser = SortKey::ALL.map(SortKey::as_str))]
    pub sort_key: Option<String>,
    /// Sort direction.
    #[arg(long, value_name = "DIR", value_parser = ["asc", "desc"])]
    pub sort_dir: Option<String>,
    /// Page size (1–1000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub limit: Option<u32>,
    /// Rows to skip.
    #[arg(long, value_name = "N")]
    pub offset: Option<u64>,
}

impl FilterArgs {
    /// The filters these options describe.
    pub fn filters(&self) -> Filters {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        Filters {
            share_to_me: self.shared_with_me,
            volume_id: s(&self.volume_id),
            name: s(&self.name),
            status: s(&self.status),
            backup_id: s(&self.backup_id),
            from_project_id: s(&self.from_project),
            to_project_id: s(&self.to_project),
            availability_zone: s(&self.az),
        }
    }

    /// The list query these options describe (values were validated by clap).
    pub fn list_query(&self) -> ListQuery {
        ListQuery {
            filters: self.filters(),
            sort_key: self
                .sort_key
                .as_deref()
                .and_then(|k| k.parse::<SortKey>().ok()),
            sort_dir: self
                .sort_dir
                .as_deref()
                .and_then(|d| d.parse::<SortDir>().ok()),
            limit: self.limit,
            offset: self.offset,
        }
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// The server's JSON, exactly as received (with --all: one `{"shared":[…]}` document).
    Json,
    /// One sharing per line, as JSON.
    Ndjson,
    /// RFC 4180 CSV with the nested backup flattened (`backup.name`, …).
    Csv,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print one page of sharings, or every page with --all.
    #[command(
        after_help = "Examples:\n  vbshare list --shared-with-me --status available -o json\n  \
                            vbshare list --all -o csv > sharings.csv"
    )]
    List {
        #[command(flatten)]
        filters: FilterArgs,
        /// Walk every page (1,000 rows a request), streaming rows as they arrive.
        #[arg(long, conflicts_with_all = ["limit", "offset"])]
        all: bool,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
        output: Format,
    },
    /// Print how many sharings match the filters.
    #[command(after_help = "Example:\n  vbshare count --shared-with-me --az eu-de-01")]
    Count {
        #[command(flatten)]
        filters: FilterArgs,
    },
    /// Print one sharing and its backup.
    #[command(after_help = "Example:\n  vbshare get 8332443e-9866-41d8-8a58-a898cf5db030 -o json")]
    Get {
        /// The sharing ID.
        sharing_id: String,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
        output: Format,
    },
    /// Share a backup with other projects (at most 10).
    #[command(
        after_help = "Example:\n  vbshare share 066b1e37-9305-4057-97e5-2e99b21fc71d \\\n      \
                            --to 722513ed0a324dadaabe5b2d0fe848c9 --to 722513ed0a324dadaabe5b2d0fe84919"
    )]
    Share {
        /// The backup to share.
        backup_id: String,
        /// A project to share it with (32 hex characters); repeat for more, at most 10.
        #[arg(long = "to", value_name = "PROJECT_ID", required = true, value_parser = parse_project_id)]
        to: Vec<String>,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
        output: Format,
    },
    /// Cancel one sharing, or with --backup every sharing of a backup.
    #[command(
        after_help = "Examples:\n  vbshare unshare 8332443e-9866-41d8-8a58-a898cf5db030\n  \
                            vbshare unshare --backup 066b1e37-9305-4057-97e5-2e99b21fc71d"
    )]
    Unshare {
        /// The sharing ID (or, with --backup, the backup ID).
        #[arg(value_name = "ID")]
        id: String,
        /// ID is a backup ID: cancel every sharing of that backup.
        #[arg(long)]
        backup: bool,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  vbshare completions bash > ~/.local/share/bash-completion/completions/vbshare"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Run the embedded VBS-compatible server until Ctrl-C.
    #[command(
        after_help = "Example:\n  vbshare serve --listen 127.0.0.1:8776 --sharings 10000 --latency-ms 50"
    )]
    Serve(ServeArgs),
}

/// Options of `vbshare serve`.
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8776")]
    pub listen: SocketAddr,
    /// Seed of the generated data set.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of sharings to generate.
    #[arg(long, default_value_t = 2000)]
    pub sharings: usize,
    /// Added latency per request in milliseconds (plus up to 20% jitter).
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Probability (0–1) that a request fails with a random 500 or 503.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub fail_rate: f64,
}

fn parse_url(s: &str) -> Result<String, String> {
    match reqwest::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(s.to_owned())
        }
        Ok(_) => Err("must be an http:// or https:// URL with a host".into()),
        Err(e) => Err(format!("not a URL: {e}")),
    }
}

/// The most projects one share call accepts.
pub const MAX_SHARE_TARGETS: usize = 10;

/// A project ID: 32 hexadecimal characters.
pub fn parse_project_id(s: &str) -> Result<String, String> {
    if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err("a project ID is 32 hexadecimal characters".into())
    }
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(v),
        _ => Err("must be a number of seconds between 0 and 3600".into()),
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err("must be a number from 0 to 1".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn filters_map_to_the_query() {
        let cli = Cli::try_parse_from([
            "vbshare",
            "list",
            "--shared-with-me",
            "--name",
            "db",
            "--az",
            "eu-de-01",
            "--sort-key",
            "size",
            "--sort-dir",
            "asc",
            "--limit",
            "5",
            "--offset",
            "10",
            "-o",
            "json",
        ])
        .unwrap();
        let Some(Command::List {
            filters,
            output,
            all,
        }) = cli.command
        else {
            panic!()
        };
        assert!(!all);
        assert_eq!(output, Format::Json);
        let q = filters.list_query();
        assert!(q.filters.share_to_me);
        assert_eq!(q.filters.availability_zone, "eu-de-01");
        assert_eq!(
            (q.sort_key, q.sort_dir, q.limit, q.offset),
            (Some(SortKey::Size), Some(SortDir::Asc), Some(5), Some(10))
        );
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for args in [
            &["vbshare", "list", "--limit", "-1"][..],
            &["vbshare", "list", "--limit", "0"],
            &["vbshare", "list", "--sort-key", "colour"],
            &["vbshare", "list", "--sort-dir", "up"],
            &["vbshare", "list", "--status", "broken"],
            &["vbshare", "--endpoint", "not a url", "list"],
            &["vbshare", "--endpoint", "ftp://x", "list"],
            &["vbshare", "--timeout", "0", "list"],
            &["vbshare", "serve", "--fail-rate", "2"],
            &["vbshare", "list", "--all", "--limit", "5"],
            &["vbshare", "share", "b1", "--to", "not-hex"],
            &["vbshare", "share", "b1"],
            &["vbshare", "completions", "tcsh"],
        ] {
            let e = Cli::try_parse_from(args).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn top_level_filters_prefill_the_browser() {
        let cli =
            Cli::try_parse_from(["vbshare", "--demo", "--name", "x", "--limit", "20"]).unwrap();
        assert!(cli.global.demo && cli.command.is_none());
        assert_eq!(cli.filters.list_query().limit, Some(20));
    }
}
