// Hand-drawn SVG charts. Each chart is an image with a summary; the same numbers are in the table
// beside it, which is what screen readers and keyboard users read.
import type { ComponentChildren } from "preact";

export interface Bar {
  label: string;
  value: number;
  text: string;
  onSelect?: () => void;
}

export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const width = 480;
  const rowHeight = 28;
  const labelWidth = 130;
  const max = Math.max(1, ...bars.map((b) => Math.abs(b.value)));
  const height = bars.length * rowHeight + 8;
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.text}`).join(", ")}`}>
      {bars.map((bar, i) => {
        const w = ((width - labelWidth - 90) * Math.abs(bar.value)) / max;
        const y = i * rowHeight + 4;
        return (
          <g key={bar.label} class={bar.onSelect ? "selectable" : ""} onClick={bar.onSelect}>
            <text x={labelWidth - 6} y={y + 17} text-anchor="end">
              {bar.label}
            </text>
            <rect x={labelWidth} y={y + 3} width={Math.max(1, w)} height={rowHeight - 8} rx="2" />
            <text x={labelWidth + w + 6} y={y + 17}>
              {bar.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export interface Series {
  name: string;
  values: (number | null)[];
  format: (value: number) => string;
}

export function LineChart({ title, labels, series }: { title: string; labels: string[]; series: Series }) {
  const width = 300;
  const height = 110;
  const pad = 8;
  const present = series.values.filter((v): v is number => v !== null);
  const min = Math.min(0, ...present);
  const max = Math.max(1, ...present);
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, labels.length - 1);
  const y = (v: number) => height - pad - ((v - min) * (height - 2 * pad - 14)) / (max - min || 1);
  const points = series.values
    .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
    .filter(Boolean)
    .join(" ");
  const last = present.length ? present[present.length - 1] : null;
  return (
    <figure class="spark">
      <figcaption>
        {series.name}: <strong>{last === null ? "–" : series.format(last)}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}, ${series.name}, ${labels[0]} to ${labels[labels.length - 1]}`}>
        <polyline points={points} fill="none" stroke-width="2" />
        {series.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r="2.5" />))}
      </svg>
    </figure>
  );
}

export function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: ComponentChildren[][] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={h} scope="col" class={i ? "num" : ""}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={head.length} class="none">
                None
              </td>
            </tr>
          )}
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) =>
                i === 0 ? (
                  <th key={i} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={i} class="num">
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
