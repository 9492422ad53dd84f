// Loads the charts bundle (charts.ts: uPlot) the first time a screen needs it: a script and a
// stylesheet from /dashboard/, once.

export interface ChartSpec {
  title: string;
  /** What the x axis counts (e.g. "Hour"). */
  xLabel: string;
  /** One label per point, in order. */
  labels: string[];
  series: { label: string; values: number[] }[];
  bars?: boolean;
}

export interface Charts {
  /** Draws a chart into `el`; returns what removes it. */
  draw(el: HTMLElement, spec: ChartSpec): () => void;
}

let loading: Promise<Charts> | null = null;

export function loadCharts(): Promise<Charts> {
  loading ??= new Promise<Charts>((resolve, reject) => {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/dashboard/charts.css";
    document.head.append(css);
    const script = document.createElement("script");
    script.src = "/dashboard/charts.js";
    script.onload = () => resolve((window as unknown as { refdeskCharts: Charts }).refdeskCharts);
    script.onerror = () => {
      loading = null;
      reject(new Error("the charts could not be loaded"));
    };
    document.head.append(script);
  });
  return loading;
}
