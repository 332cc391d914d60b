import type { Page } from '@playwright/test';

/** What the page's main thread did, recorded by PerformanceObservers from the first byte on. */
export interface MainThreadRecord {
  /** Long tasks (≥ 50 ms): start (ms since navigation) and duration. */
  longTasks: { start: number; duration: number }[];
  /** Input events that took ≥ 16 ms to handle. */
  events: { name: string; duration: number }[];
  /** Layout shifts not caused by input (the Web Vitals rule), with the nodes that moved. */
  shifts: { value: number; at: number; sources: string[] }[];
}

/** Installs the observers in every page `page` loads from now on. */
export async function observeMainThread(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const record: MainThreadRecord = { longTasks: [], events: [], shifts: [] };
    (window as unknown as { __mainThread: MainThreadRecord }).__mainThread = record;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean; startTime: number; sources?: { node?: Node }[] }[]) {
        if (e.hadRecentInput) continue;
        const sources = (e.sources ?? []).map((s) => {
          const el = s.node instanceof Element ? s.node : s.node?.parentElement;
          return el ? `${el.tagName.toLowerCase()}.${el.className}` : '?';
        });
        record.shifts.push({ value: e.value, at: e.startTime, sources });
      }
    }).observe({ type: 'layout-shift', buffered: true });
    new PerformanceObserver((list) => record.longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({
      type: 'longtask',
      buffered: true,
    });
    new PerformanceObserver((list) => record.events.push(...list.getEntries().map((e) => ({ name: e.name, duration: e.duration })))).observe({
      type: 'event',
      durationThreshold: 16,
      buffered: true,
    } as PerformanceObserverInit);
  });
}

/** Everything recorded so far (or since the last `clearMainThread`). */
export function mainThread(page: Page): Promise<MainThreadRecord> {
  return page.evaluate(() => (window as unknown as { __mainThread: MainThreadRecord }).__mainThread);
}

/** Forgets what was recorded (all of it, or the kinds named): measure a window of the page's life from here. */
export async function clearMainThread(page: Page, kinds: (keyof MainThreadRecord)[] = ['longTasks', 'events', 'shifts']): Promise<void> {
  await page.evaluate((kinds) => {
    const r = (window as unknown as { __mainThread: MainThreadRecord }).__mainThread;
    for (const k of kinds) r[k].length = 0;
  }, kinds);
}

/** The longest long task in a record, in ms (0 when there was none). */
export const longest = (r: MainThreadRecord): number => Math.max(0, ...r.longTasks.map((t) => t.duration));
