//! The HTTP transport every service shares: one `reqwest::Client` built from the resolved
//! settings (trusted CAs, proxies, timeouts), and the reading of a failed request as one
//! [`ApiError`] that names the right culprit (the proxy, the certificate, the host).
//!
//! Nothing here reads the environment: proxies and certificate sources come from the
//! settings, so `vbshare config` shows exactly what is used.

use std::time::Duration;

use reqwest::Url;

use super::ApiError;

pub mod proxy;
pub mod tls;

pub use proxy::{NoProxy, Proxies, ProxyUrl};
pub use tls::Trust;

/// What the transport is built from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransportConfig {
    pub trust: Trust,
    pub proxies: Proxies,
    /// Whole-request timeout (connect, send, and read the body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

/// A built transport; cheap to clone.
#[derive(Clone, Debug)]
pub struct Transport {
    pub http: reqwest::Client,
    proxies: Proxies,
    rejections: tls::Rejections,
    timeout: Duration,
}

impl Transport {
    /// Builds the client. Fails on a `--ca-cert` that holds no certificate.
    pub fn new(config: &TransportConfig) -> Result<Transport, ApiError> {
        let rejections = tls::Rejections::default();
        let tls = config.trust.client_config(rejections.clone())?;
        let proxies = config.proxies.clone();
        let route = proxies.clone();
        let http = reqwest::Client::builder()
            .user_agent(concat!("vbshare/", env!("CARGO_PKG_VERSION")))
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .use_preconfigured_tls(tls)
            // The HTTP library must not read proxy variables behind the settings' back.
            .no_proxy()
            .proxy(reqwest::Proxy::custom(move |url| {
                route.for_url(url).map(|p| p.expose().clone())
            }))
            .build()
            .map_err(|e| {
                ApiError::Config(format!("cannot set up the HTTP client: {}", cause(&e)))
            })?;
        Ok(Transport {
            http,
            proxies,
            rejections,
            timeout: config.timeout,
        })
    }

    /// The proxy a request to `url` goes through, if any.
    pub fn proxy_for(&self, url: &Url) -> Option<&ProxyUrl> {
        self.proxies.for_url(url)
    }

    /// A failed request to `url` as one error naming the proxy, the certificate or the host.
    pub fn classify(&self, e: &reqwest::Error, url: &Url) -> ApiError {
        let host = host_header(url);
        if let Some(err) = self
            .proxy_for(url)
            .and_then(|proxy| proxy_failure(e, proxy, &host))
        {
            return err;
        }
        let err = classify(e, &host, self.timeout);
        match err {
            ApiError::Tls { host, detail } => {
                let name = url.host_str().unwrap_or_default();
                let name = name.trim_start_matches('[').trim_end_matches(']');
                let detail = match self.rejections.for_host(name) {
                    Some(cert) if detail.starts_with("the server's certificate") => detail
                        .replacen(
                            "the server's certificate",
                            &format!("the server's {cert}"),
                            1,
                        ),
                    Some(cert) => format!("the server's {cert} was rejected: {detail}"),
                    None => detail,
                };
                ApiError::Tls { host, detail }
            }
            other => other,
        }
    }

    /// A 407 answered to a plain `http://` request forwarded by a proxy.
    pub fn proxy_status(&self, status: u16, url: &Url) -> Option<ApiError> {
        let proxy = self.proxy_for(url)?;
        (status == 407).then(|| ApiError::Proxy {
            proxy: proxy.to_string(),
            detail: auth_required(proxy),
        })
    }
}

fn auth_required(proxy: &ProxyUrl) -> String {
    if proxy.has_credentials() {
        "the proxy requires authentication and refused the user and password in the proxy URL"
            .to_owned()
    } else {
        "the proxy requires authentication: put user:password@ in the proxy URL \
         (--proxy, the profile's proxy, or HTTPS_PROXY)"
            .to_owned()
    }
}

