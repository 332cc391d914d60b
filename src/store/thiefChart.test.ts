import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../params/schema';
import { WASM_READY } from './fakeWorker';
import { createAppStore } from './appStore';
import { selectThiefChart } from './thiefChart';

const ready = WASM_READY;

function readyStore(params: Partial<Params> = {}) {
  const store = createAppStore({ ...DEFAULT_PARAMS, budget: 300, ...params });
  store.setState({ sendCommand: () => {} });
  store.getState().applyEngineEvent(ready);
  return store;
}

describe('thief chart selector', () => {
  it('before a run the chart axis follows the budget setting, so Run with the same budget hands the chart the same object', () => {
    const store = readyStore(); // budget 300
    const idle = selectThiefChart(store.getState().run, store.getState().params);
    expect(idle.xTicks).toEqual([150, 300]);
    expect(idle.xDomain).toEqual([150, 300]);
    store.getState().startRun();
    // Same budget, no rows yet: the very same data object, so the click's task does not redraw the chart.
    expect(selectThiefChart(store.getState().run, store.getState().params)).toBe(idle);
    // During a run the run's own budget wins over a setting moved since.
    expect(selectThiefChart(store.getState().run, { ...store.getState().params, budget: 19200 }).xDomain).toEqual([150, 300]);
    store.getState().resetRun();
    expect(selectThiefChart(store.getState().run, { ...store.getState().params, budget: 2400 }).xTicks).toEqual([150, 300, 600, 1200, 2400]);
  });

  it('draws chance at 1/K of the data: 1/10 for the image sets, 1/toyClasses for the 2-D ones', () => {
    const run = readyStore().getState().run;
    expect(selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'mnist' }).chance).toBe(0.1);
    expect(selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'fashion-mnist' }).chance).toBe(0.1);
    // An image data set has 10 classes whatever the (unused) 2-D class count says.
    expect(selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'mnist', toyClasses: 3 }).chance).toBe(0.1);
    expect(selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'moons', toyClasses: 2 }).chance).toBe(0.5);
    expect(selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'blobs', toyClasses: 3 }).chance).toBe(1 / 3);
    expect(selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'spiral', toyClasses: 5 }).chance).toBe(0.2);
  });

  it('a run draws the chance of the data it ran on, and keeps its object while only the settings move', () => {
    const store = readyStore({ dataset: 'blobs', toyClasses: 3 });
    const idle = selectThiefChart(store.getState().run, store.getState().params);
    expect(idle.chance).toBe(1 / 3);
    store.getState().startRun();
    const running = selectThiefChart(store.getState().run, store.getState().params);
    // Same budget and data as the idle chart: the same object.
    expect(running).toBe(idle);
    // The page moves to MNIST mid-run: the chart still shows the 3-class run's chance line.
    expect(selectThiefChart(store.getState().run, { ...store.getState().params, dataset: 'mnist' })).toBe(running);
    // And the other way round: an MNIST run stays at 1/10 while the page shows 4-class blobs.
    const mnist = readyStore({ dataset: 'mnist' });
    mnist.getState().startRun();
    expect(selectThiefChart(mnist.getState().run, { ...mnist.getState().params, dataset: 'blobs', toyClasses: 4 }).chance).toBe(0.1);
  });

  it('a new class count before a run is a new chart object', () => {
    const run = readyStore().getState().run;
    const three = selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'xor', toyClasses: 3 });
    expect(selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'xor', toyClasses: 3 })).toBe(three);
    const four = selectThiefChart(run, { ...DEFAULT_PARAMS, dataset: 'xor', toyClasses: 4 });
    expect(four).not.toBe(three);
    expect(four.chance).toBe(0.25);
  });
});
