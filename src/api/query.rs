//! List and count filters, and the canonical query string both signer and wire use.

use std::fmt::{self, Write as _};
use std::str::FromStr;

/// The keys VBS sorts by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    #[default]
    CreatedAt,
    UpdatedAt,
    Name,
    Status,
    Size,
    Id,
    ContainerFormat,
    DiskFormat,
}

impl SortKey {
    /// Every key, in the order the UI cycles through them.
    pub const ALL: [SortKey; 8] = [
        SortKey::CreatedAt,
        SortKey::UpdatedAt,
        SortKey::Name,
        SortKey::Status,
        SortKey::Size,
        SortKey::Id,
        SortKey::ContainerFormat,
        SortKey::DiskFormat,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::CreatedAt => "created_at",
            SortKey::UpdatedAt => "updated_at",
            SortKey::Name => "name",
            SortKey::Status => "status",
            SortKey::Size => "size",
            SortKey::Id => "id",
            SortKey::ContainerFormat => "container_format",
            SortKey::DiskFormat => "disk_format",
        }
    }

    /// The next key in [`SortKey::ALL`], wrapping around.
    #[must_use]
    pub fn next(self) -> SortKey {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

impl fmt::Display for SortKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value that is not one of the accepted words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: expected one of {expected}")]
pub struct ParseEnumError {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

impl FromStr for SortKey {
    type Err = ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ParseEnumError {
                what: "sort key",
                value: s.to_owned(),
                expected: Self::ALL.map(SortKey::as_str).join(", "),
            })
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

impl SortDir {
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }

    #[must_use]
    pub fn flip(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
}

impl fmt::Display for SortDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SortDir {
    type Err = ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "asc" => Ok(SortDir::Asc),
            "desc" => Ok(SortDir::Desc),
            _ => Err(ParseEnumError {
                what: "sort direction",
                value: s.to_owned(),
                expected: "asc, desc".to_owned(),
            }),
        }
    }
}

/// The filters shared by list and count. Empty strings mean "no filter".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Filters {
    /// `true`: sharings shared with this project; `false`: shared by it.
    pub share_to_me: bool,
    pub volume_id: String,
    pub name: String,
    pub status: String,
    pub backup_id: String,
    pub from_project_id: String,
    pub to_project_id: String,
    pub availability_zone: String,
}

/// The count call's query: the filters only.
pub type CountQuery = Filters;

/// The list call's query: filters, sort and page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ListQuery {
    pub filters: Filters,
    pub sort_key: Option<SortKey>,
    pub sort_dir: Option<SortDir>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

impl Filters {
    /// The query parameters, empty filters left out; the AZ goes under both spellings.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::with_capacity(9);
        if self.share_to_me {
            out.push(("share_to_me", "true".to_owned()));
        }
        let fields: [(&'static str, &str); 6] = [
            ("volume_id", &self.volume_id),
            ("name", &self.name),
            ("status", &self.status),
            ("backup_id", &self.backup_id),
            ("from_project_id", &self.from_project_id),
            ("to_project_id", &self.to_project_id),
        ];
        for (k, v) in fields {
            let v = v.trim();
            if !v.is_empty() {
                out.push((k, v.to_owned()));
            }
        }
        let az = self.availability_zone.trim();
        if !az.is_empty() {
            out.push(("avalilability_zone", az.to_owned()));
            out.push(("availability_zone", az.to_owned()));
        }
        out
    }

    /// The canonical query string for the count call.
    pub fn canonical_query(&self) -> String {
        canonical_query(&self.params())
    }
}

impl ListQuery {
    /// All list parameters that are set.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = self.filters.params();
        if let Some(k) = self.sort_key {
            out.push(("sort_key", k.as_str().to_owned()));
        }
        if let Some(d) = self.sort_dir {
            out.push(("sort_dir", d.as_str().to_owned()));
        }
        if let Some(l) = self.limit {
            out.push(("limit", l.to_string()));
        }
        if let Some(o) = self.offset {
            out.push(("offset", o.to_string()));
        }
        out
    }

    /// The canonical query string for the list call.
    pub fn canonical_query(&self) -> String {
        canonical_query(&self.params())
    }
}

