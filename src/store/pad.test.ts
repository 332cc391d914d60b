import { describe, expect, it } from 'vitest';
import { WASM_READY } from './fakeWorker';
import { createAppStore, type AppStore } from './appStore';
import { selectPadPreview, selectPadView } from './padView';
import { DEFAULT_PARAMS } from '../params/schema';
import type { ClassifyResult, Command, EngineEvent, RunSummary } from '../engine/protocol';

const ready = WASM_READY;

function storeWithEngine(): { store: AppStore; sent: Command[] } {
  const store = createAppStore();
  const sent: Command[] = [];
  store.setState({ sendCommand: (c) => sent.push(c) });
  store.getState().applyEngineEvent(ready);
  return { store, sent };
}

const oneHot = (j: number, p = 0.91) => Array.from({ length: 10 }, (_, i) => (i === j ? p : (1 - p) / 9));

function answer(classifyId: number, top: number, thieves: { runId: number; top: number; queries?: number; live?: boolean } | null = null): EngineEvent {
  return {
    type: 'classified',
    classifyId,
    defender: oneHot(top),
    defended: oneHot(top, 0.4),
    thiefUndefended: thieves ? oneHot(thieves.top) : null,
    thiefDefended: thieves ? oneHot(thieves.top, 0.3) : null,
    thiefRunId: thieves?.runId ?? null,
    thiefQueries: thieves ? (thieves.queries ?? 19200) : null,
    thiefLive: thieves?.live ?? false,
  };
}

const drawing = (v: number) => Array.from({ length: 784 }, (_, i) => (i === 400 ? v : 0));
const classifyCommands = (sent: Command[]) => sent.filter((c): c is Extract<Command, { type: 'classify' }> => c.type === 'classify');

describe('the drawing pad in the store', () => {
  it('sends each drawing with a new id and drops answers to older drawings', () => {
    const { store, sent } = storeWithEngine();
    store.getState().classifyDrawing(drawing(0.5));
    store.getState().classifyDrawing(drawing(1));
    const cmds = classifyCommands(sent);
    expect(cmds.map((c) => c.classifyId)).toEqual([1, 2]);
    expect(cmds[1].pixels[400]).toBe(1);
    expect(cmds[1].config).toEqual(DEFAULT_PARAMS);
    expect(store.getState().pad.status).toBe('loading');

    // The answer to the newest drawing arrives first; the stale one after it is ignored.
    store.getState().applyEngineEvent(answer(2, 7));
    expect(store.getState().pad.status).toBe('ready');
    expect(store.getState().pad.result?.classifyId).toBe(2);
    store.getState().applyEngineEvent(answer(1, 3));
    expect(store.getState().pad.result?.classifyId).toBe(2);
    expect(store.getState().pad.result?.defender.indexOf(0.91)).toBe(7);

    // A stale error is ignored too; the current one shows.
    store.getState().classifyDrawing(drawing(0.8));
    store.getState().applyEngineEvent({ type: 'error', classifyId: 2, phase: 'classify', message: 'old', hint: '' });
    expect(store.getState().pad.status).toBe('loading');
    store.getState().applyEngineEvent({ type: 'error', classifyId: 3, phase: 'classify', message: 'No trained defender', hint: 'Run the theft once' });
    expect(store.getState().pad.status).toBe('error');
    expect(store.getState().pad.error?.message).toBe('No trained defender');
    // A classify error never touches the run.
    expect(store.getState().run.status).toBe('idle');
  });

  it('clearing drops the answer still on its way', () => {
    const { store } = storeWithEngine();
    store.getState().classifyDrawing(drawing(1));
    store.getState().clearPad();
    store.getState().applyEngineEvent(answer(1, 4));
    expect(store.getState().pad.result).toBeNull();
    expect(store.getState().pad.pixels).toBeNull();
    expect(store.getState().pad.status).toBe('idle');
  });

  it('waits for the engine, then sends; refresh re-sends the same image with the new settings', () => {
    const store = createAppStore();
    const sent: Command[] = [];
    store.setState({ sendCommand: (c) => sent.push(c) });
    store.getState().classifyDrawing(drawing(1));
    expect(store.getState().pad.status).toBe('waiting');
    expect(sent).toHaveLength(0);
    store.getState().applyEngineEvent(ready);
    expect(classifyCommands(sent)).toHaveLength(1);
    store.getState().setNumber('beta', 1.2);
    store.getState().refreshPad();
    const last = classifyCommands(sent).at(-1)!;
    expect(last.config.beta).toBe(1.2);
    expect(last.pixels[400]).toBe(1);
    expect(last.classifyId).toBe(store.getState().pad.classifyId);
  });

  it('a test image is asked for by index, and its pixels and label come back with the answer', () => {
    const { store, sent } = storeWithEngine();
    store.getState().classifyTestImage(5);
    const cmd = classifyCommands(sent)[0];
    expect(cmd.testIndex).toBe(5);
    const pixels = drawing(0.25);
    store.getState().applyEngineEvent({ ...(answer(cmd.classifyId, 1) as ClassifyResult & { type: 'classified' }), testImage: { index: 5, label: 1, pixels } });
    const pad = store.getState().pad;
    expect(pad.source).toEqual({ kind: 'test', index: 5, label: 1 });
    expect(pad.pixels).toBe(pixels);
    expect(selectPadPreview(pad.pixels!)[400]).toBe(64);
    // Asked again (new settings): now by its pixels.
    store.getState().refreshPad();
    const again = classifyCommands(sent).at(-1)!;
    expect(again.testIndex).toBeUndefined();
    expect(again.pixels).toBe(pixels);
  });
});

