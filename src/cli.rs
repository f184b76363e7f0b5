//! The command line: global options, filter options, subcommands (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::service::SharingService;
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
    /// Where and how to connect (also accepted after the subcommand).
    #[command(flatten)]
    pub conn: ConnectionArgs,

    #[command(flatten)]
    pub log: LogArgs,

    #[command(flatten)]
    pub browser: BrowserArgs,

    /// Filters that pre-fill the browser's form (when no subcommand is given).
    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where and how to connect: every command that calls the service takes these.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// Start the embedded demo server in-process and use it (AK/SK signing, as on a real cloud).
    #[arg(long)]
    pub demo: bool,

    /// VBS endpoint URL (overrides what --region implies) [env: VBSHARE_ENDPOINT].
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub endpoint: Option<String>,

    /// Region, e.g. eu-de or ap-southeast-1; implies the endpoint and IAM URL
    /// [env: HW_REGION_NAME, OS_REGION_NAME].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Project ID, 32 hexadecimal characters
    /// [env: HW_PROJECT_ID, OS_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID].
    #[arg(long, value_name = "ID", value_parser = parse_project_id)]
    pub project_id: Option<String>,

    /// IAM URL for password sign-in, ending in /v3 [env: HW_AUTH_URL, OS_AUTH_URL].
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub auth_url: Option<String>,

    /// Config profile to use; its settings beat the environment [env: VBSHARE_PROFILE].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Config file [env: VBSHARE_CONFIG] [default: ~/.config/vbshare/config.toml].
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Accept any TLS certificate (dangerous) [env: HW_INSECURE, OS_INSECURE].
    #[arg(long)]
    pub insecure: bool,

    /// Also trust this CA certificate (PEM file), in addition to the bundled roots, the
    /// system's store, SSL_CERT_FILE and SSL_CERT_DIR [env: OS_CACERT].
    #[arg(long, value_name = "PATH")]
    pub ca_cert: Option<PathBuf>,

    /// Proxy for every call (http://, https://, socks5://, socks5h://; user:password@ allowed);
    /// overrides HTTPS_PROXY, HTTP_PROXY and ALL_PROXY.
    #[arg(long, value_name = "URL", conflicts_with = "no_proxy")]
    pub proxy: Option<String>,

    /// Ignore every proxy setting and connect directly.
    #[arg(long)]
    pub no_proxy: bool,

    /// Whole-request timeout in seconds, more than 0 and at most 3600 [default: 30].
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: Option<f64>,

    /// Retries of a failed read (connection errors, 429, 500, 502, 503, 504) [default: 3].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: Option<u32>,

    /// Refuse every write (share, unshare) [env: VBSHARE_READ_ONLY].
    #[arg(long)]
    pub read_only: bool,

    /// Sharing service: vbs (Volume Backup Service) or cbr (Cloud Backup and Recovery)
    /// [env: VBSHARE_SERVICE] [default: cbr where VBS is gone (eu-de, eu-nl, eu-ch2,
    /// eu-west-101), else vbs].
    #[arg(long, value_name = "SERVICE", value_parser = ["vbs", "cbr"])]
    pub service: Option<String>,

    /// CBR endpoint URL (overrides what --region implies) [env: VBSHARE_CBR_ENDPOINT].
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub cbr_endpoint: Option<String>,

    /// Requests a walk may have in flight, 1–8 [default: 4].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=8))]
    pub concurrency: Option<u32>,
}

impl ConnectionArgs {
    /// These options with `later`'s (given after the subcommand) taking precedence.
    #[must_use]
    pub fn merged(&self, later: &ConnectionArgs) -> ConnectionArgs {
        ConnectionArgs {
            demo: self.demo || later.demo,
            endpoint: later.endpoint.clone().or_else(|| self.endpoint.clone()),
            region: later.region.clone().or_else(|| self.region.clone()),
            project_id: later.project_id.clone().or_else(|| self.project_id.clone()),
            auth_url: later.auth_url.clone().or_else(|| self.auth_url.clone()),
            profile: later.profile.clone().or_else(|| self.profile.clone()),
            config: later.config.clone().or_else(|| self.config.clone()),
            insecure: self.insecure || later.insecure,
            ca_cert: later.ca_cert.clone().or_else(|| self.ca_cert.clone()),
            proxy: later.proxy.clone().or_else(|| self.proxy.clone()),
            no_proxy: self.no_proxy || later.no_proxy,
            timeout: later.timeout.or(self.timeout),
            retries: later.retries.or(self.retries),
            read_only: self.read_only || later.read_only,
            service: later.service.clone().or_else(|| self.service.clone()),
            cbr_endpoint: later
                .cbr_endpoint
                .clone()
                .or_else(|| self.cbr_endpoint.clone()),
            concurrency: later.concurrency.or(self.concurrency),
        }
    }

