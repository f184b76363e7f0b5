//! `SDK-HMAC-SHA256`, the API gateway's AK/SK request signature.
//!
//! The same functions sign on the client and verify on the embedded server, so both
//! sides agree byte for byte on the canonical request.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::query::{canonical_query, parse_query, percent_encode};

/// The algorithm name that opens the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// SHA-256 of the empty body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// An access key pair; the secret never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct AkSk {
    pub access_key: String,
    pub secret_key: String,
    /// The security token of temporary credentials, sent as `X-Security-Token`.
    pub security_token: Option<String>,
}

impl fmt::Debug for AkSk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AkSk")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The parts of a request that the signature covers.
#[derive(Debug, Clone)]
pub struct SignInput<'a> {
    pub method: &'a str,
    /// The path as sent, e.g. `/v2/abc/os-vendor-backup-sharing/detail` (not yet encoded).
    pub path: &'a str,
    /// The raw query string as sent (without `?`); it is re-canonicalised for signing.
    pub query: &'a str,
    /// Header names and values to sign (any case); must include `host` and `x-sdk-date`.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// The canonical URI: each segment encoded, always ending with `/`.
pub fn canonical_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(&percent_encode(seg));
    }
    out.push('/');
    out
}

/// The `name:value\n` block and the `;`-joined list of signed header names.
pub fn canonical_headers(headers: &[(&str, &str)]) -> (String, String) {
    let mut hs: Vec<(String, &str)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim()))
        .collect();
    hs.sort();
    let mut block = String::new();
    for (k, v) in &hs {
        block.push_str(k);
        block.push(':');
        block.push_str(v);
        block.push('\n');
    }
    let names: Vec<&str> = hs.iter().map(|(k, _)| k.as_str()).collect();
    (block, names.join(";"))
}

/// The canonical request string (exposed for tests and for server-side diagnostics).
pub fn canonical_request(input: &SignInput<'_>) -> String {
    let query = canonical_query(&parse_query(input.query));
    let (headers, signed) = canonical_headers(input.headers);
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method.to_ascii_uppercase(),
        canonical_uri(input.path),
        query,
        headers,
        signed,
        hex::encode(Sha256::digest(input.body))
    )
}

/// The signature over `input`, lowercase hex, given the `X-Sdk-Date` value and the SK.
pub fn signature(input: &SignInput<'_>, sdk_date: &str, secret_key: &str) -> String {
    let creq = canonical_request(input);
    let string_to_sign = format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        hex::encode(Sha256::digest(creq.as_bytes()))
    );
    hmac_hex(secret_key.as_bytes(), string_to_sign.as_bytes())
}

fn hmac_hex(key: &[u8], msg: &[u8]) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(msg);
    hex::encode(mac.finalize().into_bytes())
}

/// The full `Authorization` header value.
pub fn authorization(input: &SignInput<'_>, sdk_date: &str, creds: &AkSk) -> String {
    let (_, signed) = canonical_headers(input.headers);
    format!(
        "{ALGORITHM} Access={}, SignedHeaders={signed}, Signature={}",
        creds.access_key,
        signature(input, sdk_date, &creds.secret_key)
    )
}

