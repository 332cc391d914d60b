import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../store/appStore';

export const StoreContext = createContext<AppStore | null>(null);

/** Read a slice of the app store; re-renders only when that slice changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

/** The store itself, for reading state inside an event handler without re-rendering on it. */
export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp needs a <StoreContext.Provider>');
  return store;
}
