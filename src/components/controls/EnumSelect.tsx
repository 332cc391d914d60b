import { useId } from 'react';
import { PARAMS, type EnumParamSpec, type NumberParamKey, type ParamKey, type Params } from '../../params/schema';
import { useApp } from '../storeContext';

type EnumKey = Exclude<ParamKey, NumberParamKey>;

/**
 * A labelled drop-down for one enum parameter, driven by its schema entry; `options` lists a
 * subset (the lab offers the image data sets, the playground the 2-D ones).
 */
export function EnumSelect<K extends EnumKey>({ param, disabled = false, options }: { param: K; disabled?: boolean; options?: readonly Params[K][] }) {
  const spec = PARAMS[param] as EnumParamSpec;
  const value = useApp((s) => s.params[param]) as string;
  const setEnum = useApp((s) => s.setEnum);
  const id = useId();
  return (
    <div className="enum" data-testid={`param-${param}`}>
      <label htmlFor={id} className="enum-label" title={spec.help}>
        {spec.word}
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-describedby={`${id}-help`}
        onChange={(e) => setEnum(param, e.target.value as Params[K])}
      >
        {(options ?? spec.options).map((o) => (
          <option key={o} value={o}>
            {(spec.optionLabels as Record<string, string>)[o]}
          </option>
        ))}
      </select>
      <span id={`${id}-help`} className="visually-hidden">
        {spec.help}
      </span>
    </div>
  );
}
