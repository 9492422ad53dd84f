//! Files in chats (issue 11, item 5): the library's size and type limits, types read from the
//! content, markup refused; a file reachable only by those who see its chat (its id or its
//! hash alone get nothing); served with nosniff, a sandboxing CSP and as a download unless it
//! is a raster image; a refused file is never kept.

use crate::app::TestApp;
use serde_json::json;

pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

/// Sends `bytes` as `name` in `chat` as a patron (`token`) or staff (`cookie`).
pub async fn send(
    app: &TestApp,
    chat: &str,
    name: &str,
    bytes: Vec<u8>,
    token: Option<&str>,
    cookie: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut req = app
        .http
        .post(format!(
            "{}/api/chats/{chat}/attachments?name={}",
            app.url,
            encode(name)
        ))
        .body(bytes);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

/// `s` percent-encoded for a query string.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn stored_files(app: &TestApp) -> usize {
    let dir = app.state.settings().data_dir.join("attachments");
    walk(&dir)
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| {
                let p = e.unwrap().path();
                if p.is_dir() { walk(&p) } else { 1 }
            })
            .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn files_are_checked_by_content_and_limited_by_the_library() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let rita = app.login("rita@riverside").await;
    let (chat, token) = app.start_chat("Here is a photo of the page").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);

    // Refused: markup and executables whatever their names, empty files; nothing is kept.
    for (name, bytes, code) in [
        (
            "map.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec(),
            "file_type_not_allowed",
        ),
        (
            "page.png",
            b"<!DOCTYPE html><script>alert(1)</script>".to_vec(),
            "file_type_not_allowed",
        ),
        (
            "tool.pdf",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0".to_vec(),
            "file_type_not_allowed",
        ),
        ("empty.txt", vec![], "invalid_body"),
    ] {
        let (status, body) = send(&app, &chat, name, bytes, Some(&token), None).await;
        assert_eq!(body["error"]["code"], code, "{name}: {status} {body}");
    }
    assert_eq!(stored_files(&app), 0, "a refused file is never kept");

    // The patron sends an image; the librarian a PDF.
    let (status, png) = send(
        &app,
        &chat,
        "../../etc/page 12.png",
        PNG.to_vec(),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 201, "{png}");
    assert_eq!(
        (png["name"].as_str(), png["content_type"].as_str()),
        (Some("page 12.png"), Some("image/png"))
    );
    let (status, pdf) = send(
        &app,
        &chat,
        "guide.pdf",
        b"%PDF-1.7\n1 0 obj\n".to_vec(),
        None,
        Some(&alice.cookie),
    )
    .await;
    assert_eq!(status, 201, "{pdf}");
    assert_eq!(stored_files(&app), 2);
    // Both are messages of the chat.
    let (_, hist) = app
        .get(&format!("/api/chats/{chat}/messages"), None, Some(&token))
        .await;
    let bodies = hist.to_string();
    assert!(
        bodies.contains("\\u0001file:") && bodies.contains("guide.pdf"),
        "{hist}"
    );

    // Rita lowers the limit to 1 KB and allows images only.
    let riverside = crate::faqs::institution_of(&app, "riverside").await;
    let policy = format!("/api/institutions/{riverside}/policy");
    let (_, mut p) = app.get(&policy, Some(&rita.cookie), None).await;
    p["attachment_max_kb"] = json!(1);
    p["attachment_kinds"] = json!(["image"]);
    let (status, _) = app.put(&policy, Some(&rita.cookie), p.clone()).await;
    assert_eq!(status, 200);
    let (_, body) = send(
        &app,
        &chat,
        "guide.pdf",
        b"%PDF-1.7\n".to_vec(),
        None,
        Some(&alice.cookie),
    )
    .await;
    assert_eq!(body["error"]["code"], "file_type_not_allowed");
    let mut big = PNG.to_vec();
    big.resize(2048, 0);
    let (status, body) = send(&app, &chat, "big.png", big, Some(&token), None).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (413, &json!("file_too_large"))
    );
    p["attachment_max_kb"] = json!(0);
    app.put(&policy, Some(&rita.cookie), p.clone()).await;
    assert_eq!(
        send(&app, &chat, "x.png", PNG.to_vec(), Some(&token), None)
            .await
            .1["error"]["code"],
        "files_off"
    );
    p["attachment_max_kb"] = json!(999_999);
    assert_eq!(app.put(&policy, Some(&rita.cookie), p).await.0, 400);
    assert_eq!(stored_files(&app), 2);
}

