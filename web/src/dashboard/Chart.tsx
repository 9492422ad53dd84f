// A chart drawn by uPlot (loaded on first use, chartsLoader.ts), hidden from screen readers:
// every chart is a picture of a table shown beside it.

import { useEffect, useRef, useState } from "preact/hooks";
import { loadCharts, type ChartSpec } from "./chartsLoader";

export function Chart({ spec }: { spec: ChartSpec }) {
  const el = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let undo: (() => void) | undefined;
    let live = true;
    loadCharts().then(
      (charts) => {
        if (live && el.current) undo = charts.draw(el.current, spec);
      },
      () => setFailed(true),
    );
    return () => {
      live = false;
      undo?.();
    };
  }, [JSON.stringify(spec)]);
  // The chart is a picture of the table below it; screen readers read the table.
  return (
    <figure class="report-chart">
      <div ref={el} aria-hidden="true" data-chart={spec.title} />
      <figcaption class={failed ? "error" : "sr-only"}>{failed ? "The chart could not be drawn; the table below has its figures." : spec.title}</figcaption>
    </figure>
  );
}
