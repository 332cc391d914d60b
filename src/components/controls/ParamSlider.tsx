import { memo, useId, useState } from 'react';
import { PARAMS, accessibleName, type NumberParamKey, type NumberParamSpec } from '../../params/schema';
import { useApp } from '../storeContext';

/**
 * A labelled slider with a number box and a reset-to-default button, all driven by the
 * parameter's schema entry (range, step, help, default). Keyboard: arrows/PageUp/PageDown/
 * Home/End on the slider; typing in the box commits on Enter or blur. Memoised: it reads its value
 * from the store, so a parent's re-render (a run starting) skips it.
 */
export const ParamSlider = memo(function ParamSlider({ param }: { param: NumberParamKey }) {
  const spec: NumberParamSpec = PARAMS[param];
  const value = useApp((s) => s.params[param]);
  const setNumber = useApp((s) => s.setNumber);
  const resetParam = useApp((s) => s.resetParam);
  const id = useId();
  const name = accessibleName(param);
  const [draft, setDraft] = useState<string | null>(null);

  const commitDraft = () => {
    if (draft === null) return;
    setNumber(param, draft.trim() === '' ? Number.NaN : Number(draft));
    setDraft(null);
  };

  return (
    <div className="param" data-testid={`param-${param}`}>
      <div className="param-head">
        <label htmlFor={id} className="param-label" title={spec.help}>
          <span className="param-symbol">{spec.symbol}</span> <span className="param-word">{spec.word}</span>
        </label>
        <input
          className="param-number"
          type="number"
          aria-label={`${name} value`}
          min={spec.min}
          max={spec.max}
          step={spec.step}
          value={draft ?? String(value)}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitDraft}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitDraft();
            if (e.key === 'Escape') setDraft(null);
          }}
        />
        <button
          type="button"
          className="param-reset"
          onClick={() => resetParam(param)}
          disabled={value === spec.default}
          aria-label={`Reset ${name} to ${spec.default}`}
          title={`Reset to the default ${spec.default}${spec.source ? ` (${spec.source})` : ''}`}
        >
          ↺
        </button>
      </div>
      <input
        id={id}
        className="param-range"
        type="range"
        aria-label={name}
        aria-valuetext={`${value.toLocaleString('en-US', { maximumFractionDigits: 6 })}${spec.unit ? ` ${spec.unit}` : ''}`}
        aria-describedby={`${id}-help`}
        min={spec.min}
        max={spec.max}
        step={spec.step}
        value={value}
        onChange={(e) => setNumber(param, e.target.valueAsNumber)}
      />
      <p id={`${id}-help`} className="param-help">
        {spec.help}
      </p>
    </div>
  );
});
