//! Any JSON is a record or a clean error, and a record keeps its exact text.

use super::*;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,10}".prop_map(Value::String),
        Just(Value::String("2020-02-05T10:38:34.209782".into())),
        Just(Value::String("2020-02-05T10:38:34.210+00:00".into())),
        prop::sample::select(vec![
            "",
            "0",
            " 40 ",
            "True",
            "false",
            "accept",
            "rejected",
            "server",
            "backup",
            "available",
            "1.5",
            "2020-02-05",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let keys = prop::sample::select(vec![
        "id",
        "status",
        "created_at",
        "updated_at",
        "resource_size",
        "resource_type",
        "children",
        "extend_info",
        "encrypted",
        "replication_records",
        "os_images_data",
        "billing",
        "size",
        "used",
        "object_type",
        "protect_type",
        "resources",
        "tags",
        "bind_rules",
        "key",
        "members",
        "count",
        "x",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// Every unparsed field was sent, as it was sent.
fn sent(raw: &str, unparsed: &[Unparsed]) -> bool {
    unparsed.iter().all(|u| raw.contains(&*u.raw))
}

proptest! {
    #[test]
    fn any_json_is_a_record_or_a_clean_error(v in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            v.to_string()
        };
        for body in [
            format!(r#"{{"members":[{text}],"count":{text}}}"#),
            format!(r#"{{"backups":[{text}]}}"#),
            format!(r#"{{"vaults":{text}}}"#),
            format!(r#"{{"member":{text}}}"#),
            format!(r#"{{"backup":{text}}}"#),
            format!(r#"{{"vault":{text}}}"#),
            text.clone(),
        ] {
            // None panics; errors carry a message.
            for e in [
                parse_members(&body).err(),
                parse_backups(&body).err(),
                parse_vaults(&body).err(),
                parse_member(&body).err(),
                parse_backup(&body).err(),
                parse_vault(&body).err(),
            ]
            .into_iter()
            .flatten()
            {
                prop_assert!(!e.to_string().is_empty());
            }
        }
        // Every object is a record of each kind, whatever its fields hold; nothing else is.
        let members = parse_members(&format!(r#"{{"members":[{text}],"count":{text}}}"#));
        prop_assert_eq!(members.is_ok(), v.is_object());
        let backup = parse_backup(&format!(r#"{{"backup":{text}}}"#));
        prop_assert_eq!(backup.is_ok(), v.is_object());
        let vaults = parse_vaults(&format!(r#"{{"vaults":[{text}]}}"#));
        prop_assert_eq!(vaults.is_ok(), v.is_object());
        if let (Ok(members), Ok(backup), Ok(vaults)) = (members, backup, vaults) {
            // What parsed keeps the exact text it came from.
            let member = &members.items[0];
            let vault = &vaults.items[0];
            prop_assert_eq!(&*member.raw, text.as_str());
            prop_assert_eq!(&*backup.raw, text.as_str());
            prop_assert_eq!(&*vault.raw, text.as_str());
            prop_assert_eq!(member.to_json(), text.clone());
            prop_assert!(sent(&member.raw, &member.unparsed), "{:?}", member.unparsed);
            prop_assert!(sent(&backup.raw, &backup.unparsed), "{:?}", backup.unparsed);
            prop_assert!(sent(&vault.raw, &vault.unparsed), "{:?}", vault.unparsed);
            for child in &backup.children {
                prop_assert!(backup.raw.contains(&*child.raw));
            }
            // A vault that fits a backup has room for it, by the documented units.
            if let Fit::Fits { free_after_mb } = vault.fit(&backup) {
                let needed = backup.resource_size.unwrap() * 1024;
                prop_assert_eq!(vault.free_mb(), Some(free_after_mb + needed));
            }
        }
        // A count is read when it is a whole number, in either form, and never fails a page.
        let counted = parse_members(&format!(r#"{{"members":[],"count":{text}}}"#)).unwrap();
        let whole = v.as_u64().or_else(|| {
            let s = v.as_str()?.trim();
            s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse().ok())?
        });
        prop_assert_eq!(counted.count, whole);
    }
}
