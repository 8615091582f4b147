// The console's only door to the server: POST /graphql with the session cookie and its CSRF token.
// Every failure becomes one of three errors the pages know how to show.

export interface UserError {
  readonly field: readonly string[] | null;
  readonly code: string;
  readonly message: string;
}

/** The server refused the query (a GraphQL error with its code and message). */
export class ApiError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** The request never got an answer we could read (offline, server down, proxy page). */
export class NetworkError extends Error {}

/** The session is gone; the browser is already on its way to sign in again. */
export class SessionExpired extends Error {}

const SESSION_CODES = new Set(["session_invalid", "session_expired", "unauthenticated", "csrf_failed"]);

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)lp_staff_csrf=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/** Leave for sign-in, coming back to this very page afterwards. */
export function signInAgain(): void {
  const here = location.pathname + location.search;
  location.assign(`/console/sign-in?next=${encodeURIComponent(here)}`);
}

export async function request<T, V extends object = Record<string, never>>(
  document: string,
  variables?: V,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ query: document, variables: variables ?? {} }),
    });
  } catch {
    throw new NetworkError("The server could not be reached. Check your connection and retry.");
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await response.json();
  } catch {
    throw new NetworkError(`The server answered ${response.status} without data. Retry in a moment.`);
  }
  const first = body.errors?.[0];
  const code = first?.extensions?.code ?? "";
  if (response.status === 401 || SESSION_CODES.has(code)) {
    signInAgain();
    throw new SessionExpired("Your session has ended; signing in again…");
  }
  if (first) throw new ApiError(first.message, code);
  if (!body.data) throw new NetworkError(`The server answered ${response.status} without data.`);
  return body.data;
}

/** A mutation payload's refusal, if any, as one sentence for the control that sent it. */
export function refusal(errors: readonly UserError[] | undefined): string | null {
  if (!errors || errors.length === 0) return null;
  return errors.map((e) => e.message).join(" ");
}
