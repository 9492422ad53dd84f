//! The REST API's description is snapshot-tested: any drift fails here until reviewed
//! (`cargo insta review`).

use crate::app::TestApp;

#[tokio::test]
async fn openapi_document_is_served_and_matches_the_snapshot() {
    let app = TestApp::spawn().await;
    let (status, doc) = app.get("/api/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        doc,
        serde_json::to_value(refdesk_server::router::openapi()).unwrap()
    );
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn health_answers_when_the_store_does() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/healthz", None, None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
}
