// The wire types of docs/API.md that the chat box and the dashboard use. Only types: nothing
// here ends up in a bundle.

export type ChatStatus = "waiting" | "active" | "closed" | "abandoned";
export type MessageKind = "patron" | "operator" | "system" | "internal_note";

export interface NamedRef {
  id: string;
  name: string;
}

export interface UserView {
  id: string;
  name: string;
  email: string;
  role: string;
  institution_id: string;
}

export interface StaffChatView {
  id: string;
  status: ChatStatus;
  operator: NamedRef | null;
  /** Who answered it: the last operator who held it, kept after it ends. */
  answered_by: NamedRef | null;
  /** Librarians who handed the chat over and are still in it beside its operator. */
  companions: NamedRef[];
  institution: NamedRef;
  department: NamedRef;
  widget: NamedRef;
  patron_name: string | null;
  patron_email: string | null;
  question: string | null;
  referrer: string | null;
  user_agent: string | null;
  patron_ip: string | null;
  /** The patron's browser, readable ("Firefox 133 on Windows 10"). */
  browser: string | null;
  /** The co-ops the chat's institution belongs to. */
  coops: NamedRef[];
  /** The co-op its routing plan offers it to now (co-op staff see it through this one). */
  offered_to: NamedRef | null;
  /** The step of its widget's routing plan it has reached (0: the widget's department). */
  step: number;
  created_at: string;
  claimed_at: string | null;
  ended_at: string | null;
  last_seq: number;
}

export interface PatronChatView {
  id: string;
  status: ChatStatus;
  operator_name: string | null;
  queue_position: number | null;
  last_seq: number;
}

export interface MessageView {
  id: string;
  chat_id: string;
  seq: number;
  kind: MessageKind;
  sender: "patron" | "staff" | "system";
  sender_name: string | null;
  body: string;
  client_msg_id?: string | null;
  created_at: string;
}

export type FieldMode = "hidden" | "optional" | "required";

export interface PrechatFields {
  name: FieldMode;
  email: FieldMode;
  question: FieldMode;
}

export interface WidgetTexts {
  title: string | null;
  greeting: string | null;
  offline: string | null;
}

export interface WidgetConfig {
  id: string;
  name: string;
  institution_name: string;
  fields: PrechatFields;
  texts: WidgetTexts;
  /** Whether anyone is monitoring a step of its routing plan now. */
  online: boolean;
  /** Whether the chat box asks the patron to rate a chat when it ends. */
  ask_rating: boolean;
  /** The institution's privacy notice for chat, which the chat box links to. */
  privacy_url: string;
}

export interface RatingView {
  stars: number;
  comment: string | null;
  rated_at: string;
}

export interface RouteStep {
  kind: "department" | "coop";
  id: string;
  after_seconds: number;
}

export interface RoutingPlan {
  steps: RouteStep[];
  realert_seconds: number | null;
}

export interface MonitorToggle {
  id: string;
  name: string;
  online: boolean;
  since: string | null;
}

export type FileKind = "image" | "pdf" | "office" | "text";

export interface InstitutionPolicy {
  transcript_retention_days: number | null;
  /** Days the patron's identity is kept after their chat ends; null keeps it. */
  patron_identity_retention_days: number | null;
  /** Days staff IMs are kept; null keeps them. */
  staff_chat_retention_days: number | null;
  ip_addresses: "stored" | "truncated" | "not_stored";
  referrer_query: "stripped" | "kept";
  staff_names_shown_to_patrons: boolean;
  operator_grace_seconds: number;
  max_chats_per_operator: number | null;
  ask_still_monitoring_after_minutes: number;
  coop_monitoring_at_sign_in: boolean;
  time_zone: string;
  /** Seconds a transfer waits for its receiver before it returns to its sender (15–600). */
  transfer_timeout_seconds: number;
  attachment_max_kb: number;
  attachment_kinds: FileKind[];
  coop_hours_owed_per_week: number;
}

export interface MonitoringView {
  ask_still_monitoring_after_minutes: number;
  departments: MonitorToggle[];
  coops: MonitorToggle[];
}

export interface MonitoredScope {
  kind: "department" | "coop";
  id: string;
  name: string;
  since: string;
}

export interface LibrarianView {
  id: string;
  name: string;
  institution: NamedRef;
  monitoring: MonitoredScope[];
  chats: number;
  me: boolean;
}

