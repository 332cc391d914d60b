import { memo, useState } from 'react';
import { classNamesFor } from '../store/classNames';
import { placeholderSampleStrip, selectSampleStrip, type SampleCard as SampleCardData } from '../store/sampleStrip';
import { AnswerBars } from './charts/AnswerBars';
import { DigitImage } from './DigitImage';
import { useApp } from './storeContext';

/** "What the thief sees": real queries with the defender's true answer and the defended one. */
export function ThiefView() {
  const samples = useApp((s) => s.run.samples);
  // The names of the run's data (one list per data set, the same array each time).
  const names = useApp((s) => classNamesFor(s.run.config ?? s.params));
  // selectSampleStrip memoises per samples array and class-name list: no useMemo needed.
  const strip = selectSampleStrip(samples, names);
  const waiting = strip.length === 0;
  const running = useApp((s) => s.run.status === 'running');
  // The last strip shown, kept across runs (React's "information from previous renders" pattern).
  const [previous, setPrevious] = useState<SampleCardData[] | null>(null);
  if (!waiting && previous !== strip) setPrevious(strip);
  // Before the first answers, cards of the same size hold the strip's place, so the page does not
  // move when they arrive: blank ones on a fresh page, the last run's (dimmed) while a new run
  // starts. Redrawing eight blank cards on Run was a fifth to a quarter of the run start's main-thread work.
  const holding = waiting && running && previous !== null;
  const cards = waiting ? (holding ? previous : placeholderSampleStrip()) : strip;
  return (
    <section className="thief-view" aria-labelledby="tv-title" data-testid="thief-view" data-waiting={waiting}>
      <h3 id="tv-title">What the thief sees</h3>
      <p className="hint">
        <span className="key key-original" /> the defender&apos;s true answer · <span className="key key-defended" /> the answer the
        thief gets.{' '}
        {holding
          ? 'Dimmed: the last run’s queries, until this run’s first eight arrive.'
          : waiting
          ? 'The thief’s first eight queries appear here when a run starts.'
          : 'The top class usually survives; the rest of the distribution is what the defense poisons.'}
      </p>
      <ul className={waiting ? 'samples samples-waiting' : 'samples'} aria-hidden={waiting || undefined}>
        {cards.map((sample, i) => (
          <SampleCard key={i} sample={sample} />
        ))}
      </ul>
    </section>
  );
}

const SampleCard = memo(function SampleCard({ sample }: { sample: SampleCardData }) {
  return (
    <li className="sample">
      <DigitImage pixels={sample.pixels} label={sample.caption} />
      <span className="sample-caption">{sample.caption}</span>
      <AnswerBars geometry={sample.geometry} summary={sample.summary} />
      <span className={sample.offSimplex ? 'sample-stats off-simplex' : 'sample-stats'} data-testid="sample-stats">
        {sample.stats}
      </span>
    </li>
  );
});