/// Percent-encodes `s` keeping only RFC 3986 unreserved characters, upper-case hex.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+`). Invalid escapes are kept.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex_val(b[i + 1]), hex_val(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The canonical query: each key and value encoded, sorted by key then value, `k=v` joined
/// by `&`. This exact string is both signed and sent.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut enc: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (percent_encode(k.as_ref()), percent_encode(v.as_ref())))
        .collect();
    enc.sort();
    let mut out = String::new();
    for (i, (k, v)) in enc.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Splits a raw query string into decoded pairs (a key without `=` has an empty value).
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_query_sends_nothing() {
        assert_eq!(ListQuery::default().canonical_query(), "");
        let blank = Filters {
            name: "   ".into(),
            ..Filters::default()
        };
        assert_eq!(blank.canonical_query(), "");
    }

    #[test]
    fn all_twelve_parameters_sorted_and_encoded() {
        let q = ListQuery {
            filters: Filters {
                share_to_me: true,
                volume_id: "v1".into(),
                name: "db backup+1".into(),
                status: "available".into(),
                backup_id: "b1".into(),
                from_project_id: "p1".into(),
                to_project_id: "p2".into(),
                availability_zone: "eu-de-01".into(),
            },
            sort_key: Some(SortKey::Size),
            sort_dir: Some(SortDir::Asc),
            limit: Some(50),
            offset: Some(100),
        };
        assert_eq!(
            q.canonical_query(),
            "availability_zone=eu-de-01&avalilability_zone=eu-de-01&backup_id=b1\
             &from_project_id=p1&limit=50&name=db%20backup%2B1&offset=100&share_to_me=true\
             &sort_dir=asc&sort_key=size&status=available&to_project_id=p2&volume_id=v1"
        );
        // Count takes the filters only.
        assert!(!q.filters.canonical_query().contains("limit"));
    }

    #[test]
    fn encoding_keeps_only_unreserved() {
        assert_eq!(percent_encode("a-z_0.9~"), "a-z_0.9~");
        assert_eq!(percent_encode("a b+c/d=e&f*g"), "a%20b%2Bc%2Fd%3De%26f%2Ag");
        assert_eq!(percent_encode("备份"), "%E5%A4%87%E4%BB%BD");
        assert_eq!(percent_decode("a%20b%2Bc+d"), "a b+c+d");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn sort_keys_and_dirs_parse_and_cycle() {
        assert_eq!("size".parse::<SortKey>().unwrap(), SortKey::Size);
        let e = "bogus".parse::<SortKey>().unwrap_err();
        assert!(e.to_string().contains("created_at"));
        assert!("up".parse::<SortDir>().is_err());
        let mut k = SortKey::CreatedAt;
        for _ in 0..SortKey::ALL.len() {
            k = k.next();
        }
        assert_eq!(k, SortKey::CreatedAt);
        assert_eq!(SortDir::Asc.flip(), SortDir::Desc);
    }

    #[test]
    fn parse_query_round_trips() {
        let params = [("name", "x y+z"), ("e", ""), ("name", "a&b=c")];
        let q = canonical_query(&params);
        assert_eq!(q, "e=&name=a%26b%3Dc&name=x%20y%2Bz");
        let back = parse_query(&q);
        assert_eq!(
            back,
            vec![
                ("e".into(), String::new()),
                ("name".into(), "a&b=c".into()),
                ("name".into(), "x y+z".into())
            ]
        );
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-z_]{0,8}",
                ".{0,12}",
                proptest::collection::vec(
                    prop::sample::select(vec![
                        '+', ' ', '/', '=', '&', '*', '~', '%', '备', '🚀', 'a'
                    ]),
                    0..6
                )
                .prop_map(|v| v.into_iter().collect()),
            ]
        }

        proptest! {
            #[test]
            fn canonical_query_decodes_back_sorted(pairs in proptest::collection::vec((text(), text()), 0..6)) {
                let q = canonical_query(&pairs);
                prop_assert!(q.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&".contains(&b)), "{q}");
                let mut expected: Vec<(String, String)> = pairs.clone();
                expected.sort_by_key(|(k, v)| (percent_encode(k), percent_encode(v)));
                let back = parse_query(&q);
                // An empty key with an empty value encodes to "=" which parses back as ("", "").
                prop_assert_eq!(back.clone(), expected);
                let encoded: Vec<(String, String)> =
                    back.iter().map(|(k, v)| (percent_encode(k), percent_encode(v))).collect();
                prop_assert!(encoded.windows(2).all(|w| w[0] <= w[1]), "not sorted: {q}");
            }

            #[test]
            fn list_query_never_sends_empty_filters(name in ".{0,6}", status in "[ a-z]{0,4}") {
                let q = ListQuery {
                    filters: Filters { name: name.clone(), status: status.clone(), ..Filters::default() },
                    ..ListQuery::default()
                };
                let params = q.params();
                prop_assert_eq!(params.iter().any(|(k, _)| *k == "name"), !name.trim().is_empty());
                prop_assert_eq!(params.iter().any(|(k, _)| *k == "status"), !status.trim().is_empty());
            }
        }
    }
}