/// Failures that happened at the proxy rather than at the service.
fn proxy_failure(e: &reqwest::Error, proxy: &ProxyUrl, host: &str) -> Option<ApiError> {
    let chain = error_chain(e).to_ascii_lowercase();
    let unreachable = chain.contains("failed to create underlying connection")
        || chain.contains("connection refused")
        || (e.is_connect() && chain.contains("tcp connect error"));
    let detail = if chain.contains("proxy authorization required") {
        auth_required(proxy)
    } else if unreachable {
        format!("cannot reach the proxy: {}", cause(e))
    } else if chain.contains("tunnel error") {
        format!("the proxy refused to open a tunnel (CONNECT) to {host}")
    } else if chain.contains("socks error") {
        format!("the SOCKS proxy could not reach {host}: {}", cause(e))
    } else if e.is_connect() && !chain.contains("certificate") && !chain.contains("tls") {
        format!("cannot reach the proxy: {}", cause(e))
    } else {
        return None;
    };
    Some(ApiError::Proxy {
        proxy: proxy.to_string(),
        detail,
    })
}

/// `host` or `host:port` as the `Host` header carries it.
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// Every message in an error's source chain, joined.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// What went wrong underneath an error, without the wrappers that only restate the URL or
/// the layer (`error sending request for url (…)`, `client error (Connect)`, `dns error`…).
pub fn cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        let wrapper = text.starts_with("error sending request for url")
            || text.starts_with("client error (")
            || text.starts_with("builder error")
            || matches!(
                text.as_str(),
                "tcp connect error"
                    | "dns error"
                    | "error trying to connect"
                    | "request or response body error"
                    | "error decoding response body"
                    | "error reading a body from connection"
            );
        // An inner error whose text an outer one already holds (an io::Error carrying a
        // rustls error says the same) is said once.
        if !wrapper && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    if parts.is_empty() {
        return error_chain(e);
    }
    parts.join(": ")
}

/// A failed request to `host` as one [`ApiError`].
pub fn classify(e: &reqwest::Error, host: &str, timeout: Duration) -> ApiError {
    let host = host.to_owned();
    if e.is_timeout() {
        return ApiError::Timeout {
            host,
            after: timeout,
        };
    }
    let detail = cause(e);
    // Read the cause, not the whole chain: the URL in reqwest's outer message could hold any
    // word ("tls", "reset"…) in its host name.
    let lower = detail.to_ascii_lowercase();
    if error_chain(e).contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        let detail = detail
            .strip_prefix("failed to lookup address information: ")
            .unwrap_or(&detail)
            .to_owned();
        ApiError::Dns { host, detail }
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("corrupt message")
    {
        ApiError::Tls {
            host,
            detail: readable_tls(&detail),
        }
    } else if e.is_connect() {
        ApiError::Connect { host, detail }
    } else if lower.contains("invalid http version") {
        ApiError::Other {
            host,
            detail: format!(
                "the answer is not HTTP ({detail}); if the service speaks TLS, use an https:// endpoint"
            ),
        }
    } else if lower.contains("end of file before message length reached")
        || lower.contains("connection closed before message completed")
        || lower.contains("connection reset")
        || lower.contains("broken pipe")
    {
        ApiError::Closed { host, detail }
    } else {
        ApiError::Other { host, detail }
    }
}

/// rustls's certificate verdicts in words (`UnknownIssuer` and friends), the verdict kept
/// in brackets for searching.
fn readable_tls(detail: &str) -> String {
    for (verdict, words) in [
        (
            "UnknownIssuer",
            "the server's certificate is not issued by a CA this machine trusts",
        ),
        (
            "BadSignature",
            "the server's certificate is not signed by the trusted CA",
        ),
        (
            "certificate expired",
            "the server's certificate has expired",
        ),
        (
            "not valid for name",
            "the server's certificate is not valid for this host name",
        ),
        ("received corrupt message", "the answer is not TLS"),
    ] {
        if detail.contains(verdict) {
            return format!("{words} ({detail})");
        }
    }
    detail.to_owned()
}
