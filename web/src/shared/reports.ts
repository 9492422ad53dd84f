// Report types on the wire (refdesk-protocol's reports.rs): types only.

export interface SpreadView {
  count: number;
  mean_seconds: number | null;
  median_seconds: number | null;
  p90_seconds: number | null;
}

export interface FiguresView {
  chats: number;
  answered: number;
  unanswered: number;
  abandoned: number;
  open: number;
  wait: SpreadView;
  duration: SpreadView;
  transfers: number;
  tickets: number;
}

export interface BucketView {
  key: string;
  label: string;
  figures: FiguresView;
}

export interface ChatReportView {
  institution: string;
  time_zone: string;
  from: string;
  to: string;
  total: FiguresView;
  by_hour: BucketView[];
  by_weekday: BucketView[];
  by_day: BucketView[];
  by_month: BucketView[];
  by_operator: BucketView[];
  by_department: BucketView[];
  by_widget: BucketView[];
  ratings: { rated: number; mean_stars: number | null; by_stars: number[]; comments: number };
  answered_for_others: number;
}

export interface WaitingChatView {
  institution: import("./api").NamedRef;
  department: import("./api").NamedRef;
  at_coop: boolean;
  since: string;
}

export interface BoardLibraryView {
  institution: import("./api").NamedRef;
  monitors: number;
  waiting: number;
  longest_waiting_since: string | null;
}

export interface BoardView {
  libraries: BoardLibraryView[];
  monitors: import("./api").LibrarianView[];
  waiting: WaitingChatView[];
}

export interface MemberAccountView {
  institution: import("./api").NamedRef;
  generated: number;
  answered: number;
  balance: number;
  hours_given: number;
  hours_owed: number;
  given_by_hour: number[];
  given_by_weekday: number[];
  outside_hours: number;
  unmonitored: number;
}

export interface CoopAccountingView {
  coop: import("./api").NamedRef;
  time_zone: string;
  from: string;
  to: string;
  members: MemberAccountView[];
}
