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
    // A field of the wrong type no longer fails the page: `size` "10" is read as 10.
    let ok = parse_list(r#"{"shared":[{"backup":{"size":"10"}}]}"#).unwrap();
    assert_eq!(ok[0].backup.as_ref().unwrap().size, Some(10));
    let e = parse_list(r#"{"shared":[7]}"#).unwrap_err();
    assert!(e.to_string().contains("found a number"), "{e}");
    let e = parse_list(r#"{"shared":[{"id":"a"},null]}"#).unwrap_err();
    assert!(e.to_string().starts_with("sharing 1:"), "{e}");
    assert!(parse_count(r#"{"count":null}"#).is_err());
    assert!(parse_count("[]").is_err());
}

#[test]
fn count_accepts_a_numeric_string_only() {
    assert_eq!(parse_count(r#"{"count":"3"}"#).unwrap(), 3);
    assert_eq!(parse_count(r#"{"count":" 3 "}"#).unwrap(), 3);
    for bad in [
        r#""three""#,
        r#""""#,
        r#""-3""#,
        r#""3.0""#,
        "-3",
        "3.5",
        "true",
    ] {
        let e = parse_count(&format!(r#"{{"count":{bad}}}"#)).unwrap_err();
        assert!(
            e.to_string().contains("should be a whole number"),
            "{bad}: {e}"
        );
    }
}

/// One sharing from `{"shared":[OBJECT]}`.
fn one(object: &str) -> Sharing {
    let mut list = parse_list(&format!(r#"{{"shared":[{object}]}}"#)).unwrap();
    assert_eq!(list.len(), 1);
    list.remove(0)
}

fn unparsed_raw(s: &Sharing, field: impl Into<Field>) -> Option<&str> {
    s.unparsed(field).map(|u| &*u.raw)
}

#[test]
fn empty_created_at_is_unknown_and_kept_as_sent() {
    let body = r#"{"id":"a","created_at":"","backup":{"name":"n","size":3}}"#;
    let s = one(body);
    assert_eq!(s.created_at, None);
    assert_eq!(unparsed_raw(&s, SharingField::CreatedAt), Some(r#""""#));
    assert_eq!(s.unparsed_fields(), 1);
    assert_eq!(&*s.raw, body);
    assert_eq!(s.to_json(), body);
    // The rest of the record is read as usual.
    assert_eq!((s.id.as_deref(), s.name()), (Some("a"), "n"));
    assert_eq!(s.backup.unwrap().size, Some(3));
}

#[test]
fn numbers_sent_as_strings_are_numbers() {
    let s = one(r#"{"backup":{"size":"10","object_count":"0"}}"#);
    let b = s.backup.as_ref().unwrap();
    assert_eq!((b.size, b.object_count), (Some(10), Some(0)));
    assert_eq!(s.unparsed_fields(), 0);
    let padded = one(r#"{"backup":{"size":" 10 ","object_count":"\u0031"}}"#);
    let b = padded.backup.unwrap();
    assert_eq!((b.size, b.object_count), (Some(10), Some(1)));
}

#[test]
fn numbers_that_do_not_parse_are_unknown() {
    for raw in [
        r#""ten""#,
        r#""""#,
        r#""-1""#,
        r#""+1""#,
        r#""1.5""#,
        "-1",
        "1.5",
        "1e3",
        "true",
        r#"{"gb":10}"#,
        "[10]",
        "18446744073709551616",
    ] {
        let s = one(&format!(r#"{{"backup":{{"size":{raw},"name":"kept"}}}}"#));
        assert_eq!(s.backup.as_ref().unwrap().size, None, "{raw}");
        assert_eq!(unparsed_raw(&s, BackupField::Size), Some(raw), "{raw}");
        assert_eq!(s.name(), "kept", "{raw}");
    }
    let s = one(r#"{"backup":{"size":"ten"}}"#);
    let u = s.unparsed(BackupField::Size).unwrap();
    assert_eq!((u.text().as_ref(), u.marked().as_str()), ("ten", "?ten"));
    assert_eq!(u.field.path(), "backup.size");
}

#[test]
fn booleans_read_only_true_and_false() {
    let flag = |raw: &str| {
        let s = one(&format!(r#"{{"backup":{{"is_incremental":{raw}}}}}"#));
        (
            s.backup.as_ref().unwrap().is_incremental,
            unparsed_raw(&s, BackupField::IsIncremental).map(str::to_owned),
        )
    };
    assert_eq!(flag("true"), (Some(true), None));
    assert_eq!(flag(r#""false""#), (Some(false), None));
    assert_eq!(flag(r#""True""#), (Some(true), None));
    for raw in [r#""yes""#, "1", "0", r#""1""#, r#""""#, "{}"] {
        assert_eq!(flag(raw), (None, Some(raw.to_owned())), "{raw}");
    }
}

#[test]
fn timestamps_in_unknown_formats_are_unknown() {
    for raw in [
        r#""yesterday""#,
        r#""2017/08/10 12:25:40""#,
        r#""2017-08-10T12:25:40 UTC""#,
        "1502367940",
        r#"{"$date":1}"#,
    ] {
        let s = one(&format!(
            r#"{{"updated_at":{raw},"backup":{{"data_timestamp":{raw}}}}}"#
        ));
        assert_eq!(s.updated_at, None, "{raw}");
        assert_eq!(unparsed_raw(&s, SharingField::UpdatedAt), Some(raw));
        assert_eq!(unparsed_raw(&s, BackupField::DataTimestamp), Some(raw));
        assert_eq!(s.unparsed_fields(), 2);
    }
}

#[test]
fn text_fields_take_numbers_as_text_and_nothing_else() {
    let s = one(r#"{"id":123,"backup":{"name":{"en":"x"},"status":false,"description":[1]}}"#);
    assert_eq!(s.id.as_deref(), Some("123"));
    assert_eq!(s.name(), "");
    assert_eq!(unparsed_raw(&s, BackupField::Name), Some(r#"{"en":"x"}"#));
    assert_eq!(unparsed_raw(&s, BackupField::Status), Some("false"));
    assert_eq!(unparsed_raw(&s, BackupField::Description), Some("[1]"));
    assert_eq!(s.unparsed_fields(), 3);
    let order: Vec<&str> = s.unparsed.iter().map(|u| u.field.path()).collect();
    assert_eq!(
        order,
        ["backup.name", "backup.status", "backup.description"]
    );
}

#[test]
fn a_backup_that_is_not_an_object_is_unknown() {
    let s = one(r#"{"id":"a","created_at":"","backup":"gone"}"#);
    assert!(s.backup.is_none());
    assert_eq!(unparsed_raw(&s, SharingField::Backup), Some(r#""gone""#));
    assert_eq!(s.unparsed(SharingField::Backup).unwrap().marked(), "?gone");
    // Field order: the sharing's fields, then the backup's.
    let order: Vec<&str> = s.unparsed.iter().map(|u| u.field.path()).collect();
    assert_eq!(order, ["created_at", "backup"]);
    assert!(one(r#"{"backup":null}"#).unparsed.is_empty());
}

#[test]
fn duplicate_members_take_the_last_and_never_fail() {
    let s = one(r#"{"id":"a","id":"b","backup":{"size":"x","size":2}}"#);
    assert_eq!(s.id.as_deref(), Some("b"));
    assert_eq!(s.backup.unwrap().size, Some(2));
    assert!(s.unparsed.is_empty());
    let both = one(r#"{"backup":{"has_dependent_backups":false,"has_dependent_backup":true}}"#);
    assert_eq!(both.backup.unwrap().has_dependent_backups, Some(false));
    let escaped = one(r#"{"\u0069d":"x"}"#);
    assert_eq!(escaped.id.as_deref(), Some("x"));
}

#[test]
fn unparsed_values_are_marked_and_blank_text_stays_visible() {
    let s = one(r#"{"created_at":"","updated_at":"  ","deleted":"nope"}"#);
    let marked: Vec<String> = s.unparsed.iter().map(Unparsed::marked).collect();
    assert_eq!(marked, [r#"?"""#, r#"?"  ""#, "?nope"]);
    assert_eq!(s.unparsed(SharingField::CreatedAt).unwrap().text(), "");
    let page = [s.clone(), one("{}"), s];
    assert_eq!(unparsed_fields(&page), 6);
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
            prop::sample::select(vec!["", "10", " 0 ", "True", "false", "yes", "1.5"])
                .prop_map(|s| Value::String(s.to_owned())),
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
            "has_dependent_backups",
            "deleted",
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
            let list = parse_list(&json!({ "shared": [v.clone()] }).to_string());
            // Every object is a sharing, whatever its fields hold.
            prop_assert_eq!(list.is_ok(), v.is_object());
            if let Ok(list) = list {
                // What parsed keeps the exact text it came from.
                prop_assert_eq!(list[0].raw.as_ref(), v.to_string());
                // The strict fast path and the field-by-field reading agree.
                let text = v.to_string();
                if let Ok(mut strict) = serde_json::from_str::<Sharing>(&text) {
                    strict.raw = text.as_str().into();
                    prop_assert_eq!(&strict, &lenient::sharing(&text).unwrap());
                }
                // Every field that did not parse was sent, as it was sent.
                for u in &list[0].unparsed {
                    prop_assert!(list[0].raw.contains(&*u.raw), "{:?}", u);
                }
            }
        }
    }
}

#[test]
fn one_pass_keeps_each_records_text_and_reads_the_envelope_as_json_does() {
    // Pretty-printed, members around the list, an escaped key, a record the strict reading
    // refuses between two it accepts.
    let a = "{\n      \"id\" : \"a\",\n      \"backup\": {\"name\": \"x\\\"y\"}\n    }";
    let b = r#"{"id":"b","backup":{"size":"ten"}}"#;
    let c = r#"{"id":"c","created_at":"2017-08-10T12:25:40.480424"}"#;
    let body = format!(
        "\r\n {{ \"count\": 3, \"other\": [1, {{\"shared\": 5}}],\n  \"sh\\u0061red\" : [\n    {a} ,{b},\t{c}\n  ], \"z\": null }} \n"
    );
    let rows = parse_list(&body).unwrap();
    let raw: Vec<&str> = rows.iter().map(|r| &*r.raw).collect();
    assert_eq!(raw, [a, b, c]);
    assert_eq!(rows[0].name(), "x\"y");
    assert_eq!(unparsed_raw(&rows[1], BackupField::Size), Some("\"ten\""));
    assert_eq!(rows[2].created_at.as_ref().unwrap().nanos, 480_424_000);

    assert!(matches!(
        parse_list(r#"{"shared":null}"#),
        Err(BodyError::MissingField("shared"))
    ));
    assert!(parse_list(r#"{"shared":[],"shared":[]}"#).is_err());
    for broken in [
        r#"{"shared":[]} x"#,
        r#"{"shared":[] "#,
        r#"{"shared":[{"id":"a"} {"id":"b"}]}"#,
        r#"{"shared":[{"id":"a"},]}"#,
        r"{shared:[]}",
        r#"{"shared" []}"#,
    ] {
        assert!(
            matches!(parse_list(broken), Err(BodyError::NotJson(_))),
            "{broken}: {:?}",
            parse_list(broken)
        );
    }
    let e = parse_list("[1]").unwrap_err();
    assert!(e.to_string().contains("found a list"), "{e}");
}
