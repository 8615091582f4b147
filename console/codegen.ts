// Types for every operation in src/operations, generated from the committed staff SDL.
// Paths are from the repository root, where `npm run console:codegen` runs; it writes them; tests/test_console_build.py fails when they drift.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema/staff.graphql",
  documents: ["console/src/operations/*.graphql"],
  generates: {
    "console/src/gql/types.ts": {
      plugins: ["typescript-operations"],
      config: {
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false },
        scalars: { Date: "string", DateTime: "string", ID: "string" },
      },
    },
  },
};

export default config;
