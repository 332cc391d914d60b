/** Polls `url` until the local preview server answers (bench and reproduce both start one). */
export async function waitForServer(url: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > ms) throw new Error(`preview server did not start at ${url}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
