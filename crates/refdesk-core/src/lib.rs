//! The refdesk domain: ids, the directory (institutions, co-ops, departments, widgets, staff),
//! chats and their messages, and the pure state machines that decide what may happen to them.
//!
//! This crate does no I/O: no clock, no random numbers, no database, no network. Time and fresh
//! ids are passed in by the caller, so every rule here can be tested with a table or a property.
#![forbid(unsafe_code)]

pub mod access;
pub mod accounting;
pub mod attachment;
pub mod audit;
pub mod canned;
pub mod chat;
mod chat_event;
pub mod conversation;
pub mod decision;
pub mod directory;
pub mod faq;
pub mod ids;
pub mod mail;
pub mod message;
pub mod monitoring;
pub mod policy;
pub mod privacy;
pub mod rating;
pub mod report;
pub mod routing;
pub mod tag;
pub mod text;
pub mod ticket;
pub mod timer;
pub mod transfer;
pub mod widget_settings;

pub use access::{Grant, Principal, StaffPrincipal};
pub use attachment::{Attachment, AttachmentError, FileKind};
pub use audit::{AuditAction, AuditEntry, AuditRecord};
pub use canned::{CannedError, CannedMessage, CannedScope};
pub use chat::{Chat, ChatCommand, ChatEvent, ChatState, ChatStatus, Rejection, Transition};
pub use conversation::{Conversation, ConversationError, ConversationKind};
pub use decision::{ChatHistoryEntry, Decision, Placement, Timing};
pub use directory::{Coop, Department, Guest, Institution, Role, User, Widget};
pub use faq::{Faq, FaqDraft, FaqError, FaqHit, FaqVisibility};
pub use ids::{
    AttachmentId, CannedId, ChatId, ConversationId, CoopId, DepartmentId, FaqId, GuestId,
    InstitutionId, MailId, MessageId, StreamId, TicketId, TransferId, UserId, WidgetId,
};
pub use mail::{Mail, MailAttempt, MailKind, MailStatus, MailTemplate, Rendered};
pub use message::{Audience, Heads, Message, MessageKind, NewMessage, Sender, Seq};
pub use monitoring::{Monitor, MonitorScope};
pub use policy::{InstitutionPolicy, IpAddresses, PolicyError, ReferrerQuery};
pub use rating::{Rating, RatingError};
pub use routing::{CoopHours, RouteReason, RouteStep, RoutingPlan, StepTarget};
pub use tag::{ChatTag, Tag, TagError};
pub use text::{ClientMsgId, DisplayName, Email, MessageBody, TextError};
pub use ticket::{EntryKind, Ticket, TicketEntry, TicketStatus};
pub use timer::{Timer, TimerKey, TimerKind, TimerOp};
pub use transfer::{
    Transfer, TransferCommand, TransferDecision, TransferRejection, TransferState, TransferTarget,
};
pub use widget_settings::{
    FieldMode, PrechatFields, WidgetSettings, WidgetSettingsError, WidgetTexts,
};