#[tokio::test]
async fn a_file_is_served_only_to_those_who_see_its_chat() {
    let app = TestApp::spawn().await;
    let alice = app.login("alice@riverside").await;
    let carol = app.login("carol@hillcrest").await;
    let (chat, token) = app.start_chat("Photo").await;
    let (_, other) = app.start_chat("Someone else").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    let mut poly = PNG.to_vec();
    poly.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let (_, png) = send(
        &app,
        &chat,
        "<img src=x onerror=alert(1)>.png",
        poly.clone(),
        Some(&token),
        None,
    )
    .await;
    let (_, pdf) = send(
        &app,
        &chat,
        "guide.pdf",
        b"%PDF-1.7\n".to_vec(),
        None,
        Some(&alice.cookie),
    )
    .await;
    let get = |url: String, token: Option<String>, cookie: Option<String>| {
        let mut req = app.http.get(format!("{}{url}", app.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        async move { req.send().await.unwrap() }
    };
    let png_url = png["url"].as_str().unwrap().to_owned();
    // The patron and the librarian read it; it is the polyglot's bytes, as an image.
    let r = get(png_url.clone(), Some(token.clone()), None).await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(
        cd.starts_with("inline; filename=\"<img src=x onerror=alert(1)>.png\""),
        "{cd}"
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), poly);
    let r = get(
        pdf["url"].as_str().unwrap().to_owned(),
        None,
        Some(alice.cookie.clone()),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;"),
        "a PDF is a download"
    );
    // Nobody else: another patron, a librarian of another library, no one at all, a guessed id.
    for (token, cookie) in [
        (Some(other.clone()), None),
        (None, Some(carol.cookie.clone())),
        (None, None),
    ] {
        let status = get(png_url.clone(), token, cookie).await.status().as_u16();
        assert!(status == 404 || status == 401, "{status}");
    }
    let guessed = format!("/api/attachments/{}", uuid::Uuid::now_v7());
    assert_eq!(get(guessed, Some(token.clone()), None).await.status(), 404);
    // The hash is no address: nothing is served under it.
    let stored = app
        .state
        .store()
        .attachment(png["id"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap();
    for path in [
        format!("/api/attachments/{}", stored.sha256),
        format!("/attachments/{}", stored.sha256),
    ] {
        assert_ne!(
            get(path, Some(token.clone()), Some(alice.cookie.clone()))
                .await
                .status(),
            200
        );
    }
    // Another patron cannot send into the chat either, and once it ended its patron cannot.
    assert_eq!(
        send(&app, &chat, "x.png", PNG.to_vec(), Some(&other), None)
            .await
            .0,
        404
    );
    assert_eq!(
        send(
            &app,
            &chat,
            "x.png",
            PNG.to_vec(),
            None,
            Some(&carol.cookie)
        )
        .await
        .0,
        404
    );
    let end = app
        .http
        .post(format!("{}/api/chats/{chat}/end", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(end.status(), 200);
    assert_eq!(
        send(&app, &chat, "x.png", PNG.to_vec(), Some(&token), None)
            .await
            .1["error"]["code"],
        "chat_ended"
    );
    // After the chat, its patron still reads the file (their transcript).
    assert_eq!(get(png_url, Some(token), None).await.status(), 200);
}

#[tokio::test]
async fn a_patrons_files_count_against_their_address() {
    // Three chat starts a minute from one address: the chat is one, two files the rest.
    let app = TestApp::spawn_with(|s| s.chat_starts_per_address_per_minute = 3).await;
    let alice = app.login("alice@riverside").await;
    let (chat, token) = app.start_chat("Files").await;
    assert_eq!(app.claim(&alice, &chat).await.0, 200);
    for _ in 0..2 {
        assert_eq!(
            send(&app, &chat, "p.png", PNG.to_vec(), Some(&token), None)
                .await
                .0,
            201
        );
    }
    let (status, body) = send(&app, &chat, "p.png", PNG.to_vec(), Some(&token), None).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (429, &json!("rate_limited")),
        "{body}"
    );
    // The librarian's files do not count.
    let (status, _) = send(
        &app,
        &chat,
        "q.png",
        PNG.to_vec(),
        None,
        Some(&alice.cookie),
    )
    .await;
    assert_eq!(status, 201);
}
