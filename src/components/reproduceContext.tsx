import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ReproduceState, ReproduceStore } from '../store/reproduce';
import type { ReproductionReport } from '../reproduction/report';

export interface ReproduceContextValue {
  store: ReproduceStore;
  /** Loads the committed report (reports/), or rejects when none was built into the app. */
  loadCommitted: () => Promise<ReproductionReport>;
}

export const ReproduceContext = createContext<ReproduceContextValue | null>(null);

export function useReproduceContext(): ReproduceContextValue {
  const value = useContext(ReproduceContext);
  if (!value) throw new Error('useReproduce needs a <ReproduceContext.Provider>');
  return value;
}

export function useReproduce<T>(selector: (state: ReproduceState) => T): T {
  return useStore(useReproduceContext().store, selector);
}
