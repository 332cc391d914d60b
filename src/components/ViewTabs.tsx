import { PARAMS, VIEWS } from '../params/schema';
import { useApp } from './storeContext';

/** Lab / Reproduce: two views of one page, remembered in the share link (`view=reproduce`). */
export function ViewTabs() {
  const view = useApp((s) => s.params.view);
  const setEnum = useApp((s) => s.setEnum);
  return (
    <nav className="view-tabs" aria-label="Views">
      {VIEWS.map((v) => (
        <button key={v} type="button" className={v === view ? 'view-tab active' : 'view-tab'} aria-current={v === view ? 'page' : undefined} onClick={() => setEnum('view', v)}>
          {PARAMS.view.optionLabels[v]}
        </button>
      ))}
    </nav>
  );
}
