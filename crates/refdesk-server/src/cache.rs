//! Read-through caches of what every send and every view needs: the state of open chats (kept
//! fresh by the events that change it, local or from other nodes) and display names. They only
//! spare the database reads; every rule that matters is enforced again by the store.

use refdesk_core::{
    Chat, ChatId, DepartmentId, InstitutionId, InstitutionPolicy, UserId, WidgetId,
};
use refdesk_store::{DynStore, StoreError};
use std::collections::HashMap;
use std::sync::RwLock;
use uuid::Uuid;

const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Default)]
pub struct ChatCache {
    chats: RwLock<HashMap<ChatId, Chat>>,
}

impl ChatCache {
    pub async fn get(&self, store: &DynStore, id: ChatId) -> Result<Chat, StoreError> {
        if let Some(c) = self.chats.read().expect("cache lock").get(&id)
            && c.ended_at.is_none()
        {
            return Ok(c.clone());
        }
        let chat = store.chat(id).await?;
        self.put(&chat);
        Ok(chat)
    }

    /// Forgets everything (after this node may have missed changes).
    pub fn clear(&self) {
        self.chats.write().expect("cache lock").clear();
    }

    /// Records a version of a chat unless a newer one is known: `version` orders state
    /// changes (and `last_seq` the messages in between) even when nodes hear of them out of
    /// order. An ended chat is kept only to refuse older versions: [`ChatCache::get`] reads an
    /// ended chat from the store, so what the privacy engine removes from one is never served
    /// from here.
    pub fn put(&self, chat: &Chat) {
        let mut chats = self.chats.write().expect("cache lock");
        if chats
            .get(&chat.id)
            .is_some_and(|known| (known.version, known.last_seq) > (chat.version, chat.last_seq))
        {
            return;
        }

        if chats.len() >= MAX_ENTRIES {
            chats.clear();
        }
        chats.insert(chat.id, chat.clone());
    }
}

/// Names of institutions, departments, widgets and staff, by id.
#[derive(Debug, Default)]
pub struct NameCache {
    names: RwLock<HashMap<Uuid, String>>,
    /// Each staff member's institution.
    homes: RwLock<HashMap<UserId, InstitutionId>>,
    /// The co-ops of each institution, by id and name.
    coops: RwLock<HashMap<InstitutionId, Vec<(Uuid, String)>>>,
}

impl NameCache {
    fn cached(&self, id: Uuid) -> Option<String> {
        self.names.read().expect("cache lock").get(&id).cloned()
    }
    fn remember(&self, id: Uuid, name: String) -> String {
        let mut names = self.names.write().expect("cache lock");
        if names.len() >= MAX_ENTRIES {
            names.clear();
        }
        names.insert(id, name.clone());
        name
    }

    pub async fn user(&self, store: &DynStore, id: UserId) -> Result<String, StoreError> {
        match self.cached(id.into()) {
            Some(n) => Ok(n),
            None => Ok(self.remember(id.into(), store.user(id).await?.name.to_string())),
        }
    }
    /// A staff member's name and institution.
    pub async fn user_at(
        &self,
        store: &DynStore,
        id: UserId,
    ) -> Result<(String, InstitutionId), StoreError> {
        let home = self.homes.read().expect("cache lock").get(&id).copied();
        if let (Some(name), Some(home)) = (self.cached(id.into()), home) {
            return Ok((name, home));
        }
        let user = store.user(id).await?;
        let mut homes = self.homes.write().expect("cache lock");
        if homes.len() >= MAX_ENTRIES {
            homes.clear();
        }
        homes.insert(id, user.institution_id);
        Ok((
            self.remember(id.into(), user.name.to_string()),
            user.institution_id,
        ))
    }
    pub async fn institution(
        &self,
        store: &DynStore,
        id: InstitutionId,
    ) -> Result<String, StoreError> {
        match self.cached(id.into()) {
            Some(n) => Ok(n),
            None => Ok(self.remember(id.into(), store.institution(id).await?.name.to_string())),
        }
    }
    pub async fn department(
        &self,
        store: &DynStore,
        id: DepartmentId,
    ) -> Result<String, StoreError> {
        match self.cached(id.into()) {
            Some(n) => Ok(n),
            None => Ok(self.remember(id.into(), store.department(id).await?.name.to_string())),
        }
    }
    /// The co-ops `institution` belongs to (as of when first asked: membership changes are
    /// rare; a node reads them again when it restarts).
    pub async fn coops_of(
        &self,
        store: &DynStore,
        institution: InstitutionId,
    ) -> Result<Vec<(Uuid, String)>, StoreError> {
        if let Some(c) = self.coops.read().expect("cache lock").get(&institution) {
            return Ok(c.clone());
        }
        let coops: Vec<(Uuid, String)> = store
            .coops_of_institution(institution)
            .await?
            .into_iter()
            .map(|c| (c.id.into(), c.name.to_string()))
            .collect();
        let mut all = self.coops.write().expect("cache lock");
        if all.len() >= MAX_ENTRIES {
            all.clear();
        }
        all.insert(institution, coops.clone());
        Ok(coops)
    }

