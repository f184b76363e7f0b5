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

const P1: &str = "0123456789abcdef0123456789abcdef";

const BASE: [(&str, &str); 3] = [
    ("HW_REGION_NAME", "ap-southeast-1"),
    ("HW_PROJECT_ID", P1),
    ("HW_AUTH_TOKEN", "t"),
];

#[test]
fn region_implies_endpoint_and_iam() {
    let s = resolve_env(&[
        ("HW_REGION_NAME", "ap-southeast-1"),
        ("HW_PROJECT_ID", P1),
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
    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    let cases: [(&str, &str, &str, &str, Getter); 4] = [
        (
            "HW_REGION_NAME",
            "OS_REGION_NAME",
            "from-fallback",
            "from-primary",
            |s| s.region.clone().unwrap_or_default(),
        ),
        ("HW_PROJECT_ID", "OS_PROJECT_ID", A, B, |s| {
            s.project_id.clone()
        }),
        ("HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID", A, B, |s| {
            s.project_id.clone()
        }),
        (
            "HW_AUTH_TOKEN",
            "OS_AUTH_TOKEN",
            "from-fallback",
            "from-primary",
            |s| match &s.auth {
                Auth::Token(t) => t.expose().to_owned(),
                _ => String::new(),
            },
        ),
    ];
    for (primary, fallback, from_fallback, from_primary, get) in cases {
        let mut env: Vec<(&str, &str)> = BASE
            .iter()
            .filter(|(k, _)| *k != primary)
            .copied()
            .collect();
        env.push((fallback, from_fallback));
        assert_eq!(
            get(&resolve_env(&env).unwrap()),
            from_fallback,
            "{fallback}"
        );
        env.push((primary, from_primary));
        assert_eq!(
            get(&resolve_env(&env).unwrap()),
            from_primary,
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
            ("HW_PROJECT_ID", P1),
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
            ("OS_PROJECT_ID", P1),
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
        ("HW_PROJECT_ID", P1),
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
    let e = resolve_env(&[("HW_REGION_NAME", "r"), ("HW_PROJECT_ID", P1)]).unwrap_err();
    assert!(
        e.to_string().contains("HW_ACCESS_KEY") && e.to_string().contains("HW_AUTH_TOKEN"),
        "{e}"
    );
    let e = resolve_env(&[("HW_PROJECT_ID", P1), ("HW_AUTH_TOKEN", "t")]).unwrap_err();
    assert!(e.to_string().contains("--region"), "{e}");
    let e = resolve_env(&[
        ("HW_REGION_NAME", "r"),
        ("HW_PROJECT_ID", P1),
        ("HW_ACCESS_KEY", "a"),
    ])
    .unwrap_err();
    assert!(e.to_string().contains("HW_SECRET_KEY"), "{e}");
    let e = resolve_env(&[
        ("HW_REGION_NAME", "r"),
        ("HW_PROJECT_ID", P1),
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
project_id = "f11e0000000000000000000000000000"
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
    assert_eq!(s.project_id, "f11e0000000000000000000000000000");
    assert!(s.read_only);
    assert_eq!(s.timeout, Duration::from_secs(5));
    let env = env_of(&[
        ("HW_PROJECT_ID", "e0000000000000000000000000000000"),
        ("HW_REGION_NAME", "cn-north-4"),
    ]);
    let s = resolve_with(&Overrides::default(), &env, &file, Vec::new()).unwrap();
    assert_eq!(s.project_id, "e0000000000000000000000000000000");
    assert_eq!(s.endpoint, "https://vbs.cn-north-4.myhuaweicloud.com");
    let flags = Overrides {
        project_id: Some("f1a90000000000000000000000000000".into()),
        endpoint: Some("http://127.0.0.1:9".into()),
        ..Overrides::default()
    };
    let s = resolve_with(&flags, &env, &file, Vec::new()).unwrap();
    assert_eq!(
        (s.project_id.as_str(), s.endpoint.as_str()),
        ("f1a90000000000000000000000000000", "http://127.0.0.1:9")
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
    assert_eq!(file.default_profile.as_deref(), Some("otc"));
    assert!(
        file.project_names
            .keys()
            .all(|id| crate::api::ids::is_project_id(id)),
        "{:?}",
        file.project_names
    );
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
        "proxy",
        "no_proxy",
        "service",
        "cbr_endpoint",
        "concurrency",
        "default_profile",
        "[project_names]",
    ] {
        assert!(
            text.contains(&format!("{key} =")) || (key.starts_with('[') && text.contains(key)),
            "example lacks {key}"
        );
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
        ("HW_PROJECT_ID", P1),
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

fn file_of(text: &str) -> ConfigFile {
    parse_config(text, Path::new("/home/u/.config/vbshare/config.toml")).unwrap()
}

const TWO_PROFILES: &str = r#"
default_profile = "prod"
[profiles.prod]
region = "eu-de"
endpoint = "https://vbs.eu-de.example.internal"
project_id = "0123456789abcdef0123456789abcdef"
access_key = "AKPROFILEAKPROFILE01"
secret_key = "profile-secret"
[profiles.half]
region = "eu-nl"
project_id = "0123456789abcdef0123456789abcdef"
secret_key = "only-a-secret"
"#;

#[test]
fn an_explicit_region_derives_its_own_endpoint_and_iam() {
    let file = file_of(TWO_PROFILES);
    let flags = Overrides {
        region: Some("ap-southeast-1".into()),
        profile: Some("prod".into()),
        ..Overrides::default()
    };
    let env = env_of(&[
        ("HW_USER_NAME", "u"),
        ("HW_USER_PASSWORD", "pw"),
        ("HW_DOMAIN_NAME", "d"),
    ]);
    let s = resolve_with(&flags, &env, &file, Vec::new()).unwrap();
    // Before: the profile's endpoint won over --region while IAM followed the flag.
    assert_eq!(s.endpoint, "https://vbs.ap-southeast-1.myhuaweicloud.com");
    assert_eq!(
        s.origin("endpoint"),
        Some(&Origin::Derived(
            "derived from region ap-southeast-1".into()
        ))
    );
    // --endpoint with --region: the endpoint is the flag's.
    let flags = Overrides {
        endpoint: Some("http://127.0.0.1:9".into()),
        ..flags
    };
    let s = resolve_with(&flags, &env, &file, Vec::new()).unwrap();
    assert_eq!(s.endpoint, "http://127.0.0.1:9");
    assert_eq!(s.region.as_deref(), Some("ap-southeast-1"));
}

#[test]
fn a_password_unit_takes_its_iam_url_from_the_same_region() {
    let env = env_of(&[
        ("HW_REGION_NAME", "eu-ch2"),
        ("HW_PROJECT_ID", P1),
        ("HW_USER_NAME", "u"),
        ("HW_USER_PASSWORD", "pw"),
        ("HW_DOMAIN_NAME", "d"),
    ]);
    let flags = Overrides {
        region: Some("eu-de".into()),
        ..Overrides::default()
    };
    let s = resolve_with(&flags, &env, &ConfigFile::default(), Vec::new()).unwrap();
    let Auth::Password(p) = &s.auth else { panic!() };
    assert_eq!(p.auth_url, "https://iam.eu-de.otc.t-systems.com/v3");
    assert_eq!(s.endpoint, "https://vbs.eu-de.otc.t-systems.com");
}

#[test]
fn an_explicit_profile_beats_stray_environment_variables() {
    let file = file_of(TWO_PROFILES);
    let env = env_of(&[
        ("HW_AUTH_TOKEN", "stray-token"),
        ("HW_PROJECT_ID", "ffffffffffffffffffffffffffffffff"),
        ("HW_REGION_NAME", "cn-north-4"),
    ]);
    for flags in [
        Overrides {
            profile: Some("prod".into()),
            ..Overrides::default()
        },
        Overrides::default(),
    ] {
        let explicit = flags.profile.is_some();
        let s = resolve_with(&flags, &env, &file, Vec::new()).unwrap();
        if explicit {
            assert!(matches!(&s.auth, Auth::AkSk(k) if k.access_key == "AKPROFILEAKPROFILE01"));
            assert_eq!(s.project_id, P1);
            assert_eq!(s.endpoint, "https://vbs.eu-de.example.internal");
            assert!(
                s.ignored.iter().any(|i| i.contains("env HW_AUTH_TOKEN")),
                "{:?}",
                s.ignored
            );
        } else {
            // Without --profile the environment beats the default profile, as before.
            assert!(matches!(&s.auth, Auth::Token(_)));
            assert_eq!(s.project_id, "ffffffffffffffffffffffffffffffff");
            assert_eq!(s.endpoint, "https://vbs.cn-north-4.myhuaweicloud.com");
        }
    }
    // VBSHARE_PROFILE counts as explicit too.
    let env = env_of(&[("HW_AUTH_TOKEN", "stray"), ("VBSHARE_PROFILE", "prod")]);
    let s = resolve_with(&Overrides::default(), &env, &file, Vec::new()).unwrap();
    assert!(matches!(&s.auth, Auth::AkSk(_)));
    assert_eq!(s.origin("profile"), Some(&Origin::Env("VBSHARE_PROFILE")));
}

#[test]
fn credentials_are_never_mixed_across_layers() {
    let file = file_of(TWO_PROFILES);
    // The profile holds a secret key only; the access key is in the environment.
    let env = env_of(&[("HW_ACCESS_KEY", "AKENVAKENVAKENVAKEN0")]);
    let flags = Overrides {
        profile: Some("half".into()),
        ..Overrides::default()
    };
    let e = resolve_with(&flags, &env, &file, Vec::new())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("profile half") && e.contains("no access key") && e.contains("access_key"),
        "{e}"
    );
    assert!(!e.contains("clock"), "{e}");
    // In the environment, the message names the variables.
    let e = resolve_env(&[
        ("HW_REGION_NAME", "eu-de"),
        ("HW_PROJECT_ID", P1),
        ("HW_ACCESS_KEY", "AK"),
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("HW_SECRET_KEY"), "{e}");
}

#[test]
fn a_profile_without_credentials_takes_a_whole_set_from_the_environment() {
    let file = file_of(
        r#"[profiles.bare]
region = "eu-de"
project_id = "0123456789abcdef0123456789abcdef""#,
    );
    let env = env_of(&[("OS_ACCESS_KEY", "AKENV"), ("OS_SECRET_KEY", "SKENV")]);
    let flags = Overrides {
        profile: Some("bare".into()),
        ..Overrides::default()
    };
    let s = resolve_with(&flags, &env, &file, Vec::new()).unwrap();
    assert!(matches!(&s.auth, Auth::AkSk(k) if k.access_key == "AKENV"));
    assert_eq!(s.origin("credentials"), Some(&Origin::Env("OS_ACCESS_KEY")));
}

#[test]
fn default_profile_naming_a_missing_profile_is_an_error() {
    let file = file_of("default_profile = \"prdo\"\n[profiles.prod]\nregion = \"eu-de\"\n");
    let e = resolve_with(&Overrides::default(), &env_of(&BASE), &file, Vec::new())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"prdo\"") && e.contains("default_profile") && e.contains("prod"),
        "{e}"
    );
    // Without default_profile, [profiles.default] is the default.
    let file = file_of("[profiles.default]\nproject_id = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n");
    let s = resolve_with(
        &Overrides::default(),
        &env_of(&[("HW_REGION_NAME", "eu-de"), ("HW_AUTH_TOKEN", "t")]),
        &file,
        Vec::new(),
    )
    .unwrap();
    assert_eq!(s.profile.as_deref(), Some("default"));
    assert_eq!(s.project_id, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

#[test]
fn a_bad_key_is_reported_on_its_own_line() {
    let e = parse_config(
        "[profiles.a]\nregion = \"x\"\nprojectid = \"y\"\n",
        Path::new("c.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 3:") && e.contains("projectid"), "{e}");
}

#[test]
fn the_first_run_suggests_the_demo_or_names_the_profiles() {
    let e = resolve_env(&[]).unwrap_err().to_string();
    assert!(e.contains("vbshare --demo"), "{e}");
    let file = file_of("[profiles.otc]\n[profiles.hwc]\n");
    let e = resolve_with(&Overrides::default(), &env_of(&[]), &file, Vec::new())
        .unwrap_err()
        .to_string();
    assert!(e.contains("hwc, otc") && e.contains("--profile"), "{e}");
}

#[test]
fn read_only_fails_closed() {
    for (value, read_only, warns) in [
        ("1", true, false),
        ("true", true, false),
        ("y", true, true),
        ("enabled", true, true),
        ("0", false, false),
        ("off", false, false),
        ("No", false, false),
    ] {
        let mut env: Vec<(&str, &str)> = BASE.to_vec();
        env.push(("VBSHARE_READ_ONLY", value));
        let s = resolve_env(&env).unwrap();
        assert_eq!(s.read_only, read_only, "{value}");
        assert_eq!(
            s.warnings.iter().any(|w| w.contains("VBSHARE_READ_ONLY")),
            warns,
            "{value}"
        );
    }
}

#[test]
fn swiss_and_european_regions_have_their_own_hosts() {
    let s = resolve_env(&[
        ("HW_REGION_NAME", "eu-ch2"),
        ("HW_PROJECT_ID", P1),
        ("HW_USER_NAME", "u"),
        ("HW_USER_PASSWORD", "pw"),
        ("HW_DOMAIN_NAME", "d"),
    ])
    .unwrap();
    assert_eq!(s.endpoint, "https://vbs.eu-ch2.sc.otc.t-systems.com");
    let Auth::Password(p) = &s.auth else { panic!() };
    assert_eq!(p.auth_url, "https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3");
    assert!(s.vbs_unavailable.as_deref().unwrap().contains("CBR"));
    let s = resolve_env(&[
        ("HW_REGION_NAME", "eu-west-101"),
        ("HW_PROJECT_ID", P1),
        ("HW_AUTH_TOKEN", "t"),
    ])
    .unwrap();
    assert_eq!(s.endpoint, "https://vbs.eu-west-101.myhuaweicloud.eu");
    // An explicit endpoint is the user's choice: no refusal.
    let flags = Overrides {
        endpoint: Some("https://vbs.eu-ch2.example".into()),
        ..Overrides::default()
    };
    let s = resolve_with(
        &flags,
        &env_of(&[
            ("HW_REGION_NAME", "eu-ch2"),
            ("HW_PROJECT_ID", P1),
            ("HW_AUTH_TOKEN", "t"),
        ]),
        &ConfigFile::default(),
        Vec::new(),
    )
    .unwrap();
    assert_eq!(s.vbs_unavailable, None);
}

#[test]
fn proxies_follow_curl_and_flags_override_them() {
    let proxies = |env: &[(&str, &str)], flags: Overrides, file: &ConfigFile| {
        let mut all: Vec<(&str, &str)> = BASE.to_vec();
        all.extend_from_slice(env);
        resolve_with(&flags, &env_of(&all), file, Vec::new())
            .unwrap()
            .proxies
    };
    let none = ConfigFile::default();
    let p = proxies(
        &[
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:1"),
            ("ALL_PROXY", "socks5h://all:1080"),
            ("NO_PROXY", ".corp"),
        ],
        Overrides::default(),
        &none,
    );
    assert_eq!(p.https.unwrap().to_string(), "http://lower:1");
    assert_eq!(p.http.unwrap().to_string(), "socks5h://all:1080");
    assert!(p.no_proxy.matches("vbs.corp"));
    let flag = proxies(
        &[("HTTPS_PROXY", "http://env:1")],
        Overrides {
            proxy: Some("http://flag:2".into()),
            ..Overrides::default()
        },
        &none,
    );
    assert_eq!(flag.https.unwrap().to_string(), "http://flag:2");
    let off = proxies(
        &[("HTTPS_PROXY", "http://env:1")],
        Overrides {
            no_proxy: true,
            ..Overrides::default()
        },
        &none,
    );
    assert!(!off.any());
    let file = file_of("[profiles.default]\nproxy = \"http://profile:3\"\n");
    let from_profile = proxies(
        &[("HTTPS_PROXY", "http://env:1")],
        Overrides::default(),
        &file,
    );
    assert_eq!(from_profile.https.unwrap().to_string(), "http://profile:3");
    let mut env: Vec<(&str, &str)> = BASE.to_vec();
    env.push(("HTTPS_PROXY", "ftp://x"));
    let e = resolve_env(&env).unwrap_err().to_string();
    assert!(
        e.contains("unsupported proxy scheme") && e.contains("HTTPS_PROXY"),
        "{e}"
    );
}

#[test]
fn proxy_passwords_never_reach_debug_output() {
    let mut env: Vec<(&str, &str)> = BASE.to_vec();
    env.push(("HTTPS_PROXY", "http://alice:pr0xy-secret@proxy.corp:3128"));
    let s = resolve_env(&env).unwrap();
    let debug = format!("{s:?} {:?}", s.client_config().unwrap());
    assert!(!debug.contains("pr0xy-secret"), "{debug}");
    assert!(debug.contains("alice:****@proxy.corp"), "{debug}");
}

#[test]
fn project_ids_are_normalised_and_checked() {
    let s = resolve_env(&[
        ("HW_REGION_NAME", "eu-de"),
        ("HW_PROJECT_ID", "C13F5220DC1949B0B741EA81A7CD5554"),
        ("HW_AUTH_TOKEN", "t"),
    ])
    .unwrap();
    assert_eq!(s.project_id, "c13f5220dc1949b0b741ea81a7cd5554");
    let e = resolve_env(&[
        ("HW_REGION_NAME", "eu-de"),
        ("HW_PROJECT_ID", "my-project"),
        ("HW_AUTH_TOKEN", "t"),
    ])
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("not a project ID") && e.contains("HW_PROJECT_ID"),
        "{e}"
    );
}

#[test]
fn the_service_defaults_to_cbr_where_vbs_is_gone_and_cbr_hosts_follow_the_region() {
    let s = resolve_env(&[
        ("HW_REGION_NAME", "eu-de"),
        ("HW_PROJECT_ID", P1),
        ("HW_AUTH_TOKEN", "t"),
    ])
    .unwrap();
    assert_eq!(s.service, SharingService::Cbr);
    assert_eq!(s.cbr_endpoint, "https://cbr.eu-de.otc.t-systems.com");
    let s = resolve_env(&BASE).unwrap();
    assert_eq!(s.service, SharingService::Vbs);
    assert_eq!(
        s.cbr_endpoint,
        "https://cbr.ap-southeast-1.myhuaweicloud.com"
    );
    let mut env = BASE.to_vec();
    env.push(("VBSHARE_SERVICE", "cbr"));
    assert_eq!(resolve_env(&env).unwrap().service, SharingService::Cbr);
    // An explicit endpoint without a region serves both (a local server).
    let flags = Overrides {
        endpoint: Some("http://127.0.0.1:9".into()),
        ..Overrides::default()
    };
    let s = resolve_with(
        &flags,
        &env_of(&[("HW_PROJECT_ID", P1), ("HW_AUTH_TOKEN", "t")]),
        &ConfigFile::default(),
        Vec::new(),
    )
    .unwrap();
    assert_eq!(s.cbr_endpoint, "http://127.0.0.1:9");
    // --region re-derives both endpoints, whatever the profile says.
    let file =
        file_of("[profiles.default]\ncbr_endpoint = \"https://cbr.example\"\nregion = \"eu-nl\"\n");
    let flags = Overrides {
        region: Some("eu-ch2".into()),
        ..Overrides::default()
    };
    let s = resolve_with(
        &flags,
        &env_of(&[("HW_PROJECT_ID", P1), ("HW_AUTH_TOKEN", "t")]),
        &file,
        Vec::new(),
    )
    .unwrap();
    assert_eq!(s.cbr_endpoint, "https://cbr.eu-ch2.sc.otc.t-systems.com");
}

#[test]
fn concurrency_is_bounded_and_project_names_are_read() {
    assert_eq!(resolve_env(&BASE).unwrap().concurrency, DEFAULT_CONCURRENCY);
    for (v, ok) in [
        ("1", true),
        ("8", true),
        ("0", false),
        ("9", false),
        ("many", false),
    ] {
        let mut env = BASE.to_vec();
        env.push(("VBSHARE_CONCURRENCY", v));
        assert_eq!(resolve_env(&env).is_ok(), ok, "{v}");
    }
    let file = file_of(
        "[project_names]\n0123456789abcdef0123456789abcdef = \"prod\"\nnot-an-id = \"x\"\n",
    );
    let s = resolve_with(&Overrides::default(), &env_of(&BASE), &file, Vec::new()).unwrap();
    assert_eq!(s.project_names.get(P1).map(String::as_str), Some("prod"));
    assert_eq!(s.project_names.len(), 1);
}
