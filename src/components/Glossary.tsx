import { betterSentence, GLOSSARY, glossaryAnchor } from '../params/glossary';
import './glossary.css';

/**
 * Every word of the lab in one list, from the same registry the table headers read: each term is
 * an anchor (glossary-<id>), its one-sentence meaning, which direction is better for whom, and
 * where there is more to say, a second paragraph.
 */
export function Glossary() {
  return (
    <section className="panel glossary" aria-labelledby="glossary-title">
      <header className="panel-head">
        <h2 id="glossary-title">Glossary</h2>
        <p className="lede">The words in the lab&apos;s settings and results, and which way each number is good and for whom.</p>
      </header>
      <dl className="panel-body glossary-list">
        {GLOSSARY.map((entry) => {
          const better = betterSentence(entry);
          return (
            <div key={entry.id} className="glossary-entry">
              <dt id={glossaryAnchor(entry.id)}>{entry.term}</dt>
              <dd>
                {entry.short}
                {better !== null && <span className="glossary-better"> {better}</span>}
              </dd>
              {entry.more !== undefined && <dd className="glossary-more">{entry.more}</dd>}
            </div>
          );
        })}
      </dl>
    </section>
  );
}
