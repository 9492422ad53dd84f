// A chat box's routing plan, inside its form: the steps after its department (another
// department of the library, or a co-op it belongs to), each with how long a chat waits
// unclaimed at the step before; a step nobody monitors is passed at once. The plan travels in
// a hidden input as JSON, read by the form's submit.

import { useState } from "preact/hooks";
import type { NamedRef, RouteStep, RoutingPlan } from "../shared/api";

export const NO_PLAN: RoutingPlan = { steps: [], realert_seconds: 60 };

interface Props {
  prefix: string;
  plan: RoutingPlan;
  departments: NamedRef[];
  coops: NamedRef[];
}

export function RoutingSteps({ prefix, plan, departments, coops }: Props) {
  const [steps, setSteps] = useState<RouteStep[]>(plan.steps);
  const [realert, setRealert] = useState<string>(plan.realert_seconds === null ? "" : String(plan.realert_seconds));
  const targets: [string, string][] = [
    ...departments.map((d): [string, string] => [`department:${d.id}`, `Department: ${d.name}`]),
    ...coops.map((c): [string, string] => [`coop:${c.id}`, `Co-op: ${c.name}`]),
  ];
  const set = (i: number, s: Partial<RouteStep>) => setSteps(steps.map((x, j) => (j === i ? { ...x, ...s } : x)));
  const value: RoutingPlan = { steps, realert_seconds: realert.trim() === "" ? null : Number(realert) };
  const id = (s: string) => `${prefix}-${s}`;
  return (
    <fieldset class="routing">
      <legend>Routing: who else is offered a chat nobody answers</legend>
      <input type="hidden" name="routing" value={JSON.stringify(value)} />
      {steps.length === 0 && <p class="muted">Chats stay in the chat box's department.</p>}
      <ol>
        {steps.map((s, i) => (
          <li key={i}>
            <label for={id(`step-${i}`)}>Step {i + 2}: offer to</label>
            <select
              id={id(`step-${i}`)}
              value={`${s.kind}:${s.id}`}
              onChange={(e) => {
                const [kind, sid] = (e.currentTarget as HTMLSelectElement).value.split(":");
                set(i, { kind: kind as RouteStep["kind"], id: sid });
              }}
            >
              {targets.map(([v, t]) => (
                <option key={v} value={v}>
                  {t}
                </option>
              ))}
            </select>
            <label for={id(`after-${i}`)}>after this many seconds unanswered (0: at once)</label>
            <input
              id={id(`after-${i}`)}
              type="number"
              min={0}
              max={86400}
              required
              value={s.after_seconds}
              onInput={(e) => set(i, { after_seconds: Number((e.currentTarget as HTMLInputElement).value) })}
            />
            <button type="button" onClick={() => setSteps(steps.filter((_, j) => j !== i))}>
              Remove step {i + 2}
            </button>
          </li>
        ))}
      </ol>
      {targets.length > 0 && steps.length < 8 && (
        <button
          type="button"
          onClick={() => {
            const [kind, sid] = targets[targets.length - 1][0].split(":");
            setSteps([...steps, { kind: kind as RouteStep["kind"], id: sid, after_seconds: 30 }]);
          }}
        >
          Add a routing step
        </button>
      )}
      <label for={id("realert")}>Alert again every this many seconds while a chat waits (empty: once)</label>
      <input id={id("realert")} type="number" min={10} max={86400} value={realert} onInput={(e) => setRealert((e.currentTarget as HTMLInputElement).value)} />
    </fieldset>
  );
}
