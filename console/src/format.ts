// Numbers and dates in the tenant's locale; money in its own currency (the base currency for figures).

export interface Tenant {
  slug: string;
  name: string;
  baseCurrency: string;
  timezone: string;
  locale: string;
  today: string;
}

let locale = "en-US";
let timeZone = "UTC";
const cache = new Map<string, Intl.NumberFormat>();

export function setTenantFormats(tenant: Tenant): void {
  locale = tenant.locale.replace("_", "-");
  timeZone = tenant.timezone;
  cache.clear();
  document.documentElement.lang = locale.split("-")[0];
}

function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

export function money(value: { amount: string; currencyCode?: string } | null | undefined, currency?: string): string {
  if (!value) return "–";
  const code = value.currencyCode ?? currency ?? "USD";
  return numberFormat(`m:${code}`, { style: "currency", currency: code }).format(Number(value.amount));
}

export function compactMoney(amount: number, currency: string): string {
  return numberFormat(`c:${currency}`, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(amount);
}

export function number(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return "–";
  return numberFormat(`n:${digits}`, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return "–";
  return numberFormat(`p:${digits}`, { style: "percent", maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

export function integer(value: number): string {
  return numberFormat("i", { maximumFractionDigits: 0 }).format(value);
}

/** A business date (YYYY-MM-DD): the tenant's date, shown as it is, never shifted by a time zone. */
export function day(value: string | null | undefined): string {
  if (!value) return "–";
  const [y, m, d] = value.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(Date.UTC(y, m - 1, d));
}

export function month(value: string): string {
  const [y, m] = value.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" }).format(Date.UTC(y, m - 1, 1));
}

/** A moment (UTC timestamp), in the tenant's time zone. */
export function moment(value: string | null | undefined): string {
  if (!value) return "–";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(value));
}

export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function label(code: string): string {
  const words = code.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
