//! Where the content of files sent in chats is kept: an object store (object_store), keyed by
//! the content's SHA-256, so the same file sent twice is kept once and a file's key says
//! nothing about its chat. The default is a folder, `<data_dir>/attachments`; `attachments_dir`
//! names another (one several nodes share), and `attachments_s3_bucket` an S3-compatible
//! bucket instead ([`s3`]). Nothing here checks who may read a file: the attachment records
//! do that, and the key is never shown to anyone.

mod s3;

use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[derive(Clone)]
pub struct FileStore {
    inner: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("inner", &self.inner.to_string())
            .finish()
    }
}

/// The hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn key(sha256: &str) -> Path {
    Path::from(format!("{}/{}", &sha256[..2], sha256))
}

impl FileStore {
    pub fn from_settings(s: &crate::Settings) -> Result<FileStore, String> {
        if !s.attachments_s3_bucket.is_empty() {
            return Ok(FileStore {
                inner: Arc::new(s3::bucket(s)?),
            });
        }
        let dir = if s.attachments_dir.as_os_str().is_empty() {
            s.data_dir.join("attachments")
        } else {
            s.attachments_dir.clone()
        };
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("attachments folder {}: {e}", dir.display()))?;
        let local = LocalFileSystem::new_with_prefix(&dir)
            .map_err(|e| format!("attachments folder {}: {e}", dir.display()))?;
        Ok(FileStore {
            inner: Arc::new(local),
        })
    }

    /// Keeps `bytes` under their hash (once: the same content is already there).
    pub async fn put(&self, sha256: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.inner
            .put(&key(sha256), PutPayload::from(bytes))
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, String> {
        let got = self
            .inner
            .get(&key(sha256))
            .await
            .map_err(|e| e.to_string())?;
        got.bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| e.to_string())
    }
}
