// The dashboard's number formats: percentages, integers and durations. Pure, no DOM.
export const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`;
export const int = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US');

/** "3 min 20 s" from seconds. */
export const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
};
