//! `vbshare config`: the resolved settings, where each came from, and (with `--check`) one
//! cheap authenticated call. Secrets are masked: an access key shows its last four
//! characters, a secret nothing at all.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::Context as _;

use crate::api::region;
use crate::api::{Auth, Client, Filters};
use crate::config::{Origin, Settings};
use crate::text::{sanitize, thousands};

/// `****` and the last four characters (nothing of a value of eight characters or fewer).
pub fn mask_key(key: &str) -> String {
    let n = key.chars().count();
    if n <= 8 {
        "****".to_owned()
    } else {
        let tail: String = key.chars().skip(n - 4).collect();
        format!("****{tail}")
    }
}

/// The settings as aligned `name  value  (origin)` lines.
pub fn render(s: &Settings, client: &Client) -> String {
    let mut rows: Vec<(&str, String, String)> = Vec::new();
    let from = |key: &str| s.origin(key).map(Origin::to_string).unwrap_or_default();
    let mut push = |name: &'static str, value: String, origin: String| {
        rows.push((name, sanitize(&value).into_owned(), origin));
    };
    push(
        "profile",
        s.profile.clone().unwrap_or_else(|| "(none)".into()),
        from("profile"),
    );
    if let Some(f) = &s.config_file {
        push("config file", f.display().to_string(), String::new());
    }
    match &s.region {
        Some(r) => {
            let cloud = match (region::find(r), s.origin("region")) {
                (_, Some(Origin::Demo)) => "the embedded demo server",
                (Some(x), _) => x.cloud,
                (None, _) => "not a known region",
            };
            push("region", format!("{r} ({cloud})"), from("region"));
        }
        None => push("region", "(none)".into(), String::new()),
    }
    push("service", s.service.to_string(), from("service"));
    push("endpoint", s.endpoint.clone(), from("endpoint"));
    push("cbr_endpoint", s.cbr_endpoint.clone(), from("cbr_endpoint"));
    push(
        "VBS",
        match &s.vbs_unavailable {
            Some(why) => format!("not available: {why}"),
            None => "available".to_owned(),
        },
        String::new(),
    );
    push("project_id", s.project_id.clone(), from("project_id"));
    let credentials = match &s.auth {
        Auth::Token(_) => "token ****".to_owned(),
        Auth::AkSk(k) => format!(
            "access key {}, secret key ****{}",
            mask_key(&k.access_key),
            if k.security_token.is_some() {
                ", security token ****"
            } else {
                ""
            }
        ),
        Auth::Password(p) => format!("user {} in domain {}, password ****", p.user, p.domain),
    };
    push("credentials", credentials, from("credentials"));
    if let Auth::Password(p) = &s.auth {
        push("auth_url", p.auth_url.clone(), from("auth_url"));
    }
    let proxy = match (&s.proxies.https, &s.proxies.http) {
        (None, None) => "none (direct)".to_owned(),
        (Some(a), Some(b)) if a == b => a.to_string(),
        (a, b) => format!(
            "https: {}; http: {}",
            a.as_ref()
                .map_or_else(|| "direct".to_owned(), ToString::to_string),
            b.as_ref()
                .map_or_else(|| "direct".to_owned(), ToString::to_string)
        ),
    };
    push("proxy", proxy, from("proxy"));
    if s.proxies.any() {
        let mut bypass = vec!["localhost and loopback".to_owned()];
        bypass.extend(s.proxies.no_proxy.entries().iter().cloned());
        push("no proxy for", bypass.join(", "), String::new());
        push(
            "endpoint via",
            client.proxy().unwrap_or_else(|| "direct".to_owned()),
            String::new(),
        );
    }
    let mut trust = vec!["bundled roots".to_owned(), "system store".to_owned()];
    if let Some(f) = &s.ssl_cert_file {
        trust.push(format!("SSL_CERT_FILE {}", f.display()));
    }
    for d in &s.ssl_cert_dirs {
        trust.push(format!("SSL_CERT_DIR {}", d.display()));
    }
    if let Some(c) = &s.ca_cert {
        trust.push(format!("--ca-cert {}", c.display()));
    }
    push("trusted CAs", trust.join(" + "), String::new());
    push(
        "TLS verification",
        if s.insecure {
            "OFF (insecure)".to_owned()
        } else {
            "on".to_owned()
        },
        from("insecure"),
    );
    push(
        "timeout",
        format!("{} s", s.timeout.as_secs_f64()),
        s.origin("timeout")
            .map_or_else(|| "default".to_owned(), Origin::to_string),
    );
    push("retries", s.retries.to_string(), String::new());
    push(
        "concurrency",
        s.concurrency.to_string(),
        s.origin("concurrency")
            .map_or_else(|| "default".to_owned(), Origin::to_string),
    );
    if !s.project_names.is_empty() {
        push(
            "project names",
            format!("{} known", s.project_names.len()),
            String::new(),
        );
    }
    push(
        "read-only",
        if s.read_only { "yes" } else { "no" }.to_owned(),
        from("read_only"),
    );
    let width = rows.iter().map(|(n, _, _)| n.len()).max().unwrap_or(0);
    let value_width = rows
        .iter()
        .map(|(_, v, _)| crate::text::width(v))
        .max()
        .unwrap_or(0)
        .min(60);
    let mut out = String::new();
    for (name, value, origin) in rows {
        if origin.is_empty() {
            let _ = writeln!(out, "{name:<width$}  {value}");
        } else {
            let pad = value_width.saturating_sub(crate::text::width(&value));
            let _ = writeln!(
                out,
                "{name:<width$}  {value}{}  ({})",
                " ".repeat(pad),
                sanitize(&origin)
            );
        }
    }
    if !s.ignored.is_empty() {
        let _ = writeln!(out, "\nset but not used:");
        for i in &s.ignored {
            let _ = writeln!(out, "  {}", sanitize(i));
        }
    }
    out
}

/// One cheap authenticated call (a count): `check: ok …` on stdout, or the error.
pub async fn check(client: &Client) -> anyhow::Result<()> {
    let started = Instant::now();
    let n = client
        .count(&Filters::default())
        .await
        .context("check failed")?;
    println!(
        "check: ok ({} answered in {} ms; this project shares {} backups)",
        client.host(),
        started.elapsed().as_millis(),
        thousands(n)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_show_only_their_last_four_characters() {
        assert_eq!(mask_key("AKEXAMPLEAKEXAMPLE00"), "****LE00");
        assert_eq!(mask_key("short"), "****");
    }
}
