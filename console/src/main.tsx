// The staff console: a shell (who is signed in, the navigation) around one page per job.
import { render } from "preact";
import { useEffect } from "preact/hooks";
import viewerDoc from "./operations/Viewer.graphql?raw";
import type { ViewerQuery } from "./gql/types";
import { Frame } from "./components/ui";
import { setTenantFormats } from "./format";
import { useQuery } from "./hooks";
import { may, type Permission } from "./permissions";
import { interceptLinks, useLocation } from "./router";
import { SessionContext, type Viewer } from "./session";
import { Overview } from "./pages/overview";
import { Customers } from "./pages/customers";
import { Customer360 } from "./pages/customer";
import { Worklist } from "./pages/worklist";
import { Dunning } from "./pages/dunning";
import { Alerts } from "./pages/alerts";
import { Support } from "./pages/support";
import { Disputes } from "./pages/disputes";
import { Payments } from "./pages/payments";
import { Imports } from "./pages/imports";
import { Admin } from "./pages/admin";
import "./styles.css";

interface PageDef {
  path: string;
  title: string;
  view: () => preact.JSX.Element;
  needs?: Permission;
}

const PAGES: PageDef[] = [
  { path: "/console/", title: "Overview", view: Overview },
  { path: "/console/customers", title: "Customers", view: Customers },
  { path: "/console/worklist", title: "Worklist", view: Worklist },
  { path: "/console/dunning", title: "Dunning", view: Dunning },
  { path: "/console/alerts", title: "Alerts", view: Alerts },
  { path: "/console/support", title: "Support", view: Support },
  { path: "/console/disputes", title: "Disputes", view: Disputes },
  { path: "/console/payments", title: "Payments", view: Payments },
  { path: "/console/imports", title: "Imports", view: Imports, needs: "ingest.write" },
  { path: "/console/admin", title: "Staff and sessions", view: Admin, needs: "sessions.manage" },
];

function csrf(): string {
  const match = document.cookie.match(/(?:^|;\s*)lp_staff_csrf=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function Shell({ viewer }: { viewer: Viewer }) {
  const url = useLocation();
  const path = url.pathname;
  const customer = path.match(/^\/console\/customers\/([^/]+)$/);
  const page = PAGES.find((p) => p.path === path);
  const title = customer ? "Customer" : page?.title ?? "Not found";
  useEffect(() => {
    document.title = `${title} · ${viewer.tenant.name} · Ledgerport`;
    (document.querySelector("main h1") as HTMLElement | null)?.focus({ preventScroll: true });
  }, [path]);
  const allowed = (p: PageDef) => !p.needs || may(viewer.role, p.needs);
  const View = customer ? () => <Customer360 id={decodeURIComponent(customer[1])} /> : page && allowed(page) ? page.view : NotFound;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">
          Ledgerport · <strong>{viewer.tenant.name}</strong>
        </span>
        <nav aria-label="Console">
          <ul>
            {PAGES.filter(allowed).map((p) => (
              <li key={p.path}>
                <a href={p.path} aria-current={p.path === path || (customer && p.path === "/console/customers") ? "page" : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form method="post" action="/auth/logout?audience=staff" class="who">
          <span>
            {viewer.principal} ({viewer.role})
          </span>
          <input type="hidden" name="csrf_token" value={csrf()} />
          <button type="submit">Sign out</button>
        </form>
      </header>
      <main id="main">
        <View />
      </main>
    </>
  );
}

function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>Not found</h1>
      <p>
        There is no such page for your role. <a href="/console/">Back to the overview</a>
      </p>
    </>
  );
}

function App() {
  const state = useQuery<ViewerQuery, Record<string, never>>(viewerDoc, {});
  if (state.data) setTenantFormats(state.data.viewer.tenant);
  return (
    <Frame state={state}>
      {(data) => (
        <SessionContext.Provider value={data.viewer}>
          <Shell viewer={data.viewer} />
        </SessionContext.Provider>
      )}
    </Frame>
  );
}

const root = document.getElementById("app")!;
interceptLinks(document.body);
render(<App />, root);
