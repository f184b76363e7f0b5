use std::collections::HashMap;

use super::*;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |k: &str| map.get(k).cloned()
}

fn resolve_env(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    resolve_with(
        &Overrides::default(),
        &env_of(pairs),
        &ConfigFile::default(),
        Vec::new(),
    )
}

const BASE: [(&str, &str); 3] = [
    ("HW_REGION_NAME", "ap-southeast-1"),
    ("HW_PROJECT_ID", "p1"),
    ("HW_AUTH_TOKEN", "t"),
];

#[test]
fn region_implies_endpoint_and_iam() {
    let s = resolve_env(&[
        ("HW_REGION_NAME", "ap-southeast-1"),
        ("HW_PROJECT_ID", "p1"),
        ("HW_USER_NAME", "u"),
        ("HW_USER_PASSWORD", "pw"),
        ("HW_DOMAIN_NAME", "d"),
    ])
    .unwrap();
    assert_eq!(s.endpoint, "https://vbs.ap-southeast-1.myhuaweicloud.com");
    match s.auth {
        Auth::Password(p) => assert_eq!(
            p.auth_url,
            "https://iam.ap-southeast-1.myhuaweicloud.com/v3"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        endpoint_for_region("eu-de"),
        "https://vbs.eu-de.otc.t-systems.com"
    );
    assert_eq!(
        auth_url_for_region("eu-de"),
        "https://iam.eu-de.otc.t-systems.com/v3"
    );
}

#[test]
fn each_variable_and_its_fallback() {
    type Getter = fn(&Settings) -> String;
    let cases: [(&str, &str, Getter); 4] = [
        ("HW_REGION_NAME", "OS_REGION_NAME", |s| {
            s.region.clone().unwrap_or_default()
        }),
        ("HW_PROJECT_ID", "OS_PROJECT_ID", |s| s.project_id.clone()),
        ("HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID", |s| {
            s.project_id.clone()
        }),
        ("HW_AUTH_TOKEN", "OS_AUTH_TOKEN", |s| match &s.auth {
            Auth::Token(t) => t.expose().to_owned(),
            _ => String::new(),
        }),
    ];
    for (primary, fallback, get) in cases {
        let mut env: Vec<(&str, &str)> = BASE
            .iter()
            .filter(|(k, _)| *k != primary)
            .copied()
            .collect();
        env.push((fallback, "from-fallback"));
        assert_eq!(
            get(&resolve_env(&env).unwrap()),
            "from-fallback",
            "{fallback}"
        );
        env.push((primary, "from-primary"));
        assert_eq!(
            get(&resolve_env(&env).unwrap()),
            "from-primary",
            "{primary} wins"
        );
    }
}

#[test]
fn aksk_from_each_naming() {
    for (ak, sk, st) in [
        ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN"),
        ("OS_ACCESS_KEY", "OS_SECRET_KEY", "OS_SECURITY_TOKEN"),
        (
            "HUAWEICLOUD_SDK_AK",
            "HUAWEICLOUD_SDK_SK",
            "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        ),
    ] {
        let s = resolve_env(&[
            ("HW_REGION_NAME", "r"),
            ("HW_PROJECT_ID", "p"),
            (ak, "AK1"),
            (sk, "SK1"),
            (st, "ST1"),
        ])
        .unwrap();
        match s.auth {
            Auth::AkSk(c) => {
                assert_eq!(
                    (c.access_key.as_str(), c.secret_key.as_str()),
                    ("AK1", "SK1")
                );
                assert_eq!(c.security_token.as_deref(), Some("ST1"));
            }
            other => panic!("{ak}: {other:?}"),
        }
    }
}

#[test]
fn password_names_and_domain_fallbacks() {
    for domain_var in ["HW_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_USER_DOMAIN_NAME"] {
        let s = resolve_env(&[
            ("OS_REGION_NAME", "r"),
            ("OS_PROJECT_ID", "p"),
            ("OS_USERNAME", "u"),
            ("OS_PASSWORD", "pw"),
            (domain_var, "dom"),
            ("OS_AUTH_URL", "https://iam.example.com/v3"),
        ])
        .unwrap();
        match s.auth {
            Auth::Password(p) => {
                assert_eq!((p.user.as_str(), p.domain.as_str()), ("u", "dom"));
                assert_eq!(p.auth_url, "https://iam.example.com/v3");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn token_beats_aksk_beats_password() {
    let all = [
        ("HW_REGION_NAME", "r"),
        ("HW_PROJECT_ID", "p"),
        ("HW_AUTH_TOKEN", "tok"),
        ("HW_ACCESS_KEY", "ak"),
        ("HW_SECRET_KEY", "sk"),
        ("HW_USER_NAME", "u"),
        ("HW_USER_PASSWORD", "pw"),
        ("HW_DOMAIN_NAME", "d"),
    ];
    assert_eq!(resolve_env(&all).unwrap().auth.scheme(), "token");
    assert_eq!(
        resolve_env(
            &all[..2]
                .iter()
                .chain(&all[3..])
                .copied()
                .collect::<Vec<_>>()
        )
        .unwrap()
        .auth
        .scheme(),
        "aksk"
    );
    assert_eq!(
        resolve_env(
            &all[..2]
                .iter()
                .chain(&all[5..])
                .copied()
                .collect::<Vec<_>>()
        )
        .unwrap()
        .auth
        .scheme(),
        "password"
    );
}

#[test]
fn missing_pieces_name_the_variables() {
    let e = resolve_env(&[("HW_REGION_NAME", "r"), ("HW_AUTH_TOKEN", "t")]).unwrap_err();
    assert!(e.to_string().contains("HW_PROJECT_ID"), "{e}");
    let e = resolve_env(&[("HW_REGION_NAME", "r"), ("HW_PROJECT_ID", "p")]).unwrap_err();
    assert!(
        e.to_string().contains("HW_ACCESS_KEY") && e.to_string().contains("HW_AUTH_TOKEN"),
        "{e}"
    );
    let e = resolve_env(&[("HW_PROJECT_ID", "p"), ("HW_AUTH_TOKEN", "t")]).unwrap_err();
    assert!(e.to_string().contains("--region"), "{e}");
    let e = resolve_env(&[
        ("HW_REGION_NAME", "r"),
        ("HW_PROJECT_ID", "p"),
        ("HW_ACCESS_KEY", "a"),
    ])
    .unwrap_err();
    assert!(e.to_string().contains("HW_SECRET_KEY"), "{e}");
    let e = resolve_env(&[
        ("HW_REGION_NAME", "r"),
        ("HW_PROJECT_ID", "p"),
        ("HW_USER_NAME", "u"),
    ])
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("HW_USER_PASSWORD and HW_DOMAIN_NAME"),
        "{e}"
    );
}

#[test]
fn flags_beat_env_beat_file() {
    let file = parse_config(
        r#"
default_profile = "prod"
[profiles.prod]
region = "eu-de"
project_id = "file-project"
access_key = "FILEAK"
secret_key = "file-sk"
read_only = true
timeout_secs = 5
"#,
        Path::new("c.toml"),
    )
    .unwrap();
    let none = env_of(&[]);
    let s = resolve_with(&Overrides::default(), &none, &file, Vec::new()).unwrap();
    assert_eq!(s.profile.as_deref(), Some("prod"));
    assert_eq!(s.endpoint, "https://vbs.eu-de.otc.t-systems.com");
    assert_eq!(s.project_id, "file-project");
    assert!(s.read_only);
    assert_eq!(s.timeout, Duration::from_secs(5));
    let env = env_of(&[
        ("HW_PROJECT_ID", "env-project"),
        ("HW_REGION_NAME", "cn-north-4"),
    ]);
    let s = resolve_with(&Overrides::default(), &env, &file, Vec::new()).unwrap();
    assert_eq!(s.project_id, "env-project");
    assert_eq!(s.endpoint, "https://vbs.cn-north-4.myhuaweicloud.com");
    let flags = Overrides {
        project_id: Some("flag-project".into()),
        endpoint: Some("http://127.0.0.1:9".into()),
        ..Overrides::default()
    };
    let s = resolve_with(&flags, &env, &file, Vec::new()).unwrap();
    assert_eq!(
        (s.project_id.as_str(), s.endpoint.as_str()),
        ("flag-project", "http://127.0.0.1:9")
    );
    let e = resolve_with(
        &Overrides {
            profile: Some("nope".into()),
            ..Overrides::default()
        },
        &none,
        &file,
        Vec::new(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "profile \"nope\" is not in the config file (known: prod)"
    );
}

#[test]
fn malformed_file_names_file_and_line() {
    let e = parse_config(
        "[profiles.a]\nregion = \"x\"\nbogus = = 1\n",
        Path::new("/tmp/c.toml"),
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("config file /tmp/c.toml: line 3:"),
        "{text}"
    );
    let e = parse_config("[profiles.a]\nregoin = \"x\"\n", Path::new("c.toml")).unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("config file c.toml: line ") && text.contains("regoin"),
        "{text}"
    );
}

#[test]
fn example_config_parses_and_documents_every_key() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/config.example.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let file = parse_config(&text, Path::new(path)).unwrap();
    assert!(!file.profiles.is_empty());
    for key in [
        "region",
        "endpoint",
        "project_id",
        "auth_url",
        "auth_token",
        "access_key",
        "secret_key",
        "security_token",
        "user",
        "password",
        "domain",
        "insecure",
        "ca_cert",
        "timeout_secs",
        "read_only",
        "default_profile",
    ] {
        assert!(text.contains(&format!("{key} =")), "example lacks {key}");
    }
}

#[test]
fn missing_default_file_is_defaults_but_explicit_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.toml");
    assert!(load_config(&missing, false).unwrap().0.profiles.is_empty());
    let e = load_config(&missing, true).unwrap_err();
    assert!(e.to_string().contains("none.toml"), "{e}");
}

#[cfg(unix)]
#[test]
fn loose_permissions_on_secrets_warn_with_chmod() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[profiles.a]\nsecret_key = \"s\"\naccess_key = \"a\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, warnings) = load_config(&path, true).unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains(&format!("chmod 600 {}", path.display())));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(load_config(&path, true).unwrap().1.is_empty());
}

#[test]
fn secrets_do_not_show_in_debug() {
    let s = resolve_env(&[
        ("HW_REGION_NAME", "r"),
        ("HW_PROJECT_ID", "p"),
        ("HW_ACCESS_KEY", "AKVISIBLE"),
        ("HW_SECRET_KEY", "SK-HIDDEN-123"),
    ])
    .unwrap();
    let dbg = format!("{s:?}");
    assert!(
        dbg.contains("AKVISIBLE") && !dbg.contains("SK-HIDDEN-123"),
        "{dbg}"
    );
    let file = parse_config("[profiles.a]\npassword = \"pw-HIDDEN\"\n", Path::new("c")).unwrap();
    assert!(!format!("{file:?}").contains("pw-HIDDEN"));
}

#[test]
fn bad_values_are_rejected() {
    let flags = Overrides {
        endpoint: Some("ftp://x".into()),
        ..Overrides::default()
    };
    let e = resolve_with(&flags, &env_of(&BASE), &ConfigFile::default(), Vec::new()).unwrap_err();
    assert!(e.to_string().contains("http://"), "{e}");
    let flags = Overrides {
        timeout_secs: Some(-1.0),
        ..Overrides::default()
    };
    assert!(resolve_with(&flags, &env_of(&BASE), &ConfigFile::default(), Vec::new()).is_err());
}

#[test]
fn retries_flow_from_the_flag_to_the_client() {
    let none = resolve_with(
        &Overrides::default(),
        &env_of(&BASE),
        &ConfigFile::default(),
        Vec::new(),
    )
    .unwrap();
    assert_eq!(none.client_config().unwrap().max_retries, 3);
    let flags = Overrides {
        retries: Some(0),
        ..Overrides::default()
    };
    let s = resolve_with(&flags, &env_of(&BASE), &ConfigFile::default(), Vec::new()).unwrap();
    assert_eq!(s.client_config().unwrap().max_retries, 0);
}