    /// The options `--demo` cannot honour, when given with it.
    pub fn demo_conflicts(&self) -> Vec<&'static str> {
        if !self.demo {
            return Vec::new();
        }
        [
            ("--endpoint", self.endpoint.is_some()),
            ("--cbr-endpoint", self.cbr_endpoint.is_some()),
            ("--region", self.region.is_some()),
            ("--project-id", self.project_id.is_some()),
            ("--auth-url", self.auth_url.is_some()),
            ("--profile", self.profile.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, given)| given.then_some(f))
        .collect()
    }

    fn given(&self) -> bool {
        self.demo
            || self.endpoint.is_some()
            || self.region.is_some()
            || self.project_id.is_some()
            || self.auth_url.is_some()
            || self.profile.is_some()
            || self.config.is_some()
            || self.insecure
            || self.ca_cert.is_some()
            || self.proxy.is_some()
            || self.no_proxy
            || self.timeout.is_some()
            || self.retries.is_some()
            || self.read_only
            || self.service.is_some()
            || self.cbr_endpoint.is_some()
            || self.concurrency.is_some()
    }

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
            proxy: self.proxy.clone(),
            no_proxy: self.no_proxy,
            timeout_secs: self.timeout,
            retries: self.retries,
            read_only: self.read_only,
            service: self.service.clone(),
            cbr_endpoint: self.cbr_endpoint.clone(),
            concurrency: self.concurrency,
        }
    }
}

/// Logging to a file (never to the terminal).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Logging")]
pub struct LogArgs {
    /// Write a log to this file (created with mode 0600; never to the terminal).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Log level for --log-file: error, warn, info, debug or trace [default: info].
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,
}

impl LogArgs {
    /// These options with `later`'s taking precedence.
    #[must_use]
    pub fn merged(&self, later: &LogArgs) -> LogArgs {
        LogArgs {
            log_file: later.log_file.clone().or_else(|| self.log_file.clone()),
            log_level: later.log_level.clone().or_else(|| self.log_level.clone()),
        }
    }

    /// The level, `info` unless given.
    pub fn level(&self) -> &str {
        self.log_level.as_deref().unwrap_or("info")
    }
}

/// Options of the browser only.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Browser")]
pub struct BrowserArgs {
    /// Enable mouse wheel scrolling and click-to-select in the browser.
    #[arg(long)]
    pub mouse: bool,

    /// Start the browser in watch mode, refreshing every SECS seconds (toggle with `w`).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub refresh: Option<u64>,

    /// Milliseconds to wait after the last keystroke before querying [default: 200].
    #[arg(long, value_name = "MS")]
    pub debounce_ms: Option<u64>,
}

impl BrowserArgs {
    fn given(&self) -> bool {
        self.mouse || self.refresh.is_some() || self.debounce_ms.is_some()
    }
}

impl Cli {
    /// The connection options, wherever they were given.
    pub fn connection(&self) -> ConnectionArgs {
        match self.command.as_ref().and_then(Command::connection) {
            Some(later) => self.conn.merged(later),
            None => self.conn.clone(),
        }
    }

    /// The logging options, wherever they were given.
    pub fn log(&self) -> LogArgs {
        match self.command.as_ref().and_then(Command::log) {
            Some(later) => self.log.merged(later),
            None => self.log.clone(),
        }
    }

    /// Options given where the command does not use them: a usage error's text.
    pub fn misplaced(&self) -> Option<String> {
        let name = self.command.as_ref().map(Command::name)?;
        let uses_connection = self
            .command
            .as_ref()
            .and_then(Command::connection)
            .is_some();
        if self.browser.given() {
            return Some(format!(
                "--mouse, --refresh and --debounce-ms apply to the browser only, not to `{name}`"
            ));
        }
        if self.filters.given() {
            return Some(format!(
                "filters before `{name}` apply to the browser only; give them after `{name}`"
            ));
        }
        if !uses_connection && self.conn.given() {
            return Some(format!("`{name}` does not take connection options"));
        }
        if self.command.as_ref().and_then(Command::log).is_none()
            && (self.log.log_file.is_some() || self.log.log_level.is_some())
        {
            return Some(format!("`{name}` does not write a log"));
        }
        None
    }
}

