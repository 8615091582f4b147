// A tiny router over the History API: the URL is the page's state (filters, as-of date, paging).
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());
window.addEventListener("popstate", notify);

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
}

export function useLocation(): URL {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return new URL(location.href);
}

export type Changes = Record<string, string | null | undefined>;

/** The current URL with some query parameters set (null or "" removes one). */
export function withParams(changes: Changes, path = location.pathname): string {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") params.delete(key);
    else params.set(key, value);
  }
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/** The query parameters of this page, and a setter that writes them to the URL (a history entry). */
export function useParams(): [URLSearchParams, (changes: Changes, replace?: boolean) => void] {
  const url = useLocation();
  return [url.searchParams, (changes, replace = false) => navigate(withParams(changes), replace)];
}

/** Clicks on same-origin console links change the page without reloading it. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener("click", (event) => {
    const anchor = (event.target as Element).closest?.("a");
    if (!anchor || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith("/console/") || url.pathname === "/console/sign-in") return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
