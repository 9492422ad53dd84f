// The Reports screen's charts: uPlot, in a bundle of its own (dist/dashboard/charts.js and
// charts.css), which the dashboard loads only when the Reports screen opens (chartsLoader.ts),
// so the chat screens never carry it. It puts one function on window: draw.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Charts, ChartSpec } from "./chartsLoader";

function draw(el: HTMLElement, spec: ChartSpec): () => void {
  const xs = spec.labels.map((_, i) => i);
  const opts: uPlot.Options = {
    width: Math.max(320, Math.min(el.clientWidth || 640, 960)),
    height: 220,
    title: spec.title,
    scales: { x: { time: false } },
    axes: [
      {
        values: (_u, splits) => splits.map((i) => spec.labels[i] ?? ""),
        splits: () => xs,
      },
      {},
    ],
    series: [
      { label: spec.xLabel },
      ...spec.series.map((s, n) => ({
        label: s.label,
        stroke: ["#1f5fa8", "#b5542d", "#5b7f2b"][n % 3],
        fill: spec.bars ? ["#1f5fa880", "#b5542d80", "#5b7f2b80"][n % 3] : undefined,
        paths: spec.bars ? uPlot.paths.bars!({ size: [0.7, 60] }) : undefined,
        points: { show: !spec.bars },
      })),
    ],
    legend: { show: true },
  };
  const data = [xs, ...spec.series.map((s) => s.values)] as uPlot.AlignedData;
  const plot = new uPlot(opts, data, el);
  // What was drawn, for anyone checking the chart against its table (the tests do).
  el.dataset.drawn = JSON.stringify(
    spec.series.map((s, n) => ({ label: s.label, total: (plot.data[n + 1] as number[]).reduce((a, b) => a + (b ?? 0), 0) })),
  );
  return () => plot.destroy();
}

(window as unknown as { refdeskCharts: Charts }).refdeskCharts = { draw };
