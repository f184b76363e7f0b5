use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

#[test]
fn doc_list_parses_with_nulls() {
    let list = parse_list(&fixture("doc_list_response.json")).unwrap();
    assert_eq!(list.len(), 2);
    let first = &list[0];
    assert_eq!(
        first.id.as_deref(),
        Some("e842bf23-1e05-4c2c-b0f9-25222f4686da")
    );
    assert_eq!(first.name(), "lbf");
    let backup = first.backup.as_ref().unwrap();
    assert_eq!(backup.size, Some(1));
    assert_eq!(backup.object_count, None);
    assert_eq!(backup.is_incremental, None);
    assert_eq!(list[1].updated_at, None);
    assert!(first.raw.contains("\"service_metadata\": null"));
}

#[test]
fn doc_get_create_and_count_parse() {
    let one = parse_one(&fixture("doc_get_response.json")).unwrap();
    assert_eq!(one.backup.unwrap().object_count, Some(0));
    let created = parse_list(&fixture("doc_create_response.json")).unwrap();
    assert_eq!(
        created[0].to_project_id.as_deref(),
        Some("722513ed0a324dadaabe5b2d0fe848c9")
    );
    assert_eq!(created[0].deleted, None);
    assert!(created[0].backup.is_none());
    assert_eq!(parse_count(&fixture("doc_count_response.json")).unwrap(), 2);
    let req: ShareRequest = serde_json::from_str(&fixture("doc_create_request.json")).unwrap();
    assert_eq!(req.shared.to_project_ids.len(), 2);
}

#[test]
fn absent_fields_and_both_dependent_spellings() {
    let a = parse_one(r#"{"shared":{"backup":{"has_dependent_backup":true}}}"#).unwrap();
    assert_eq!(a.backup.unwrap().has_dependent_backups, Some(true));
    let b = parse_one(r#"{"shared":{"backup":{"has_dependent_backups":false}}}"#).unwrap();
    assert_eq!(b.backup.unwrap().has_dependent_backups, Some(false));
    let empty = parse_one(r#"{"shared":{}}"#).unwrap();
    assert_eq!(empty.id, None);
    assert_eq!(empty.name(), "");
}

#[test]
fn unknown_fields_are_kept_verbatim() {
    let body = r#"{"shared":[{"id":"x","extra":{"nested":[1,2]},"backup":{"new_field":7}}]}"#;
    let list = parse_list(body).unwrap();
    assert_eq!(
        &*list[0].raw,
        r#"{"id":"x","extra":{"nested":[1,2]},"backup":{"new_field":7}}"#
    );
    assert_eq!(list[0].to_json(), &*list[0].raw);
}

#[test]
fn timestamps_in_every_form() {
    let body = r#"{"shared":{"created_at":"2017-08-10T12:25:40Z","updated_at":"2017-08-10T12:25:40.000+00:00","backup":{"created_at":"2017-08-10T12:25:40.1"}}}"#;
    let s = parse_one(body).unwrap();
    assert_eq!(s.created_at, s.updated_at);
    assert_eq!(s.backup.unwrap().created_at.unwrap().nanos, 100_000_000);
}

#[test]
fn wrong_shapes_are_clean_errors() {
    assert!(matches!(parse_list(""), Err(BodyError::Empty)));
    assert!(matches!(
        parse_list("<html>502</html>"),
        Err(BodyError::NotJson(_))
    ));
    assert!(matches!(
        parse_list(r#"{"shared":[{"id":"#),
        Err(BodyError::NotJson(_))
    ));
    assert!(matches!(
        parse_list("{}"),
        Err(BodyError::MissingField("shared"))
    ));
    let e = parse_list(r#"{"shared":{"id":"x"}}"#).unwrap_err();
    assert!(
        e.to_string().contains("should be a list, found an object"),
        "{e}"
    );
    let e = parse_list(r#"{"shared":[{"backup":{"size":"10"}}]}"#).unwrap_err();
    assert!(e.to_string().starts_with("sharing 0:"), "{e}");
    let e = parse_list(r#"{"shared":[7]}"#).unwrap_err();
    assert!(e.to_string().contains("found a number"), "{e}");
    assert!(parse_count(r#"{"count":null}"#).is_err());
    assert!(parse_count(r#"{"count":"3"}"#).is_err());
    assert!(parse_count("[]").is_err());
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,10}".prop_map(Value::String),
            Just(Value::String("2017-08-10T12:25:40.480424".into())),
        ];
        let keys = prop::sample::select(vec![
            "id",
            "backup",
            "name",
            "size",
            "status",
            "created_at",
            "updated_at",
            "object_count",
            "is_incremental",
            "has_dependent_backup",
            "shared",
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

    proptest! {
        #[test]
        fn any_json_is_a_sharing_or_a_clean_error(v in json_value()) {
            for body in [
                json!({ "shared": [v.clone()] }).to_string(),
                json!({ "shared": v.clone() }).to_string(),
                json!({ "count": v.clone() }).to_string(),
                v.to_string(),
            ] {
                // Neither panics; errors carry a message.
                if let Err(e) = parse_list(&body) { prop_assert!(!e.to_string().is_empty()); }
                if let Err(e) = parse_one(&body) { prop_assert!(!e.to_string().is_empty()); }
                if let Err(e) = parse_count(&body) { prop_assert!(!e.to_string().is_empty()); }
            }
            if let Ok(list) = parse_list(&json!({ "shared": [v.clone()] }).to_string()) {
                // What parsed keeps the exact text it came from.
                prop_assert_eq!(list[0].raw.as_ref(), v.to_string());
            }
        }
    }
}
