// Who is signed in: loaded once by the shell, read by every page.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { ViewerQuery } from "./gql/types";

export type Viewer = ViewerQuery["viewer"];

export const SessionContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = useContext(SessionContext);
  if (!viewer) throw new Error("useViewer outside the signed-in shell");
  return viewer;
}
