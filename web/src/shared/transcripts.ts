// Transcript search and audit log types on the wire (refdesk-protocol's transcripts.rs).

import type { MessageView } from "./api";

export interface TranscriptSummary {
  chat_id: string;
  created_at: string;
  ended_at: string | null;
  outcome: "answered" | "unanswered" | "abandoned" | "open";
  patron_name: string | null;
  question: string | null;
  operator_name: string | null;
  department_name: string;
  tags: string[];
  stars: number | null;
  /** Server-made HTML: the text escaped, the matched words in <mark>. */
  snippet_html: string | null;
}

export interface TranscriptList {
  total: number;
  offset: number;
  chats: TranscriptSummary[];
}

export interface TranscriptView {
  summary: TranscriptSummary;
  patron_email: string | null;
  rating_comment: string | null;
  messages: MessageView[];
}

export interface AuditEntryView {
  id: number;
  at: string;
  actor_id: string;
  actor_name: string;
  action: "transcripts_searched" | "transcript_viewed" | "transcript_exported";
  chat_id: string | null;
  detail: string;
}

export interface AuditLogView {
  entries: AuditEntryView[];
  next_before: number | null;
}
