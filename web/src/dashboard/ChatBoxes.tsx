// Departments and chat boxes (widgets), for the institution's admins: add a department, add a
// chat box, and edit a chat box's department, embedding origins, pre-chat fields, texts and
// routing plan. A change reaches a chat box the next time it loads.

import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { FieldMode, NamedRef, PrechatFields, RoutingPlan, WidgetTexts } from "../shared/api";
import { http, HttpError } from "./http";
import { NO_PLAN, RoutingSteps } from "./RoutingSteps";
import { me } from "./state";

interface Department {
  id: string;
  name: string;
}
interface ChatBox {
  id: string;
  name: string;
  department_id: string;
  allowed_origins: string[];
  fields: PrechatFields;
  texts: WidgetTexts;
  routing: RoutingPlan;
  enabled: boolean;
  ask_rating: boolean;
}

const FIELDS = [
  ["name", "Name"],
  ["email", "Email"],
  ["question", "Question"],
] as const;
const MODES: [FieldMode, string][] = [
  ["hidden", "Hidden"],
  ["optional", "Optional"],
  ["required", "Required"],
];
const TEXTS = [
  ["title", "Title (empty: the library's name)"],
  ["greeting", "Greeting above the form"],
  ["offline", "Text when nobody is monitoring"],
] as const;

const text = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === "" ? null : String(v).trim());
const message = (err: unknown, fallback: string) => (err instanceof HttpError ? err.message : fallback);

export function ChatBoxes() {
  const base = `/api/institutions/${me.value?.institution_id}`;
  const [departments, setDepartments] = useState<Department[]>([]);
  const [boxes, setBoxes] = useState<ChatBox[]>([]);
  const [coops, setCoops] = useState<NamedRef[]>([]);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const reload = () =>
    Promise.all([
      http<{ departments: Department[] }>("GET", `${base}/departments`),
      http<{ widgets: ChatBox[] }>("GET", `${base}/widgets`),
      http<{ coops: NamedRef[] }>("GET", `${base}/coops`),
    ]).then(
      ([d, w, c]) => {
        setDepartments(d.departments);
        setBoxes(w.widgets);
        setCoops(c.coops);
      },
      () => setError("Could not read your library's departments and chat boxes"),
    );
  useEffect(() => void reload(), [base]);

  const done = async (what: Promise<unknown>, ok: string, form?: HTMLFormElement) => {
    setStatus("");
    setError("");
    try {
      await what;
      form?.reset();
      await reload();
      setStatus(ok);
    } catch (err) {
      setError(message(err, "Could not save"));
    }
  };

  const addDepartment = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get("name") || "").trim();
    void done(http("POST", `${base}/departments`, { name }), `Department ${name} added.`, form);
  };

  const saveBox = (box: ChatBox | null) => (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const body = {
      name: String(d.get("name") || "").trim(),
      department_id: String(d.get("department")),
      allowed_origins: String(d.get("origins") || "")
        .split(/\s+/)
        .filter(Boolean),
      fields: Object.fromEntries(FIELDS.map(([k]) => [k, String(d.get(`field-${k}`) || "optional")])),
      texts: Object.fromEntries(TEXTS.map(([k]) => [k, text(d.get(`text-${k}`))])),
      routing: JSON.parse(String(d.get("routing") || "null")) ?? NO_PLAN,
      enabled: d.get("enabled") !== null,
      ask_rating: d.get("ask_rating") !== null,
    };
    void done(
      box ? http("PUT", `${base}/widgets/${box.id}`, body) : http("POST", `${base}/widgets`, body),
      box ? `Chat box ${body.name} saved.` : `Chat box ${body.name} added.`,
      box ? undefined : form,
    );
  };

  return (
    <section class="chat-boxes" aria-labelledby="boxes-h">
      <h2 id="boxes-h">Departments and chat boxes</h2>
      <p role="status">{status}</p>
      <p class="error" role="alert">
        {error}
      </p>
      <h3>Departments</h3>
      <ul class="departments">
        {departments.map((d) => (
          <li key={d.id}>
            {d.name}{" "}
            <button
              type="button"
              onClick={() => void done(http("DELETE", `${base}/departments/${d.id}`), `Department ${d.name} deleted.`)}
            >
              Delete {d.name}
            </button>
          </li>
        ))}
      </ul>
      <form class="inline" onSubmit={addDepartment}>
        <label for="new-department">New department</label>
        <input id="new-department" name="name" required maxLength={120} />
        <button type="submit">Add department</button>
      </form>
      <h3>Chat boxes</h3>
      {boxes.map((b) => (
        <BoxForm key={b.id} box={b} departments={departments} coops={coops} onSubmit={saveBox(b)} />
      ))}
      <BoxForm box={null} departments={departments} coops={coops} onSubmit={saveBox(null)} />
    </section>
  );
}

interface BoxProps {
  box: ChatBox | null;
  departments: Department[];
  coops: NamedRef[];
  onSubmit: (e: Event) => void;
}

function BoxForm({ box, departments, coops, onSubmit }: BoxProps) {
  const id = (s: string) => `${box?.id ?? "new"}-${s}`;
  return (
    <form class="chat-box" onSubmit={onSubmit}>
      <fieldset>
        <legend>{box ? box.name : "New chat box"}</legend>
        {box && (
          <p class="embed">
            Embed: <code>{`<script src="${location.origin}/widget.js" data-widget="${box.id}" async></script>`}</code>
          </p>
        )}
        <label for={id("name")}>Name</label>
        <input id={id("name")} name="name" required maxLength={120} value={box?.name ?? ""} />
        <label for={id("department")}>Department (where its chats wait)</label>
        <select id={id("department")} name="department" required>
          {departments.map((d) => (
            <option key={d.id} value={d.id} selected={d.id === box?.department_id}>
              {d.name}
            </option>
          ))}
        </select>
        <label for={id("origins")}>Sites that may embed it (one per line, e.g. https://library.example; empty: any)</label>
        <textarea id={id("origins")} name="origins" rows={2} value={box?.allowed_origins.join("\n") ?? ""} />
        {FIELDS.map(([k, label]) => (
          <fieldset class="choices" key={k}>
            <legend>Pre-chat field: {label}</legend>
            {MODES.map(([mode, text]) => (
              <label key={mode}>
                <input
                  type="radio"
                  name={`field-${k}`}
                  value={mode}
                  checked={(box?.fields[k] ?? (k === "question" ? "required" : "optional")) === mode}
                />{" "}
                {text}
              </label>
            ))}
          </fieldset>
        ))}
        {TEXTS.map(([k, label]) => (
          <Fragment key={k}>
            <label for={id(`text-${k}`)}>{label}</label>
            <input id={id(`text-${k}`)} name={`text-${k}`} maxLength={k === "title" ? 120 : 1000} value={box?.texts[k] ?? ""} />
          </Fragment>
        ))}
        <label>
          <input type="checkbox" name="enabled" checked={box?.enabled ?? true} /> Offered to patrons (unchecked: the chat box says it is not
          available; its past chats are kept)
        </label>
        <label>
          <input type="checkbox" name="ask_rating" checked={box?.ask_rating ?? true} /> Ask patrons to rate the chat when it ends
        </label>
        <RoutingSteps prefix={id("routing")} plan={box?.routing ?? NO_PLAN} departments={departments} coops={coops} />
        <button type="submit" class="primary">
          {box ? "Save chat box" : "Add chat box"}
        </button>
      </fieldset>
    </form>
  );
}
