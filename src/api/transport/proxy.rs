//! Which proxy a request goes through: the URLs the settings resolved (`--proxy`, the
//! profile's `proxy`, or `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`) and curl's `NO_PROXY`
//! rules, with loopback always reached directly.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

/// A proxy URL whose password never reaches `Debug`, `Display`, logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl(Url);

/// The proxy schemes vbshare can speak.
pub const SCHEMES: [&str; 6] = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

impl ProxyUrl {
    /// Parses a proxy as curl does: without a scheme it is `http://`.
    pub fn parse(s: &str) -> Result<ProxyUrl, String> {
        let s = s.trim();
        let with_scheme = if s.contains("://") {
            s.to_owned()
        } else {
            format!("http://{s}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| {
            format!(
                "invalid proxy URL {}: {e}",
                mask(&with_scheme).unwrap_or_default()
            )
        })?;
        if !SCHEMES.contains(&url.scheme()) {
            return Err(format!(
                "unsupported proxy scheme {:?} in {}: use one of {}",
                url.scheme(),
                ProxyUrl(url.clone()),
                SCHEMES.join(", ")
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("proxy URL {} names no host", ProxyUrl(url)));
        }
        Ok(ProxyUrl(url))
    }

    /// The URL with its credentials, for the HTTP library only.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    /// Whether the URL carries a user name or password.
    pub fn has_credentials(&self) -> bool {
        !self.0.username().is_empty() || self.0.password().is_some()
    }
}

/// `user:****@host` instead of `user:password@host`.
fn mask(s: &str) -> Option<String> {
    let mut url = Url::parse(s).ok()?;
    if url.password().is_some() {
        url.set_password(Some("****")).ok()?;
    }
    Some(url.as_str().trim_end_matches('/').to_owned())
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(self.0.as_str()).unwrap_or_else(|| "<proxy>".to_owned()))
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({self})")
    }
}

/// `NO_PROXY` as curl reads it: names and IP addresses (with optional CIDR prefix)
/// separated by commas or white space; a name matches itself and every name under it (a
/// leading dot is ignored); `*` alone matches everything; case does not matter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoProxy {
    entries: Vec<String>,
}

impl NoProxy {
    pub fn parse(s: &str) -> NoProxy {
        NoProxy {
            entries: s
                .split(|c: char| c == ',' || c.is_whitespace())
                .map(|e| e.trim().trim_start_matches('.').trim_end_matches('.'))
                .filter(|e| !e.is_empty())
                .map(str::to_ascii_lowercase)
                .collect(),
        }
    }

    /// The entries, for `vbshare config`.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Whether `host` (a name or an IP literal, IPv6 with or without brackets) is exempt.
    pub fn matches(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let ip = host.parse::<IpAddr>().ok();
        self.entries.iter().any(|e| {
            if e == "*" {
                return true;
            }
            if let Some(ip) = ip {
                return ip_matches(ip, e);
            }
            host == *e
                || host
                    .strip_suffix(e.as_str())
                    .is_some_and(|p| p.ends_with('.'))
        })
    }
}