/// The filter, sort and page options of every command that lists.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// List backups shared with this project.
    #[arg(long, conflicts_with = "shared_by_me")]
    pub shared_with_me: bool,
    /// List backups this project shares with others (the default).
    #[arg(long)]
    pub shared_by_me: bool,
    /// CBR, with --shared-with-me: this project's status for the shared backups
    /// [default: pending, what needs action].
    #[arg(long, value_name = "STATUS", value_parser = ["pending", "accepted", "rejected", "all"])]
    pub member_status: Option<String>,
    /// Backup name contains this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Backup status: VBS's (available, creating, error, restoring, deleting,
    /// error_restoring) or CBR's (available, protecting, deleting, restoring, error,
    /// waiting_protect, waiting_delete, waiting_restore; repeat for several), checked
    /// against the service in use.
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<String>,
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
    /// Whether any filter, sort or page option was given.
    pub fn given(&self) -> bool {
        self.shared_with_me
            || self.shared_by_me
            || self.member_status.is_some()
            || self.filters() != Filters::default()
            || self.sort_key.is_some()
            || self.sort_dir.is_some()
            || self.limit.is_some()
            || self.offset.is_some()
    }

    /// The filters these options describe.
    pub fn filters(&self) -> Filters {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        Filters {
            share_to_me: self.shared_with_me,
            volume_id: s(&self.volume_id),
            name: s(&self.name),
            status: self.status.first().cloned().unwrap_or_default(),
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

/// Output formats of commands that print sharings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// The server's JSON, exactly as received.
    Json,
    /// One sharing per line, as JSON.
    Ndjson,
    /// RFC 4180 CSV with the nested backup flattened (`backup.name`, …).
    Csv,
}

/// Output formats of `get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum GetFormat {
    /// Every field as `label  value` lines.
    #[default]
    Table,
    /// The server's JSON, exactly as received.
    Json,
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
        /// Walk every page (1,000 rows a request), streaming rows as they arrive; with -o json
        /// the pages make one `{"shared":[…]}` document.
        #[arg(long, conflicts_with_all = ["limit", "offset"])]
        all: bool,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
        output: Format,
        /// Write CSV cells as received, without guarding cells that start with = + - @
        /// against spreadsheet formulas.
        #[arg(long)]
        csv_raw: bool,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Print how many sharings match the filters.
    #[command(after_help = "Example:\n  vbshare count --shared-with-me --az eu-de-01")]
    Count {
        #[command(flatten)]
        filters: FilterArgs,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Print one sharing and its backup.
    #[command(after_help = "Example:\n  vbshare get 8332443e-9866-41d8-8a58-a898cf5db030 -o json")]
    Get {
        /// The sharing ID (a UUID).
        sharing_id: String,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = GetFormat::Table)]
        output: GetFormat,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Share a backup with other projects (at most 10).
    #[command(
        after_help = "Example:\n  vbshare share 066b1e37-9305-4057-97e5-2e99b21fc71d \\\n      \
                            --to 722513ed0a324dadaabe5b2d0fe848c9 --to 722513ed0a324dadaabe5b2d0fe84919"
    )]
    Share {
        /// The backup to share (a UUID).
        backup_id: String,
        /// A project to share it with (32 hex characters); repeat for more, at most 10.
        #[arg(long = "to", value_name = "PROJECT_ID", required = true, value_parser = parse_project_id)]
        to: Vec<String>,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Table)]
        output: Format,
        /// Write CSV cells as received, without formula guarding.
        #[arg(long)]
        csv_raw: bool,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Cancel one sharing, or with --backup every sharing of a backup.
    #[command(
        after_help = "Examples:\n  vbshare unshare 8332443e-9866-41d8-8a58-a898cf5db030\n  \
                            vbshare unshare --backup 066b1e37-9305-4057-97e5-2e99b21fc71d"
    )]
    Unshare {
        /// The sharing ID (or, with --backup, the backup ID); a UUID.
        #[arg(value_name = "ID")]
        id: String,
        /// ID is a backup ID: cancel every sharing of that backup (CBR: remove every member).
        #[arg(long, conflicts_with = "to")]
        backup: bool,
        /// CBR: the member project to remove (ID is then the backup); repeat for more.
        #[arg(long = "to", value_name = "PROJECT_ID", value_parser = parse_project_id)]
        to: Vec<String>,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// CBR: accept a backup shared with this project into one of its vaults.
    #[command(
        after_help = "Examples:\n  vbshare --service cbr accept 0b07081e-3ec7-4e77-8571-54e2947da422 --vault auto\n  \
                            vbshare --service cbr accept 0b07081e-3ec7-4e77-8571-54e2947da422 \\\n      \
                            --vault db5b5fab-8f4d-4e27-9da1-494c73cf256d"
    )]
    Accept {
        /// The shared backup (a UUID).
        backup_id: String,
        /// The vault to accept it into (a UUID), or `auto`: the fitting vault with the most
        /// free space.
        #[arg(long, value_name = "VAULT_ID|auto")]
        vault: String,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// CBR: reject a backup shared with this project.
    #[command(
        after_help = "Example:\n  vbshare --service cbr reject 0b07081e-3ec7-4e77-8571-54e2947da422"
    )]
    Reject {
        /// The shared backup (a UUID).
        backup_id: String,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// CBR: this project's vaults, and with --fits whether each can take a shared backup.
    #[command(
        after_help = "Example:\n  vbshare --service cbr vaults --fits 0b07081e-3ec7-4e77-8571-54e2947da422"
    )]
    Vaults {
        /// A backup shared with this project: say for each vault whether it can take it.
        #[arg(long, value_name = "BACKUP_ID")]
        fits: Option<String>,
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = GetFormat::Table)]
        output: GetFormat,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Print the resolved settings and where each one came from (secrets masked).
    #[command(after_help = "Examples:\n  vbshare config\n  vbshare config --check --profile prod")]
    Config {
        /// Also make one cheap authenticated call and say whether it worked.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        conn: ConnectionArgs,
        #[command(flatten)]
        log: LogArgs,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  vbshare completions bash > ~/.local/share/bash-completion/completions/vbshare"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Run the embedded server (VBS and CBR) until Ctrl-C.
    #[command(
        after_help = "Example:\n  vbshare serve --listen 127.0.0.1:8776 --sharings 10000 --latency-ms 50"
    )]
    Serve(ServeArgs),
}

