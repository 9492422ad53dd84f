//! Files in an S3-compatible bucket (Amazon S3, MinIO, Ceph, Garage, …), so several nodes
//! share them. object_store speaks S3; its requests go out through hyper with rustls on
//! `ring` (the crypto the rest of refdesk already uses, for SMTP), which keeps a second TLS
//! stack out of the build.

use crate::Settings;
use async_trait::async_trait;
use http_body_util::BodyExt;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::rt::TokioExecutor;
use object_store::RetryConfig;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::client::{
    ClientConfigKey, ClientOptions, HttpClient, HttpConnector, HttpError, HttpErrorKind,
    HttpRequest, HttpRequestBody, HttpResponse, HttpResponseBody, HttpService,
};
use std::time::Duration;

/// How long one request to the bucket may take until its response starts.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a failing request is retried (three times at most): a patron's upload waits for
/// it, so not object_store's three minutes.
const RETRY_TIMEOUT: Duration = Duration::from_secs(20);

/// The bucket the settings name. Settings left empty fall back to the standard `AWS_*`
/// environment variables (and, for credentials, the instance's or task's role).
pub fn bucket(s: &Settings) -> Result<AmazonS3, String> {
    let mut b = AmazonS3Builder::from_env()
        .with_bucket_name(&s.attachments_s3_bucket)
        .with_http_connector(Hyper)
        .with_retry(RetryConfig {
            max_retries: 3,
            retry_timeout: RETRY_TIMEOUT,
            ..RetryConfig::default()
        });
    if !s.attachments_s3_region.is_empty() {
        b = b.with_region(&s.attachments_s3_region);
    }
    if !s.attachments_s3_endpoint.is_empty() {
        b = b
            .with_endpoint(&s.attachments_s3_endpoint)
            .with_allow_http(s.attachments_s3_endpoint.starts_with("http://"));
    }
    if !s.attachments_s3_access_key_id.is_empty() {
        b = b
            .with_access_key_id(&s.attachments_s3_access_key_id)
            .with_secret_access_key(&s.attachments_s3_secret_access_key);
    }
    b.build()
        .map_err(|e| format!("attachments bucket {}: {e}", s.attachments_s3_bucket))
}

/// Makes object_store's HTTP clients: hyper over rustls (`ring`, the web PKI's roots).
#[derive(Debug)]
struct Hyper;

impl HttpConnector for Hyper {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(std::sync::Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .map_err(|e| object_store::Error::Generic {
                store: "S3",
                source: Box::new(e),
            })?
            .https_or_http()
            .enable_http1()
            .build();
        let allow_http = options
            .get_config_value(&ClientConfigKey::AllowHttp)
            .is_some_and(|v| v == "true");
        Ok(HttpClient::new(HyperService {
            client: Client::builder(TokioExecutor::new()).build(tls),
            allow_http,
        }))
    }
}

#[derive(Debug)]
struct HyperService {
    client: Client<HttpsConnector<TcpConnector>, HttpRequestBody>,
    /// Plain `http://` allowed (an endpoint on the same machine or network); otherwise only
    /// `https://`.
    allow_http: bool,
}

#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("plain http to the bucket is not allowed (the endpoint must be https://)")]
    PlainHttp,
    #[error("no answer within {REQUEST_TIMEOUT:?}")]
    TimedOut,
}

#[async_trait]
impl HttpService for HyperService {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        if !self.allow_http && req.uri().scheme_str() != Some("https") {
            return Err(HttpError::new(HttpErrorKind::Request, Refused::PlainHttp));
        }
        let resp = tokio::time::timeout(REQUEST_TIMEOUT, self.client.request(req))
            .await
            .map_err(|_| HttpError::new(HttpErrorKind::Timeout, Refused::TimedOut))?
            .map_err(|e| {
                let kind = if e.is_connect() {
                    HttpErrorKind::Connect
                } else {
                    HttpErrorKind::Request
                };
                HttpError::new(kind, e)
            })?;
        let (parts, body) = resp.into_parts();
        let body = body.map_err(|e| HttpError::new(HttpErrorKind::Interrupted, e));
        Ok(HttpResponse::from_parts(parts, HttpResponseBody::new(body)))
    }
}
