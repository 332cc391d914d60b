import { selectSampleStrip } from '../store/selectors';
import { AnswerBars } from './charts/AnswerBars';
import { DigitImage } from './DigitImage';
import { useApp } from './storeContext';

/** "What the thief sees": real queries with the defender's true answer and the defended one. */
export function ThiefView() {
  const samples = useApp((s) => s.run.samples);
  const classNames = useApp((s) => (s.run.config?.dataset === 'fashion-mnist' ? FASHION : DIGITS));
  const strip = selectSampleStrip(samples, classNames);
  if (strip.length === 0) return null;
  return (
    <section className="thief-view" aria-labelledby="tv-title" data-testid="thief-view">
      <h3 id="tv-title">What the thief sees</h3>
      <p className="hint">
        <span className="key key-original" /> the defender&apos;s true answer · <span className="key key-defended" /> the answer the
        thief gets. The top class usually survives; the rest of the distribution is what the defense poisons.
      </p>
      <ul className="samples">
        {strip.map((s, i) => (
          <li key={i} className="sample">
            <DigitImage pixels={s.pixels} label={s.caption} />
            <span className="sample-caption">{s.caption}</span>
            <AnswerBars rows={s.rows} domain={s.domain} />
            <span className={s.offSimplex ? 'sample-stats off-simplex' : 'sample-stats'} data-testid="sample-stats">
              {s.stats}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Boot'];
