// Loading a query for a page: data, the error to show, and a retry.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { request } from "./api";

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

export function useQuery<T, V extends object>(document: string, variables: V, skip = false): Loaded<T> {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({
    data: null,
    error: null,
    loading: !skip,
  });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (skip) return;
    const ticket = ++latest.current;
    setState((s) => ({ data: s.data, error: null, loading: true }));
    request<T, V>(document, JSON.parse(key)).then(
      (data) => ticket === latest.current && setState({ data, error: null, loading: false }),
      (error: Error) => ticket === latest.current && setState({ data: null, error, loading: false }),
    );
  }, [document, key, attempt, skip]);
  // A retry says at once that it is loading again, instead of leaving the last problem on screen
  // until the request is under way.
  const reload = useCallback(() => {
    setState((s) => ({ data: s.data, error: null, loading: true }));
    setAttempt((n) => n + 1);
  }, []);
  return { ...state, reload };
}
