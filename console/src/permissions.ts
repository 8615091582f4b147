// What each staff role may do (docs/permissions.md): the console offers only what the role may do.
// The API refuses anything else anyway; this only keeps buttons a role cannot use off the page.

const ALL = ["admin", "finance", "collections", "credit", "sales", "support", "viewer", "compliance"];
const RULES: Record<string, string[]> = {
  "ingest.write": ["admin", "finance"],
  "payments.write": ["admin", "finance"],
  "alerts.manage": ["admin", "finance", "collections", "credit"],
  "collections.act": ["admin", "finance", "collections"],
  "members.manage": ["admin"],
  "sessions.manage": ["admin"],
  "support.manage": ["admin", "finance", "collections", "support"],
  "disputes.decide": ["admin", "finance"],
  "ar.read": ALL,
};

export type Permission = keyof typeof RULES;

export function may(role: string, permission: Permission): boolean {
  return (RULES[permission] ?? []).includes(role);
}