describe('selectPadView', () => {
  const summary = { queries: 19200 } as RunSummary;

  it('before any run: the defender and the defended answer, and a line asking for a run', () => {
    const { store } = storeWithEngine();
    store.getState().classifyDrawing(drawing(1));
    store.getState().applyEngineEvent(answer(1, 7));
    const s = store.getState();
    const view = selectPadView(s.pad, s.run, s.params);
    expect(view.cards.map((c) => c.id)).toEqual(['defender', 'defended']);
    expect(view.cards[0].topName).toBe('7');
    expect(view.cards[0].rows.filter((r) => r.top).map((r) => r.label)).toEqual(['7']);
    expect(view.cards[1].subtitle).toBe('reverse sigmoid, β = 1, γ = 0.5');
    expect(view.thievesNote).toMatch(/Run a theft to see the thieves/);
    // Memoised: the same inputs give the same object.
    expect(selectPadView(s.pad, s.run, s.params)).toBe(view);
  });

  it('after a finished run: all four answers; the next run\'s thieves answer live from its first budget step', () => {
    const { store } = storeWithEngine();
    store.getState().startRun();
    store.getState().applyEngineEvent({ type: 'done', runId: 1, summary });
    store.getState().classifyDrawing(drawing(1));
    store.getState().applyEngineEvent(answer(1, 7, { runId: 1, top: 1 }));
    let s = store.getState();
    let view = selectPadView(s.pad, s.run, { ...s.params, dataset: 'mnist' });
    expect(view.cards.map((c) => c.id)).toEqual(['defender', 'defended', 'thief-undefended', 'thief-defended']);
    expect(view.cards[2].topName).toBe('1');
    expect(view.cards[2].subtitle).toBe('thief I after 19,200 honest answers');
    expect(view.cards[3].subtitle).toBe('thief I after 19,200 defended answers');
    expect(view.thievesNote).toBeNull();

    store.getState().startRun();
    s = store.getState();
    view = selectPadView(s.pad, s.run, s.params);
    expect(view.cards).toHaveLength(2);
    expect(view.thievesNote).toMatch(/after the run’s first budget step/);

    // From the first budget step on, the running thieves answer as trained so far.
    store.getState().classifyDrawing(drawing(1));
    store.getState().applyEngineEvent(answer(2, 7, { runId: 2, top: 4, queries: 600, live: true }));
    s = store.getState();
    view = selectPadView(s.pad, s.run, s.params);
    expect(view.cards.map((c) => c.id)).toEqual(['defender', 'defended', 'thief-undefended', 'thief-defended']);
    expect(view.cards[2].topName).toBe('4');
    expect(view.cards[2].subtitle).toBe('thief I, live: 600 honest answers so far');
    expect(view.cards[3].subtitle).toBe('thief I, live: 600 defended answers so far');
    expect(view.thievesNote).toBeNull();
    // A live answer from an older run's thieves is not shown as this run's.
    store.getState().classifyDrawing(drawing(1));
    store.getState().applyEngineEvent(answer(3, 7, { runId: 1, top: 4, queries: 600, live: true }));
    s = store.getState();
    expect(selectPadView(s.pad, s.run, s.params).cards).toHaveLength(2);
  });

  it('Fashion-MNIST answers are named', () => {
    const { store } = storeWithEngine();
    store.getState().setEnum('dataset', 'fashion-mnist');
    store.getState().classifyDrawing(drawing(1));
    store.getState().applyEngineEvent(answer(1, 7));
    const s = store.getState();
    expect(selectPadView(s.pad, s.run, s.params).cards[0].topName).toBe('Sneaker');
  });
});
