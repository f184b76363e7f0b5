//! The words demo names, reasons and descriptions are made of.

pub(super) const APPS: [&str; 12] = [
    "db", "web", "api", "erp", "crm", "mail", "git", "ci", "ldap", "kafka", "redis", "search",
];
pub(super) const ENVS: [&str; 4] = ["prod", "staging", "dev", "qa"];
pub(super) const KINDS: [&str; 6] = [
    "nightly",
    "weekly",
    "hourly",
    "monthly",
    "pre-upgrade",
    "manual",
];
pub(super) const CJK_NAMES: [&str; 6] = [
    "数据库备份-每日",
    "系统盘备份",
    "日志归档-周",
    "生产环境-数据盘",
    "バックアップ-週次",
    "백업-매일",
];
pub(super) const EMOJI_NAMES: [&str; 5] = [
    "🚀 release backup",
    "🔥 hotfix snapshot",
    "✅ verified-restore",
    "📦 archive 2023",
    "👩\u{200d}💻 dev laptop image",
];
pub(super) const FAIL_REASONS: [&str; 6] = [
    "Invalid InitiatorConnector protocol specified DSWARE",
    "Connection to object storage timed out after 600 seconds",
    "Volume is in-use and cannot be backed up without force",
    "Quota exceeded for resources: ['backup_gigabytes']",
    "Backup driver reported an error: checksum mismatch on chunk 17",
    "Restore target volume is smaller than the backup",
];
pub(super) const DESCRIPTIONS: [&str; 5] = [
    "nightly backup of the primary database",
    "before kernel upgrade",
    "kept for audit, do not delete",
    "weekly full backup",
    "copy for the analytics team",
];

/// Names placed on the first backups so that every kind appears even in small sets.
pub(super) fn special_names() -> [String; 13] {
    [
        "db-prod-nightly-2024-03-01".to_owned(),
        CJK_NAMES[0].to_owned(),
        EMOJI_NAMES[0].to_owned(),
        format!(
            "very-long-backup-name-{}-end",
            "0123456789abcdef".repeat(12)
        ),
        String::new(),
        "evil\u{1b}[31mred\u{1b}[0m".to_owned(),
        "title\u{1b}]0;pwned\u{7}".to_owned(),
        "bidi\u{202e}evil".to_owned(),
        "tab\tand\nnewline".to_owned(),
        "DB-PROD-Weekly-Archive".to_owned(),
        // Looks like the first name: a zero-width space hides in it.
        "db-prod-nightly\u{200b}-2024-03-01".to_owned(),
        "\u{feff}bom-archive".to_owned(),
        // Runs in a spreadsheet unless CSV output guards it.
        "=HYPERLINK(\"https://example.invalid\",\"open\")".to_owned(),
    ]
}
