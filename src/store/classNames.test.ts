import { describe, expect, it } from 'vitest';
import { toyClassNames } from '../data/toy';
import { DEFAULT_PARAMS } from '../params/schema';
import { classNamesFor } from './classNames';

describe('classNamesFor', () => {
  it('names the image sets\' ten classes', () => {
    expect(classNamesFor({ ...DEFAULT_PARAMS, dataset: 'mnist' })).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const fashion = classNamesFor({ ...DEFAULT_PARAMS, dataset: 'fashion-mnist' });
    expect(fashion).toHaveLength(10);
    expect(fashion[7]).toBe('Sneaker');
  });

  it('names the 2-D data sets\' K classes with the data layer\'s letters, one list object per K', () => {
    for (let k = 2; k <= 5; k++) {
      const names = classNamesFor({ ...DEFAULT_PARAMS, dataset: 'moons', toyClasses: k });
      expect(names).toEqual(toyClassNames(k));
      expect(classNamesFor({ ...DEFAULT_PARAMS, dataset: 'spiral', toyClasses: k })).toBe(names);
    }
    expect(classNamesFor({ ...DEFAULT_PARAMS, dataset: 'blobs', toyClasses: 3 })).toEqual(['A', 'B', 'C']);
  });
});
