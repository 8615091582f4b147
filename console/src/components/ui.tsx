// Small pieces every page uses: the loading/error frame, action buttons, the as-of picker, paging.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiError, NetworkError, SessionExpired, refusal } from "../api";
import { label } from "../format";
import type { UserError } from "../api";
import { useParams } from "../router";
import { useViewer } from "../session";

export function Problem({ error, retry }: { error: Error; retry?: () => void }) {
  const network = error instanceof NetworkError;
  if (error instanceof SessionExpired) return <p role="status">{error.message}</p>;
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{network ? "Network problem: " : "The server refused: "}</strong>
        {error.message}
        {error instanceof ApiError && error.code ? ` (${error.code})` : ""}
      </p>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Frame<T>({
  state,
  children,
}: {
  state: { data: T | null; error: Error | null; loading: boolean; reload: () => void };
  children: (data: T) => ComponentChildren;
}) {
  if (state.error) return <Problem error={state.error} retry={state.reload} />;
  if (!state.data) return <p role="status" class="loading">Loading…</p>;
  return (
    <div aria-busy={state.loading ? "true" : "false"} class={state.loading ? "stale" : ""}>
      {children(state.data)}
    </div>
  );
}

type Outcome = { userErrors: readonly UserError[] } | null | undefined;

/** A button that runs one mutation; a refusal from the API is shown right beside it. */
export function Action({
  label,
  run,
  done,
  class: className,
}: {
  label: string;
  run: () => Promise<Outcome>;
  done?: () => void;
  class?: string;
}) {
  const { busy, message, submit } = useSubmit();
  const click = () => submit(run, done);
  return (
    <span class="action">
      <button type="button" class={className} onClick={click} disabled={busy}>
        {label}
      </button>
      <Refusal message={message} />
    </span>
  );
}

/** The as-of date of every figure on the page, kept in the URL (?asOf=YYYY-MM-DD). */
export function AsOf() {
  const viewer = useViewer();
  const [params, set] = useParams();
  const value = params.get("asOf") ?? viewer.tenant.today;
  return (
    <label class="as-of">
      As of{" "}
      <input
        type="date"
        name="asOf"
        value={value}
        max={viewer.tenant.today}
        onChange={(e) => {
          const next = (e.target as HTMLInputElement).value;
          set({ asOf: next && next !== viewer.tenant.today ? next : null, after: null });
        }}
      />
    </label>
  );
}

export function useAsOf(): string {
  const viewer = useViewer();
  const [params] = useParams();
  return params.get("asOf") ?? viewer.tenant.today;
}

export function Pager({ total, endCursor, hasNext }: { total: number; endCursor: string | null; hasNext: boolean }) {
  const [params, set] = useParams();
  return (
    <nav class="pager" aria-label="Pages">
      <span>{total} in all</span>
      {params.get("after") && (
        <button type="button" onClick={() => set({ after: null })}>
          First page
        </button>
      )}
      {hasNext && endCursor && (
        <button type="button" onClick={() => set({ after: endCursor })}>
          Next page
        </button>
      )}
    </nav>
  );
}

export function Header({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-head">
      <h1 tabIndex={-1}>{title}</h1>
      <div class="tools">{children}</div>
    </div>
  );
}

/** A select kept in the URL (``?name=value``); choosing resets paging. */
export function ParamSelect({ name, text, options, any }: { name: string; text: string; options: string[]; any: string }) {
  const [params, set] = useParams();
  return (
    <label>
      {text}
      <select value={params.get(name) ?? ""} onChange={(e) => set({ [name]: (e.target as HTMLSelectElement).value || null, after: null })}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {label(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Refusal({ message }: { message: string | null }) {
  return message ? (
    <span class="refusal" role="alert">
      {message}
    </span>
  ) : null;
}

/** A form's submission: busy while the mutation runs, and the API's refusal (or a failure) to show. */
export function useSubmit(): { busy: boolean; message: string | null; submit: (run: () => Promise<Outcome>, done?: () => void) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (run: () => Promise<Outcome>, done?: () => void) => {
    setBusy(true);
    setMessage(null);
    try {
      const refused = refusal((await run())?.userErrors);
      if (refused) setMessage(refused);
      else done?.();
    } catch (error) {
      setMessage((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, submit };
}
