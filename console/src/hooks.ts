// Loading a query for a page: data, the error to show, and a retry.
import { useCallback, useEffect, useState } from "preact/hooks";
import { request } from "./api";

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

interface Settled<T> {
  data: T | null;
  error: Error | null;
  /** Which request (document, variables, attempt) these are the answer to. */
  answers: string | null;
}

/**
 * `loading` is derived while rendering, from whether what is held answers the request now wanted,
 * not set from an effect: a drill-down, a new as-of date or a Retry marks the page busy in the same
 * render that changes the request, so nobody (a user or a test) reads the old figures as the new.
 */
export function useQuery<T, V extends object>(document: string, variables: V, skip = false): Loaded<T> {
  const key = JSON.stringify(variables);
  const [attempt, setAttempt] = useState(0);
  const wanted = `${attempt}\u0000${key}\u0000${document}`;
  const [state, setState] = useState<Settled<T>>({ data: null, error: null, answers: null });
  useEffect(() => {
    if (skip) return;
    let current = true;
    request<T, V>(document, JSON.parse(key)).then(
      (data) => current && setState({ data, error: null, answers: wanted }),
      (error: Error) => current && setState({ data: null, error, answers: wanted }),
    );
    return () => {
      current = false;
    };
  }, [wanted, skip]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const loading = !skip && state.answers !== wanted;
  return { data: state.data, error: loading ? null : state.error, loading, reload };
}
