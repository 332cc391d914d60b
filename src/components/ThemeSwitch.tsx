import { useEffect, useState } from 'react';
import { EnumSelect } from './controls/EnumSelect';
import { useApp } from './storeContext';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** Applies the chosen theme to <html data-theme>, following the system while set to "auto". */
export function ThemeSwitch() {
  const theme = useApp((s) => s.params.theme);
  const [systemDark, setSystemDark] = useState(() => window.matchMedia?.(DARK_QUERY).matches ?? false);
  useEffect(() => {
    const mq = window.matchMedia?.(DARK_QUERY);
    if (!mq) return;
    const onChange = () => setSystemDark(mq.matches);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  const resolved = theme === 'auto' ? (systemDark ? 'dark' : 'light') : theme;
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
  }, [resolved]);
  return (
    <div className="theme-switch">
      <EnumSelect param="theme" />
    </div>
  );
}