impl Command {
    /// The subcommand's name.
    pub fn name(&self) -> &'static str {
        match self {
            Command::List { .. } => "list",
            Command::Count { .. } => "count",
            Command::Get { .. } => "get",
            Command::Share { .. } => "share",
            Command::Unshare { .. } => "unshare",
            Command::Accept { .. } => "accept",
            Command::Reject { .. } => "reject",
            Command::Vaults { .. } => "vaults",
            Command::Config { .. } => "config",
            Command::Completions { .. } => "completions",
            Command::Serve(_) => "serve",
        }
    }

    /// What the command changes under `service`, as a read-only refusal words it
    /// ("refusing to …"); `None` for a command that only reads. Every write is named here,
    /// so read-only mode is enforced in one place for every service.
    pub fn write_action(&self, service: SharingService) -> Option<&'static str> {
        match self {
            Command::Share { .. } => Some("share"),
            Command::Unshare { .. } => Some(match service {
                SharingService::Vbs => "cancel a sharing",
                SharingService::Cbr => "remove members",
            }),
            Command::Accept { .. } => Some("accept a shared backup"),
            Command::Reject { .. } => Some("reject a shared backup"),
            Command::List { .. }
            | Command::Count { .. }
            | Command::Get { .. }
            | Command::Vaults { .. }
            | Command::Config { .. }
            | Command::Completions { .. }
            | Command::Serve(_) => None,
        }
    }

    /// The connection options given after the subcommand, for those that take them.
    pub fn connection(&self) -> Option<&ConnectionArgs> {
        match self {
            Command::List { conn, .. }
            | Command::Count { conn, .. }
            | Command::Get { conn, .. }
            | Command::Share { conn, .. }
            | Command::Unshare { conn, .. }
            | Command::Accept { conn, .. }
            | Command::Reject { conn, .. }
            | Command::Vaults { conn, .. }
            | Command::Config { conn, .. } => Some(conn),
            Command::Completions { .. } | Command::Serve(_) => None,
        }
    }

    /// The logging options given after the subcommand, for those that log.
    pub fn log(&self) -> Option<&LogArgs> {
        match self {
            Command::List { log, .. }
            | Command::Count { log, .. }
            | Command::Get { log, .. }
            | Command::Share { log, .. }
            | Command::Unshare { log, .. }
            | Command::Accept { log, .. }
            | Command::Reject { log, .. }
            | Command::Vaults { log, .. }
            | Command::Config { log, .. } => Some(log),
            Command::Serve(a) => Some(&a.log),
            Command::Completions { .. } => None,
        }
    }
}

