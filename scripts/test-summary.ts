/**
 * Prints one closing line over both test runners, e.g. `total: 120 passed, 0 failed, 1 skipped`,
 * from the JSON reports vitest and Playwright write. Exits non-zero if a report is missing or
 * counts no test at all (a suite that ran nothing must not look green).
 */
import { existsSync, readFileSync } from 'node:fs';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function readJson(path: string): unknown {
  if (!existsSync(path)) throw new Error(`${path} is missing: did the test runner start?`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

function vitestCounts(path: string): Counts {
  const r = readJson(path) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightCounts(path: string): Counts {
  const r = readJson(path) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
}

const unit = vitestCounts('test-reports/vitest.json');
const e2e = playwrightCounts('test-reports/playwright.json');
const line = (c: Counts) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
console.log(`unit: ${line(unit)}`);
console.log(`browser: ${line(e2e)}`);
const total = { passed: unit.passed + e2e.passed, failed: unit.failed + e2e.failed, skipped: unit.skipped + e2e.skipped };
console.log(`total: ${line(total)}`);
if (total.failed > 0 || unit.passed === 0 || e2e.passed === 0) process.exit(1);