export interface CoopStatusView {
  coop: NamedRef;
  others: number;
  monitors: LibrarianView[];
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export type ServerFrame =
  | {
      type: "welcome";
      identity: { role: "staff"; user: UserView } | { role: "patron"; guest_id: string };
      queue?: StaffChatView[];
    }
  | {
      type: "ack";
      chat_id?: string;
      conversation_id?: string;
      client_msg_id: string;
      seq: number;
      message_id: string;
      duplicate: boolean;
    }
  | { type: "message"; message: MessageView }
  | { type: "chat"; chat: StaffChatView }
  | { type: "chat_status"; chat: PatronChatView }
  | { type: "chat_hidden"; chat_id: string }
  | { type: "chat_realert"; chat_id: string }
  | { type: "monitors_changed" }
  | { type: "librarian_chats"; user_id: string; chats: number }
  | { type: "chat_tags"; list: ChatTagList }
  | { type: "transfer"; transfer: TransferView }
  | { type: "chat_rating"; chat_id: string; rating: RatingView }
  | { type: "conversation"; conversation: ConversationView }
  | { type: "conversation_message"; message: ConversationMessageView }
  | { type: "conversation_typing"; conversation_id: string; name: string; active: boolean }
  | { type: "typing"; chat_id: string; from: "patron" | "staff"; name: string | null; active: boolean }
  | { type: "error"; code: string; message: string; in_reply_to: string | null; frame: string | null };

export interface ResumePoint {
  chat_id?: string;
  conversation_id?: string;
  after_seq: number;
}

export type ClientFrame =
  | { type: "hello"; guest_token?: string; resume: ResumePoint[] }
  | { type: "watch"; chat_id: string; after_seq: number }
  | { type: "watch"; conversation_id: string; after_seq: number }
  | { type: "unwatch"; chat_id: string }
  | { type: "send"; chat_id: string; client_msg_id: string; body: string; kind?: "message" | "internal_note" }
  | { type: "send"; conversation_id: string; client_msg_id: string; body: string }
  | { type: "typing"; chat_id: string; active: boolean }
  | { type: "typing"; conversation_id: string; active: boolean };

/** Whether a chat is over (nothing more can be sent in it). */
export const ended = (s: ChatStatus): boolean => s === "closed" || s === "abandoned";

/** A fresh `client_msg_id`: a prefix and 128 random bits in hex (within `A-Za-z0-9-_.:`). */
export function newClientMsgId(prefix: string): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let s = prefix;
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

export interface ChatTagView {
  tag: string;
  added_by: NamedRef;
  added_at: string;
}

export interface ChatTagList {
  chat_id: string;
  tags: ChatTagView[];
}

export type TransferState = "offered" | "accepted" | "declined" | "expired" | "cancelled";

export interface TransferView {
  id: string;
  chat_id: string;
  from: NamedRef;
  target_kind: "operator" | "department" | "coop";
  target: NamedRef;
  note: string | null;
  state: TransferState;
  /** Who accepted or declined it. */
  by: NamedRef | null;
  institution: NamedRef;
  patron_name: string | null;
  question: string | null;
  offered_at: string;
  expires_at: string;
  /** Whether it is offered to me (I may accept it). */
  for_me: boolean;
}

export interface TransferPreview {
  transfer: TransferView;
  chat: StaffChatView;
  messages: MessageView[];
}

export interface OperatorTarget {
  id: string;
  name: string;
  institution: NamedRef;
  chats: number;
}

export interface QueueTarget {
  id: string;
  name: string;
  monitors: number;
}

export interface TransferTargets {
  operators: OperatorTarget[];
  departments: QueueTarget[];
  coops: QueueTarget[];
}

export interface ConversationView {
  id: string;
  /** `direct`, `coop` (its monitors), `institution` (its staff) or `room` (made, by invitation). */
  kind: "direct" | "coop" | "institution" | "room";
  /** A room's name (the co-op's, the institution's, or its maker's); none for a direct one. */
  name: string | null;
  members: NamedRef[];
  last_seq: number;
  created_at: string;
}

export interface ConversationMessageView {
  id: string;
  conversation_id: string;
  seq: number;
  sender: NamedRef;
  body: string;
  client_msg_id: string | null;
  created_at: string;
}

export interface CannedView {
  id: string;
  scope: { kind: "personal" | "institution" | "coop"; id: string | null };
  /** "Mine", the institution's or the co-op's name. */
  scope_name: string;
  title: string;
  /** `{patron}` and `{librarian}` are filled in when it is inserted. */
  body: string;
  /** Whether I may change or delete it. */
  editable: boolean;
  updated_at: string;
}

export interface FaqView {
  id: string;
  institution_id: string;
  visibility: "internal" | "public";
  group: string;
  question: string;
  /** Markdown, as written. */
  answer: string;
  /** Rendered on the server and cleaned with an allow-list sanitiser: safe to put in the page. */
  answer_html: string;
  answer_text: string;
  topics: string[];
  updated_at: string;
  /** A public FAQ's address on the library's FAQ page. */
  public_url: string | null;
  /** In search results: escaped text with the matched words in `<mark>` (safe as HTML). */
  snippet_html: string | null;
  editable: boolean;
}

export interface FaqList {
  institution_id: string;
  institution_name: string;
  /** The library's public FAQ page. */
  public_page: string;
  total: number;
  faqs: FaqView[];
}

export interface QueueView {
  id: string;
  name: string;
}

export interface TicketFormView {
  institution_id: string;
  institution_name: string;
  queues: QueueView[];
  default_queue: string;
  patron_name: string | null;
  patron_email: string | null;
}

export type TicketStatus = "open" | "pending" | "closed";

export interface TicketView {
  id: string;
  institution_id: string;
  queue: QueueView;
  chat_id: string | null;
  patron_name: string;
  patron_email: string;
  subject: string;
  status: TicketStatus;
  assignee_id: string | null;
  assignee_name: string | null;
  created_by_name: string;
  created_at: string;
  updated_at: string;
}

export interface TicketEntryView {
  id: string;
  kind: "question" | "note" | "reply" | "patron_reply";
  author_name: string | null;
  body: string;
  at: string;
}

export interface TicketDetail {
  ticket: TicketView;
  entries: TicketEntryView[];
  transcript: MessageView[];
  assignable: { id: string; name: string }[];
}

export interface MailView {
  id: string;
  kind: "transcript" | "ticket_reply";
  to: string;
  subject: string;
  status: "queued" | "sent" | "failed";
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  delivered_to: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface MailTemplateView {
  kind: string;
  subject: string;
  text: string;
  html: string;
  custom: boolean;
  variables: string[];
  preview_subject: string;
  preview_text: string;
}
