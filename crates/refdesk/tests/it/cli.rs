//! The command line as a system admin uses it: admin commands, migrate, config layering.

use crate::child::Node;
use std::process::Command;

fn refdesk(args: &[&str], dir: &std::path::Path, env: &[(&str, &str)]) -> (bool, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_refdesk"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn admin_commands_set_up_a_library_that_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = refdesk(&["migrate"], dir.path(), &[]);
    assert!(ok, "{err}");
    assert!(out.contains("database is up to date"));
    let (ok, _, err) = refdesk(
        &[
            "admin",
            "create-institution",
            "--name",
            "Oak Park Library",
            "--slug",
            "oakpark",
        ],
        dir.path(),
        &[],
    );
    assert!(ok, "{err}");
    let (ok, out, err) = refdesk(
        &[
            "admin",
            "create-department",
            "--institution",
            "oakpark",
            "--name",
            "Reference",
            "--allowed-origin",
            "https://oakpark.example",
        ],
        dir.path(),
        &[],
    );
    assert!(ok, "{err}");
    assert!(out.contains("data-widget="), "{out}");
    let (ok, _, _) = refdesk(
        &[
            "admin",
            "create-department",
            "--institution",
            "oakpark",
            "--name",
            "X",
            "--allowed-origin",
            "oakpark.example/path",
        ],
        dir.path(),
        &[],
    );
    assert!(!ok, "a malformed origin is refused");
    let env = [("REFDESK_PASSWORD", "a-long-enough-password")];
    let (ok, out, err) = refdesk(
        &[
            "admin",
            "create-operator",
            "--institution",
            "oakpark",
            "--email",
            "Ann@OakPark.example",
            "--name",
            "Ann",
        ],
        dir.path(),
        &env,
    );
    assert!(ok, "{err}");
    assert!(!out.contains("a-long-enough-password"));
    let (ok, _, _) = refdesk(
        &[
            "admin",
            "create-operator",
            "--institution",
            "oakpark",
            "--email",
            "ann@oakpark.example",
            "--name",
            "Ann",
        ],
        dir.path(),
        &env,
    );
    assert!(!ok, "the email is taken");

    // A co-op with Oak Park in it, its hours, and Ann allowed to monitor it.
    let run = |args: &[&str]| refdesk(args, dir.path(), &[]);
    let (ok, out, err) = run(&["admin", "create-coop", "--name", "Prairie Co-op"]);
    assert!(ok, "{err}");
    assert!(out.contains("co-op Prairie Co-op created"), "{out}");
    let coop = ["--coop", "Prairie Co-op"];
    let (ok, _, err) = run(&[
        &["admin", "grant-coop-monitoring"][..],
        &coop,
        &["--email", "ann@oakpark.example"],
    ]
    .concat());
    assert!(!ok, "not a member yet");
    assert!(err.contains("not a member"), "{err}");
    let (ok, _, err) = run(&[
        &["admin", "add-coop-member"][..],
        &coop,
        &["--institution", "oakpark"],
    ]
    .concat());
    assert!(ok, "{err}");
    let (ok, _, err) = run(&[
        &["admin", "grant-coop-monitoring"][..],
        &coop,
        &["--email", "ann@oakpark.example"],
    ]
    .concat());
    assert!(ok, "{err}");
    let (ok, _, err) = run(&[
        &["admin", "set-coop-hours"][..],
        &coop,
        &[
            "--institution",
            "oakpark",
            "--open",
            "mon 09:00-17:00",
            "--closed",
            "2026-12-25",
        ],
    ]
    .concat());
    assert!(ok, "{err}");
    let (ok, _, _) = run(&[
        &["admin", "set-coop-hours"][..],
        &coop,
        &["--institution", "oakpark", "--open", "mon 17:00-09:00"],
    ]
    .concat());
    assert!(!ok, "bad hours are refused");
    let (ok, out, _) = run(&["admin", "list-coops"]);
    assert!(
        ok && out.contains("Prairie Co-op") && out.contains("oakpark"),
        "{out}"
    );
    let (ok, _, err) = run(&[
        "admin",
        "set-role",
        "--email",
        "ann@oakpark.example",
        "--role",
        "institution_admin",
    ]);
    assert!(ok, "{err}");
    let (ok, out, _) = run(&["admin", "list-staff", "--institution", "oakpark"]);
    assert!(
        out.contains("ann@oakpark.example\tinstitution_admin\tAnn"),
        "{ok} {out}"
    );
    // A routing step to the co-op; while it routes there, Oak Park cannot leave.
    let leave = [
        &["admin", "remove-coop-member"][..],
        &coop,
        &["--institution", "oakpark"],
    ]
    .concat();
    let (ok, out, _) = run(&["admin", "list-widgets", "--institution", "oakpark"]);
    assert!(ok, "{out}");
    let widget = out.split('\t').next().unwrap().to_owned();
    let (ok, _, err) = run(&[
        "admin",
        "set-routing",
        "--widget",
        &widget,
        "--step",
        "coop:Prairie Co-op:30",
    ]);
    assert!(ok, "{err}");
    let (ok, out, _) = run(&["admin", "list-widgets", "--institution", "oakpark"]);
    assert!(out.contains("\"after_seconds\":30"), "{ok} {out}");
    let (ok, _, err) = run(&leave);
    assert!(!ok && err.contains("routes chats to this co-op"), "{err}");
    let (ok, _, err) = run(&["admin", "set-routing", "--widget", &widget]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&[
        "admin",
        "set-time-zone",
        "--institution",
        "oakpark",
        "--zone",
        "America/Chicago",
    ]);
    assert!(ok, "{err}");
    let (ok, _, _) = run(&[
        "admin",
        "set-time-zone",
        "--institution",
        "oakpark",
        "--zone",
        "Mars/Base",
    ]);
    assert!(!ok, "an unknown zone is refused");
    let (ok, _, err) = run(&[
        "admin",
        "delete-department",
        "--institution",
        "oakpark",
        "--name",
        "Reference",
    ]);
    assert!(
        !ok && err.contains("in_use"),
        "the chat box lands there: {err}"
    );
    let (ok, _, err) = run(&[
        "admin",
        "set-widget-enabled",
        "--widget",
        &widget,
        "--enabled",
        "false",
    ]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&leave);
    assert!(ok, "{err}");

    let node = Node::start("serve", dir.path(), &[]);
    let resp = reqwest::Client::new()
        .post(format!("{}/api/auth/login", node.url))
        .json(&serde_json::json!({"email": "ann@oakpark.example", "password": "a-long-enough-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[test]
fn a_bad_config_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("refdesk.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:0\"\nsesion_hours = 3\n").unwrap();
    let (ok, _, err) = refdesk(
        &["migrate", "--config", cfg.to_str().unwrap()],
        dir.path(),
        &[],
    );
    assert!(!ok);
    assert!(err.contains("sesion_hours"), "{err}");
    let (ok, _, err) = refdesk(
        &["migrate"],
        dir.path(),
        &[("REFDESK_DATABASE_URL", "mysql://x")],
    );
    assert!(!ok);
    assert!(err.contains("unsupported database URL"), "{err}");
}
