// Layer rules: each folder under src/ may import only from the folders before it in LAYERS.
// math → params → data → models → engine → reproduction → store → components → app
// reproduction (the papers' experiments: plan and report) is pure like params, and like the UI
// layers it reads the engine only through the types of engine/protocol, so the same plan and
// report run in the page and in Node.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const LAYERS = ['math', 'params', 'data', 'models', 'engine', 'reproduction', 'store', 'components', 'app'];

/** Libraries each layer must not touch (besides the later layers). */
const BANNED_LIBS = {
  math: ['@tensorflow/*', 'react', 'react-dom', 'recharts', 'zustand', 'zod'],
  params: ['@tensorflow/*', 'react', 'react-dom', 'recharts', 'zustand'],
  data: ['@tensorflow/*', 'react', 'react-dom', 'recharts', 'zustand'],
  models: ['react', 'react-dom', 'recharts', 'zustand'],
  engine: ['react', 'react-dom', 'recharts', 'zustand'],
  reproduction: ['@tensorflow/*', 'react', 'react-dom', 'recharts', 'zustand'],
  store: ['@tensorflow/*', 'react-dom', 'recharts'],
  components: ['@tensorflow/*'],
  app: ['@tensorflow/*'],
};

function layerRule(layer) {
  const i = LAYERS.indexOf(layer);
  const later = LAYERS.slice(i + 1);
  const patterns = [
    ...later.map((l) => ({
      group: [`**/${l}`, `**/${l}/*`, `**/${l}/**`],
      message: `src/${layer} sits before src/${l}: imports point one way only (${LAYERS.join(' → ')}).`,
    })),
    ...BANNED_LIBS[layer].map((lib) => ({
      group: [lib, `${lib}/**`],
      message: `src/${layer} must not depend on ${lib}.`,
    })),
  ];
  // The layers after the engine talk to it only through its protocol types (the worker is
  // started by URL, not imported), and never touch tfjs-side layers.
  if (LAYERS.indexOf(layer) > LAYERS.indexOf('engine')) {
    patterns.push(
      {
        group: ['**/engine/*', '!**/engine/protocol', '!**/engine/protocol.ts', '**/engine'],
        message: 'Only engine/protocol crosses into the layers after the engine.',
      },
      {
        group: ['**/engine/protocol', '**/engine/protocol.ts'],
        allowTypeImports: true,
        message: 'engine/protocol crosses into the layers after the engine only as `import type`.',
      },
      {
        group: ['**/models', '**/models/*', '**/data', '**/data/*'],
        message: 'The layers after the engine never touch models/ or data/ (they run in the worker).',
      },
    );
  }
  return {
    files: [`src/${layer}/**/*.{ts,tsx}`],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/', 'test-results/', 'test-reports/', 'playwright-report/', 'reports/', 'bench/*.json'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...LAYERS.map(layerRule),
);