/// Options of `vbshare serve`.
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on (host:port; a name such as localhost is resolved).
    #[arg(long, default_value = "127.0.0.1:8776")]
    pub listen: String,
    /// Allow a listen address other than loopback: the demo credentials are public, so
    /// anyone who can reach the port can use the server.
    #[arg(long)]
    pub allow_remote: bool,
    /// Seed of the generated data set.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of sharings to generate.
    #[arg(long, default_value_t = 2000)]
    pub sharings: usize,
    /// Number of CBR backups the demo project owns (30 of them shared), 30 to 100,000.
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(30..=100_000))]
    pub cbr_backups: u32,
    /// Added latency per request in milliseconds (plus up to 20% jitter).
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Probability (0–1) that a request fails with a random 500 or 503.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub fail_rate: f64,
    /// The moment every date of the data set (VBS and CBR) is relative to: Unix seconds
    /// or `YYYY-MM-DDTHH:MM:SSZ` [default: now].
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<i64>,
    #[command(flatten)]
    pub log: LogArgs,
}

fn parse_now(s: &str) -> Result<i64, String> {
    s.trim().parse::<i64>().or_else(|_| {
        crate::api::time::Timestamp::parse(s.trim())
            .map(|t| t.secs)
            .map_err(|_| "must be Unix seconds or a time such as 2026-11-30T12:00:00Z".to_owned())
    })
}

fn parse_url(s: &str) -> Result<String, String> {
    crate::api::ids::http_url(s, "URL")
        .map(|_| s.trim().to_owned())
        .map_err(|e| e.0)
}

/// The most projects one share call accepts.
pub const MAX_SHARE_TARGETS: usize = 10;

/// A project ID: 32 hexadecimal characters, normalised to lower case.
pub fn parse_project_id(s: &str) -> Result<String, String> {
    crate::api::ids::project_id(s).map_err(|e| e.0)
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(v),
        _ => Err("must be a number of seconds more than 0 and at most 3600".into()),
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err("must be a number from 0 to 1".into()),
    }
}

/// The `--status` values given, checked against `service`'s statuses: a usage error's text
/// when one is not the service's, or when VBS is given more than one.
pub fn check_statuses(statuses: &[String], service: SharingService) -> Result<(), String> {
    let (known, name) = (service.backup_statuses(), service.label());
    if let Some(bad) = statuses.iter().find(|s| !known.contains(&s.as_str())) {
        return Err(format!(
            "--status {bad:?} is not a {name} backup status: use one of {}",
            known.join(", ")
        ));
    }
    if service == SharingService::Vbs && statuses.len() > 1 {
        return Err("VBS filters on one --status at a time".to_owned());
    }
    Ok(())
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
            ..
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
    fn statuses_are_checked_against_the_service_in_use() {
        use crate::api::service::SharingService::{Cbr, Vbs};
        let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(check_statuses(&v(&["creating"]), Vbs).is_ok());
        assert!(check_statuses(&v(&["protecting", "error"]), Cbr).is_ok());
        let e = check_statuses(&v(&["protecting"]), Vbs).unwrap_err();
        assert!(
            e.contains("not a VBS backup status") && e.contains("creating"),
            "{e}"
        );
        assert!(
            check_statuses(&v(&["creating"]), Cbr)
                .unwrap_err()
                .contains("CBR")
        );
        assert!(check_statuses(&v(&["available", "error"]), Vbs).is_err());
        assert!(check_statuses(&[], Vbs).is_ok());
    }

    #[test]
    fn top_level_filters_prefill_the_browser() {
        let cli =
            Cli::try_parse_from(["vbshare", "--demo", "--name", "x", "--limit", "20"]).unwrap();
        assert!(cli.conn.demo && cli.command.is_none());
        assert_eq!(cli.filters.list_query().limit, Some(20));
    }
}
