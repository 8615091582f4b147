// The staff console's build: one small bundle under /console/assets/, served by the app (app/web/console.py).
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/console/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Keep the report in dist/ for docs/console.md and the bundle-budget test.
    manifest: true,
    modulePreload: { polyfill: false },
  },
});
