/**
 * What the page calls each class of a data set: digits for MNIST, garment names for
 * Fashion-MNIST, letters for the playground's 2-D data. The worker reads the names from the
 * data manifest, but data/ runs in the worker and the page never fetches the manifest, so the
 * page keeps its own short names (shortened to fit under a bar: "T-shirt", "Boot").
 */
import { isToyDataset, type Params } from '../params/schema';

const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
const FASHION_CLASSES = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'] as const;

// One list per class count, so a memo keyed on the names sees the same array each time.
const toyNames = new Map<number, readonly string[]>();

/** 'A', 'B', …: the letters data/toy.ts gives the 2-D classes (letters never read as digits). */
function toyClassNames(k: number): readonly string[] {
  let names = toyNames.get(k);
  if (!names) {
    names = Object.freeze(Array.from({ length: k }, (_, c) => String.fromCharCode(65 + c)));
    toyNames.set(k, names);
  }
  return names;
}

/** The class names of the data a run with settings `p` uses; their number is the run's K. */
export function classNamesFor(p: Pick<Params, 'dataset' | 'toyClasses'>): readonly string[] {
  if (isToyDataset(p.dataset)) return toyClassNames(p.toyClasses);
  return p.dataset === 'fashion-mnist' ? FASHION_CLASSES : DIGIT_CLASSES;
}
