// Imports: upload one ERP batch (the JSON import file's shape) and see what it did, or every problem.
import { useState } from "preact/hooks";
import doc from "../operations/ImportBatch.graphql?raw";
import type { ImportBatchMutation, ImportBatchMutationVariables } from "../gql/types";
import { request, type UserError } from "../api";
import { Header, Refusal } from "../components/ui";

export function Imports() {
  const [result, setResult] = useState<ImportBatchMutation["importBatch"] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const file = (form.elements.namedItem("batch") as HTMLInputElement).files?.[0];
    setResult(null);
    setProblem(null);
    if (!file) return setProblem("Choose a JSON batch file first.");
    let input: ImportBatchMutationVariables["input"];
    try {
      input = JSON.parse(await file.text());
    } catch {
      return setProblem(`${file.name} is not JSON: the batch file is a JSON object (see docs/ingest.md).`);
    }
    setBusy(true);
    try {
      setResult((await request<ImportBatchMutation, ImportBatchMutationVariables>(doc, { input })).importBatch);
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const errors: readonly UserError[] = result?.userErrors ?? [];
  return (
    <>
      <Header title="Imports" />
      <p>A batch is imported in one transaction: nothing is written when any record has a problem.</p>
      <form class="inline-form" onSubmit={submit} aria-label="Upload a batch">
        <label>
          Batch file (JSON)
          <input type="file" name="batch" accept=".json,application/json" />
        </label>
        <button type="submit" disabled={busy}>
          Import
        </button>
        <Refusal message={problem} />
      </form>
      {result && errors.length > 0 && (
        <section aria-labelledby="problems" role="alert">
          <h2 id="problems">{errors.length} problems; nothing was imported</h2>
          <table>
            <caption>Problems by record</caption>
            <thead>
              <tr>
                <th scope="col">Where</th>
                <th scope="col">Code</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {errors.map((e, i) => (
                <tr key={i}>
                  <th scope="row">{(e.field ?? []).join(" › ") || "batch"}</th>
                  <td>{e.code}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {result && errors.length === 0 && (
        <section aria-labelledby="imported" role="status">
          <h2 id="imported">Imported</h2>
          <table>
            <caption>What the batch did</caption>
            <thead>
              <tr>
                <th scope="col">Records</th>
                <th scope="col" class="num">Created</th>
                <th scope="col" class="num">Updated</th>
                <th scope="col" class="num">Unchanged</th>
              </tr>
            </thead>
            <tbody>
              {result.counts.map((c) => (
                <tr key={c.recordType}>
                  <th scope="row">{c.recordType}</th>
                  <td class="num">{c.created}</td>
                  <td class="num">{c.updated}</td>
                  <td class="num">{c.unchanged}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
