//! Two-step sign-in (issue 13, item 4): a staff member sets it up with their password, turns it
//! on with the first code from their app, and from then on signs in with a code, each code once;
//! turning it off takes the password again.

use crate::app::TestApp;
use refdesk_server::totp::code_at;
use serde_json::{Value, json};

async fn sign_in(app: &TestApp, code: Option<&str>) -> (u16, Value) {
    let mut body = json!({"email": "rita@riverside.example",
                          "password": refdesk_server::demo::DEMO_PASSWORD});
    if let Some(c) = code {
        body["totp_code"] = json!(c);
    }
    let resp = app
        .http
        .post(format!("{}/api/auth/login", app.url))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_code_is_asked_for_at_every_sign_in_once_two_step_sign_in_is_on() {
    let app = TestApp::spawn().await;
    let rita = app.login("rita@riverside").await;
    let now = || u64::try_from(app.clock_now().unix_timestamp()).unwrap();
    let demo = refdesk_server::demo::DEMO_PASSWORD;
    let (status, off) = app.get("/api/auth/totp", Some(&rita.cookie), None).await;
    assert_eq!(
        (status, off),
        (200, json!({"enabled": false, "setting_up": false}))
    );

    let (status, body) = app
        .post(
            "/api/auth/totp/setup",
            Some(&rita.cookie),
            json!({"current_password": "not mine"}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (403, &json!("wrong_password"))
    );
    let (status, body) = app
        .post(
            "/api/auth/totp/enable",
            Some(&rita.cookie),
            json!({"code": "123456"}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("not_setting_up"))
    );
    let (status, enrolment) = app
        .post(
            "/api/auth/totp/setup",
            Some(&rita.cookie),
            json!({"current_password": demo}),
        )
        .await;
    assert_eq!(status, 200, "{enrolment}");
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    assert!(enrolment["qr_svg"].as_str().unwrap().contains("<svg"));
    assert!(
        enrolment["otpauth_url"]
            .as_str()
            .unwrap()
            .contains(&format!("secret={secret}"))
    );
    // Still off until the first code is confirmed.
    assert_eq!(sign_in(&app, None).await.0, 200);
    let wrong = code_at(&secret, now() + 3600).unwrap();
    let (status, body) = app
        .post(
            "/api/auth/totp/enable",
            Some(&rita.cookie),
            json!({"code": wrong}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("invalid_totp"))
    );
    let first = code_at(&secret, now()).unwrap();
    let (status, on) = app
        .post(
            "/api/auth/totp/enable",
            Some(&rita.cookie),
            json!({"code": first}),
        )
        .await;
    assert_eq!(
        (status, on),
        (200, json!({"enabled": true, "setting_up": false}))
    );

    let (status, body) = sign_in(&app, None).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (401, &json!("totp_required"))
    );
    let (status, body) = sign_in(&app, Some(&wrong)).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (401, &json!("invalid_totp"))
    );
    let (status, body) = sign_in(&app, Some(&first)).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (401, &json!("invalid_totp")),
        "used once already"
    );
    app.clock.advance(time::Duration::seconds(30));
    let next = code_at(&secret, now()).unwrap();
    assert_eq!(sign_in(&app, Some(&next)).await.0, 200);
    assert_eq!(sign_in(&app, Some(&next)).await.0, 401, "each code once");

    let (status, body) = app
        .post(
            "/api/auth/totp/disable",
            Some(&rita.cookie),
            json!({"current_password": "not mine"}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (403, &json!("wrong_password"))
    );
    let (status, off) = app
        .post(
            "/api/auth/totp/disable",
            Some(&rita.cookie),
            json!({"current_password": demo}),
        )
        .await;
    assert_eq!(
        (status, off),
        (200, json!({"enabled": false, "setting_up": false}))
    );
    assert_eq!(sign_in(&app, None).await.0, 200);
}
