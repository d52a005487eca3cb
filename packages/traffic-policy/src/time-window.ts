/** A time interval in epoch milliseconds: `start` inclusive, `end` exclusive; absent is open. */
export interface TimeWindow {
  readonly start?: number | undefined;
  readonly end?: number | undefined;
}

// RFC 3339 as Kubernetes writes metav1.Time: a date, `T`, a time, optional fraction, and `Z` or
// an offset. Date.parse alone takes many other forms, some of them read in local time.
const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an RFC 3339 time; undefined when `text` is not one. */
export const parseTimestamp = (text: string): number | undefined => {
  if (!RFC_3339.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
};

/** Whether `now` is inside `window`. */
export const inWindow = (window: TimeWindow, now: number): boolean =>
  (window.start === undefined || now >= window.start) &&
  (window.end === undefined || now < window.end);

/** Whether `now` is inside one of `windows`; no windows at all means always. */
export const inAnyWindow = (windows: readonly TimeWindow[] | undefined, now: number): boolean =>
  windows === undefined || windows.some((window) => inWindow(window, now));