/// The fields of a parsed `Authorization: SDK-HMAC-SHA256 …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub access: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses an `Authorization` header of this scheme; `None` when it is another scheme.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.strip_prefix(ALGORITHM)?.trim_start();
    let (mut access, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Access" => access = Some(v.trim().to_owned()),
            "SignedHeaders" => {
                signed = Some(v.trim().split(';').map(str::to_ascii_lowercase).collect());
            }
            "Signature" => sig = Some(v.trim().to_owned()),
            _ => {}
        }
    }
    Some(ParsedAuthorization {
        access: access?,
        signed_headers: signed?,
        signature: sig?,
    })
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const AK: &str = "QTWAOYTTINDUT2QVKYUC";
    const SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

    fn sign(path: &str, query: &str, headers: &[(&str, &str)]) -> String {
        let input = SignInput {
            method: "GET",
            path,
            query,
            headers,
            body: b"",
        };
        signature(&input, "20191115T033655Z", SK)
    }

    #[test]
    fn reproduces_the_published_example() {
        let headers = [
            ("Content-Type", "application/json"),
            ("Host", "service.region.example.com"),
            ("X-Sdk-Date", "20191115T033655Z"),
        ];
        let input = SignInput {
            method: "GET",
            path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
            query: "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
            headers: &headers,
            body: b"",
        };
        assert_eq!(
            signature(&input, "20191115T033655Z", SK),
            "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
        );
        let creds = AkSk {
            access_key: AK.into(),
            secret_key: SK.into(),
            security_token: None,
        };
        let auth = authorization(&input, "20191115T033655Z", &creds);
        assert_eq!(
            auth,
            "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, \
             Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
        );
        let parsed = parse_authorization(&auth).unwrap();
        assert_eq!(parsed.access, AK);
        assert_eq!(
            parsed.signed_headers,
            ["content-type", "host", "x-sdk-date"]
        );
    }

    #[test]
    fn canonical_request_shape() {
        let headers = [("X-Sdk-Date", "20191115T033655Z"), ("host", " h.example ")];
        let input = SignInput {
            method: "get",
            path: "/v2/p/x",
            query: "b=2&a=1",
            headers: &headers,
            body: b"",
        };
        assert_eq!(
            canonical_request(&input),
            format!(
                "GET\n/v2/p/x/\na=1&b=2\nhost:h.example\nx-sdk-date:20191115T033655Z\n\nhost;x-sdk-date\n{EMPTY_BODY_SHA256}"
            )
        );
    }

    #[test]
    fn trailing_slash_is_always_added_once() {
        let h = [("host", "h"), ("x-sdk-date", "20191115T033655Z")];
        assert_eq!(canonical_uri("/v2/p/detail"), "/v2/p/detail/");
        assert_eq!(canonical_uri("/v2/p/detail/"), "/v2/p/detail/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(sign("/v2/p/detail", "", &h), sign("/v2/p/detail/", "", &h));
    }

    #[test]
    fn special_characters_in_queries() {
        let h = [("host", "h"), ("x-sdk-date", "20191115T033655Z")];
        // A value and its differently-written-but-equal encodings sign the same.
        assert_eq!(sign("/p", "name=a%20b", &h), sign("/p", "name=a%20b", &h));
        let cases = [
            "a+b",
            "a/b",
            "a=b",
            "a&b",
            "a*b",
            "a~b",
            "a b",
            "备份🚀",
            "",
        ];
        let sigs: Vec<String> = cases
            .iter()
            .map(|v| sign("/p", &canonical_query(&[("name", *v)]), &h))
            .collect();
        for (i, a) in sigs.iter().enumerate() {
            for b in &sigs[i + 1..] {
                assert_ne!(a, b, "distinct values must sign differently");
            }
        }
        // `+` is a literal plus, never a space.
        assert_ne!(sign("/p", "name=a+b", &h), sign("/p", "name=a%20b", &h));
        assert_eq!(sign("/p", "name=a+b", &h), sign("/p", "name=a%2Bb", &h));
        // `~` is unreserved: encoded or not, same canonical form.
        assert_eq!(sign("/p", "name=a%7Eb", &h), sign("/p", "name=a~b", &h));
    }

    #[test]
    fn repeated_and_empty_parameters_sort_by_value() {
        let q = canonical_query(&parse_query("b=2&a=z&a=y&e="));
        assert_eq!(q, "a=y&a=z&b=2&e=");
        let h = [("host", "h"), ("x-sdk-date", "20191115T033655Z")];
        assert_eq!(sign("/p", "a=z&a=y&e=", &h), sign("/p", "e=&a=y&a=z", &h));
        assert_ne!(sign("/p", "e=", &h), sign("/p", "", &h));
    }

    #[test]
    fn unicode_path_segments_are_encoded() {
        assert_eq!(canonical_uri("/v2/备/x y"), "/v2/%E5%A4%87/x%20y/");
    }

    #[test]
    fn debug_hides_the_secret() {
        let creds = AkSk {
            access_key: AK.into(),
            secret_key: SK.into(),
            security_token: Some("tok-secret".into()),
        };
        let dbg = format!("{creds:?}");
        assert!(!dbg.contains(SK) && !dbg.contains("tok-secret"), "{dbg}");
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
