import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

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

/**
 * `vite preview` of the built site (`dist`, or vite's default) on 127.0.0.1:`port`, through vite's
 * own entry so that kill() stops the server itself, not a wrapper that leaves it running. Throws
 * when something already answers there: a bench must never measure another server or an old build.
 */
export async function startPreview(port: number, dist = ''): Promise<ChildProcess> {
  if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) throw new Error(`port ${port} is already serving something: stop it first`);
  return spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1', ...(dist ? ['--outDir', dist] : [])], { stdio: 'ignore' });
}

/** Headless Chromium as the scripts drive it: Debian's build where it exists (nothing is downloaded). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}
