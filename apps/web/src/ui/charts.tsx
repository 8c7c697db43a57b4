import { linear, shortNumber, ticks } from './scale';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 44 };

export interface Series {
  name: string;
  values: number[];
}

function Axis({ tickValues, y }: { tickValues: number[]; y: (value: number) => number }) {
  return (
    <g className="chart-axis">
      {tickValues.map((tick) => (
        <g key={tick}>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
          <text x={PAD.left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
            {shortNumber(tick)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** The numbers behind a chart, for screen readers and anyone who wants exact values. */
function DataTable({ labels, series }: { labels: string[]; series: Series[] }) {
  return (
    <details className="chart-data">
      <summary>Data</summary>
      <table>
        <thead>
          <tr>
            <th scope="col" />
            {series.map((line) => (
              <th key={line.name} scope="col">
                {line.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, index) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {series.map((line) => (
                <td key={line.name}>{shortNumber(line.values[index] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/**
 * Bars per label, one per series side by side, with an optional dashed limit line (a quota).
 */
export function BarChart({
  title,
  labels,
  series,
  limit,
}: {
  title: string;
  labels: string[];
  series: Series[];
  limit?: { value: number; label: string };
}) {
  const max = Math.max(1, limit?.value ?? 0, ...series.flatMap((line) => line.values));
  const tickValues = ticks(max);
  const y = linear([0, tickValues[tickValues.length - 1] ?? 1], [HEIGHT - PAD.bottom, PAD.top]);
  const band = (WIDTH - PAD.left - PAD.right) / Math.max(1, labels.length);
  const barWidth = Math.max(1, (band * 0.8) / Math.max(1, series.length));
  const labelEvery = Math.ceil(labels.length / 10);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <Axis tickValues={tickValues} y={y} />
        {labels.map((label, index) => (
          <g key={label}>
            {series.map((line, seriesIndex) => {
              const value = line.values[index] ?? 0;
              const x = PAD.left + index * band + band * 0.1 + seriesIndex * barWidth;
              return (
                <rect
                  key={line.name}
                  className={`chart-series-${seriesIndex}`}
                  x={x}
                  y={y(value)}
                  width={barWidth}
                  height={Math.max(0, y(0) - y(value))}
                >
                  <title>{`${label} · ${line.name}: ${value}`}</title>
                </rect>
              );
            })}
            {index % labelEvery === 0 && (
              <text className="chart-label" x={PAD.left + index * band + band / 2} y={HEIGHT - 8} textAnchor="middle">
                {label}
              </text>
            )}
          </g>
        ))}
        {limit && (
          <g className="chart-limit">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(limit.value)} y2={y(limit.value)} />
            <text x={WIDTH - PAD.right} y={y(limit.value) - 4} textAnchor="end">
              {limit.label}
            </text>
          </g>
        )}
      </svg>
      {series.length > 1 && <Legend series={series} />}
      <DataTable labels={labels} series={series} />
    </figure>
  );
}

function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="chart-legend">
      {series.map((line, index) => (
        <li key={line.name}>
          <span className={`swatch chart-series-${index}`} aria-hidden="true" />
          {line.name}
        </li>
      ))}
    </ul>
  );
}

/** Lines over a shared x axis (generations, days), with a dot per point. */
export function LineChart({ title, labels, series }: { title: string; labels: string[]; series: Series[] }) {
  const values = series.flatMap((line) => line.values);
  const max = Math.max(...values, 0);
  const tickValues = ticks(max || 1);
  const y = linear([0, tickValues[tickValues.length - 1] ?? 1], [HEIGHT - PAD.bottom, PAD.top]);
  const x = linear([0, Math.max(1, labels.length - 1)], [PAD.left + 8, WIDTH - PAD.right - 8]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        <Axis tickValues={tickValues} y={y} />
        {labels.map((label, index) => (
          <text key={label} className="chart-label" x={x(index)} y={HEIGHT - 8} textAnchor="middle">
            {label}
          </text>
        ))}
        {series.map((line, seriesIndex) => (
          <g key={line.name} className={`chart-line chart-series-${seriesIndex}`}>
            <polyline points={line.values.map((value, index) => `${x(index)},${y(value)}`).join(' ')} />
            {line.values.map((value, index) => (
              <circle key={labels[index] ?? index} cx={x(index)} cy={y(value)} r={3}>
                <title>{`${labels[index]} · ${line.name}: ${shortNumber(value)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <Legend series={series} />
      <DataTable labels={labels} series={series} />
    </figure>
  );
}