    /// Forgets an institution's co-ops (it joined or left one). Other nodes read them again
    /// when they restart.
    pub fn forget_coops(&self, institution: InstitutionId) {
        self.coops.write().expect("cache lock").remove(&institution);
    }

    pub async fn widget(&self, store: &DynStore, id: WidgetId) -> Result<String, StoreError> {
        match self.cached(id.into()) {
            Some(n) => Ok(n),
            None => Ok(self.remember(id.into(), store.widget(id).await?.name.to_string())),
        }
    }
}

/// Institutions' policies, each kept for `POLICY_TTL`: a change made on this node takes effect
/// here at once, on other nodes within that time.
#[derive(Debug, Default)]
pub struct PolicyCache {
    policies: RwLock<HashMap<InstitutionId, (std::time::Instant, InstitutionPolicy)>>,
}

pub const POLICY_TTL: std::time::Duration = std::time::Duration::from_secs(10);

impl PolicyCache {
    pub async fn get(
        &self,
        store: &DynStore,
        institution: InstitutionId,
    ) -> Result<InstitutionPolicy, StoreError> {
        if let Some((at, p)) = self.policies.read().expect("cache lock").get(&institution)
            && at.elapsed() < POLICY_TTL
        {
            return Ok(p.clone());
        }
        let p = store.institution_policy(institution).await?;
        let mut all = self.policies.write().expect("cache lock");
        if all.len() >= MAX_ENTRIES {
            all.clear();
        }
        all.insert(institution, (std::time::Instant::now(), p.clone()));
        Ok(p)
    }

    pub fn forget(&self, institution: InstitutionId) {
        self.policies
            .write()
            .expect("cache lock")
            .remove(&institution);
    }
}

/// The staff `chat` frame of each state of a chat (its version and last message), built and
/// serialized once and shared by every staff socket that sends it: a chat offered to a co-op
/// reaches hundreds of dashboards at the same instant, which all send the same bytes (the
/// first of them builds it; the others wait for that one instead of building their own).
#[derive(Debug, Default)]
pub struct FrameCache {
    frames: RwLock<HashMap<(ChatId, u64, u64), FrameCell>>,
}

type FrameCell = std::sync::Arc<tokio::sync::OnceCell<axum::extract::ws::Utf8Bytes>>;

impl FrameCache {
    /// The frame of `chat` in this state, built by `build` if nobody has yet.
    pub async fn get_or_build<E, F>(
        &self,
        chat: &Chat,
        build: F,
    ) -> Result<axum::extract::ws::Utf8Bytes, E>
    where
        F: std::future::Future<Output = Result<axum::extract::ws::Utf8Bytes, E>>,
    {
        let key = (chat.id, chat.version, chat.last_seq.0);
        let cell = self.frames.read().expect("cache lock").get(&key).cloned();
        let cell = match cell {
            Some(c) => c,
            None => {
                let mut frames = self.frames.write().expect("cache lock");
                if frames.len() >= MAX_ENTRIES {
                    frames.clear();
                }
                frames.entry(key).or_default().clone()
            }
        };
        cell.get_or_try_init(|| build).await.cloned()
    }
}