fn ip_matches(ip: IpAddr, entry: &str) -> bool {
    let entry = entry.trim_start_matches('[').trim_end_matches(']');
    let (addr, bits) = match entry.split_once('/') {
        Some((a, b)) => match b.parse::<u32>() {
            Ok(b) => (a, Some(b)),
            Err(_) => return false,
        },
        None => (entry, None),
    };
    let Ok(net) = addr.parse::<IpAddr>() else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Whether `host` is this machine: `localhost` (and names under it) or a loopback literal.
/// These are always reached directly, as Go's and most clients' proxy rules do.
pub fn is_loopback(host: &str) -> bool {
    let h = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The proxies in force, resolved by the settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proxies {
    /// For `https://` URLs (`HTTPS_PROXY`, else `ALL_PROXY`, or `--proxy`).
    pub https: Option<ProxyUrl>,
    /// For `http://` URLs (`HTTP_PROXY`, else `ALL_PROXY`, or `--proxy`).
    pub http: Option<ProxyUrl>,
    pub no_proxy: NoProxy,
}

impl Proxies {
    /// The proxy a request to `url` goes through, or `None` for a direct connection.
    pub fn for_url(&self, url: &Url) -> Option<&ProxyUrl> {
        let host = url.host_str()?;
        if is_loopback(host) || self.no_proxy.matches(host) {
            return None;
        }
        match url.scheme() {
            "https" => self.https.as_ref(),
            "http" => self.http.as_ref(),
            _ => None,
        }
    }

    /// Whether any proxy is set at all.
    pub fn any(&self) -> bool {
        self.https.is_some() || self.http.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn credentials_never_show() {
        let p = ProxyUrl::parse("http://alice:s3cret@proxy.corp:3128").unwrap();
        assert_eq!(p.to_string(), "http://alice:****@proxy.corp:3128");
        assert!(!format!("{p:?}").contains("s3cret"));
        assert_eq!(p.expose().password(), Some("s3cret"));
        let e = ProxyUrl::parse("ftp://alice:s3cret@proxy.corp").unwrap_err();
        assert!(
            !e.contains("s3cret") && e.contains("unsupported proxy scheme"),
            "{e}"
        );
    }

    #[test]
    fn a_bare_host_is_an_http_proxy_and_socks_is_understood() {
        assert_eq!(
            ProxyUrl::parse("proxy.corp:3128")
                .unwrap()
                .expose()
                .as_str(),
            "http://proxy.corp:3128/"
        );
        for s in ["socks5://127.0.0.1:1080", "socks5h://proxy:1080"] {
            assert!(ProxyUrl::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn no_proxy_follows_curl() {
        let n = NoProxy::parse(".corp.example, internal  10.0.0.0/8,192.168.1.5 ::1, fd00::/8");
        for yes in [
            "corp.example",
            "vbs.corp.example",
            "VBS.CORP.EXAMPLE.",
            "internal",
            "a.internal",
            "10.1.2.3",
            "192.168.1.5",
            "[fd00::1]",
        ] {
            assert!(n.matches(yes), "{yes}");
        }
        for no in [
            "notcorp.example",
            "example",
            "internal.com",
            "11.0.0.1",
            "192.168.1.6",
            "fe80::1",
        ] {
            assert!(!n.matches(no), "{no}");
        }
        assert!(NoProxy::parse("*").matches("anything.example"));
        assert!(!NoProxy::parse("").matches("anything.example"));
    }

    #[test]
    fn loopback_is_always_direct() {
        let proxy = ProxyUrl::parse("http://127.0.0.1:9").unwrap();
        let p = Proxies {
            https: Some(proxy.clone()),
            http: Some(proxy),
            no_proxy: NoProxy::default(),
        };
        for direct in [
            "http://127.0.0.1:8776/v2",
            "http://127.8.9.1/",
            "http://[::1]:80/",
            "http://localhost:1/",
            "https://api.localhost/",
        ] {
            assert_eq!(p.for_url(&url(direct)), None, "{direct}");
        }
        assert!(
            p.for_url(&url("https://vbs.eu-de.otc.t-systems.com"))
                .is_some()
        );
        assert!(p.for_url(&url("http://vbs.test:8776")).is_some());
    }

    #[test]
    fn each_scheme_uses_its_own_proxy() {
        let p = Proxies {
            https: Some(ProxyUrl::parse("http://s:1").unwrap()),
            http: None,
            no_proxy: NoProxy::parse("skip.example"),
        };
        assert!(p.for_url(&url("https://a.example")).is_some());
        assert_eq!(p.for_url(&url("http://a.example")), None);
        assert_eq!(p.for_url(&url("https://skip.example")), None);
    }
}
