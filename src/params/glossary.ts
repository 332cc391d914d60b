/**
 * The words of the lab, defined once: every table header's hover text and the glossary list read
 * this registry, so a definition is written in one place and cannot drift between the two.
 *
 * `better` says which direction of a measure is good for whom. A measure is good for one side
 * and bad for the other (agreement helps the thief and hurts the defender), so an entry names the
 * side it speaks for in `betterFor` rather than pretending a number is simply good or bad.
 */
import { PARAMS } from './schema';

interface EntryText {
  /** Stable key: the anchor `glossary-<id>` and what a table header names. Never rename. */
  id: string;
  /** The term as the page writes it. */
  term: string;
  /** One sentence, ending in a period: what it is. */
  short: string;
  /** Further sentences for the glossary list only; hover texts stay one line. */
  more?: string;
}

/** A term that is no measure (an actor, a setting) or whose best value depends on the trade-off. */
interface Unranked extends EntryText {
  better: null;
}

/** A measure with a direction: `better` is good for `betterFor` (e.g. "the thief"). */
interface Ranked extends EntryText {
  better: 'higher' | 'lower';
  betterFor: string;
}

export type GlossaryEntry = Unranked | Ranked;

const ENTRIES = [
  // Who is who, and what travels between them.
  {
    id: 'defender',
    term: 'defender',
    short: 'The classifier being stolen: it answers each query image with a probability for every class.',
    better: null,
    more: 'It is trained on its own share of the training images; the thief never sees its weights or its training data, only its answers.',
  },
  {
    id: 'substitute',
    term: 'thief (substitute model)',
    short: "The attacker's own network, trained only on the defender's answers to the images it sends, so that it copies the defender.",
    better: null,
    more: 'Each run trains two thieves with the same settings, one on honest answers and one on defended answers, so the difference between them is what the defense achieved.',
  },
  {
    id: 'honest-answers',
    term: 'honest answers',
    short: 'The probabilities the defender computes, before any defense changes them.',
    better: null,
    more: 'A thief trained on them shows how well stealing works with no defense at all.',
  },
  {
    id: 'defended-answers',
    term: 'defended answers',
    short: 'The answers after the defense has changed them, which is what everyone asking the defended service gets back.',
    better: null,
    more: 'Honest users and thieves receive the same defended answers, so a defense must spoil them for training a copy while keeping them useful to honest users.',
  },
  {
    id: 'queries',
    term: 'queries',
    short: 'The images the thief has sent to the defender so far, each answered with one vector of class probabilities.',
    better: null,
    more: 'Cloud services charge for every query, so a thief wants a good copy from as few queries as possible.',
  },
  {
    id: 'budget',
    term: 'query budget',
    short: 'The most queries the thief may send in one run; the thieves are scored at 150, 300, 600 … queries up to it.',
    better: null,
    more: `The default, ${PARAMS.budget.default.toLocaleString('en-US')} queries, is the budget of the reverse-sigmoid paper's Table I.`,
  },
  // How the thief asks.
  {
    id: 'attack-sample',
    term: 'Sample attack',
    short: 'The thief queries with real images and trains on the full probability vectors the defender returns.',
    better: null,
    more: "The real images come from the attacker's share of the training set, which the defender never trained on.",
  },
  {
    id: 'attack-argmax',
    term: 'ArgmaxSample attack',
    short: 'The thief queries with real images but keeps only the top class of each answer, as if the service returned a label and no probabilities.',
    better: null,
    more: 'A defense that leaves every top class in place changes nothing for this thief.',
  },
  {
    id: 'attack-jacobian',
    term: 'Jacobian attack',
    short: 'The thief starts from a few real images and makes each new query by nudging its images in the direction that most changes its own output for the class the defender named.',
    better: null,
    more: "This is Papernot et al.'s Jacobian-based augmentation: the new images crowd around the thief's decision boundaries, where the defender's answers teach it most.",
  },
  // The defenses' settings.
  {
    id: 'beta',
    term: 'β (beta)',
    short: 'The strength of the reverse sigmoid: how far it pushes each probability away from its honest value, with 0 switching the defense off.',
    better: null,
    more: 'Larger β hurts the thief more, but past a point it also changes the top class that honest users see.',
  },
  {
    id: 'gamma',
    term: 'γ (gamma)',
    short: 'The steepness of the reverse sigmoid: larger γ makes its push a sharper step around a probability of ½.',
    better: null,
  },
  {
    id: 'epsilon',
    term: 'ε (epsilon)',
    short: 'The size of the ε counter-attack: the defender moves each probability up or down by ε, in the direction that most upsets a thief training on the answer.',
    better: null,
    more: `The counter-attack paper reports that ε = ${PARAMS.epsilon.default} is already enough. The raw answers can then dip below 0 or stop summing to 1, which a careful thief repairs before training.`,
  },
  // How well the theft worked.
  {
    id: 'accuracy',
    term: 'test accuracy',
    short: "The fraction of test images on which the thief's top class is the true label.",
    better: 'higher',
    betterFor: 'the thief',
    more: 'It measures how good the copy is at the task itself; agreement measures how close it is to the defender.',
  },
  {
    id: 'agreement',
    term: 'agreement',
    short: "The fraction of test images on which the thief's top class equals the defender's top class.",
    better: 'higher',
    betterFor: 'the thief',
    more: "This is the reverse-sigmoid paper's measure of a theft, written S(M) for the thief trained on honest answers and S(M, RS) for the thief trained on reverse-sigmoid answers.",
  },
  {
    id: 'stealing-drop',
    term: 'stealing drop, S(M) − S(M, RS)',
    short: "How much a defense lowers the thief's agreement: the agreement of the thief trained on honest answers minus that of the thief trained on defended answers.",
    better: 'higher',
    betterFor: 'the defender',
    more: 'A big drop is worth little if honest users lose their top class too, so it is always read beside P(M, defense).',
  },
  {
    id: 'fgsm-transfer',
    term: 'FGSM transfer',
    short: `The defender's accuracy on adversarial examples crafted on the thief with FGSM (ε_adv = ${PARAMS.fgsmEps.default} by default).`,
    better: 'lower',
    betterFor: 'the thief',
    more: "FGSM, the fast gradient sign method, moves every pixel by ε_adv in the direction that raises the thief's loss on the true label. When those images fool the defender too, the stolen copy has become a tool for attacking it.",
  },
  // What the defense costs honest users.
  {
    id: 'top-class-unchanged',
    term: 'top class unchanged, P(M, defense)',
    short: 'The fraction of answers whose top class the defense leaves in place, which is what honest users keep.',
    better: 'higher',
    betterFor: 'honest users',
    more: 'The reverse-sigmoid paper writes it P(M, RS); near 1, honest users still get the same label even though the probabilities around it change.',
  },
  {
    id: 'protected-accuracy',
    term: 'protected accuracy',
    short: "The defender's test accuracy as honest users see it: the fraction of test images on which the defended answer's top class is the true label.",
    better: 'higher',
    betterFor: 'honest users',
    more: "The gap to the defender's own test accuracy is what the defense costs honest users in wrong labels.",
  },
  {
    id: 'cosine',
    term: 'cosine',
    short: 'The cosine similarity between each honest answer and its defended answer, averaged over answers, where 1 means unchanged.',
    better: 'higher',
    betterFor: 'honest users',
    more: 'It compares the directions of the two probability vectors, so it stays near 1 when the defense only nudges the small probabilities.',
  },
  {
    id: 'mae',
    term: 'MAE per dimension',
    short: 'The mean absolute difference between honest and defended answers, taken per class probability, where 0 means unchanged.',
    better: 'lower',
    betterFor: 'honest users',
    more: 'Per dimension means the average runs over every class of every answer, so 0.01 is a typical shift of one percentage point per class.',
  },
  {
    id: 'kl',
    term: 'KL(y‖ŷ)',
    short: 'The Kullback–Leibler divergence of the defended answer ŷ from the honest answer y, in natural log and averaged over answers, where 0 means unchanged.',
    better: 'lower',
    betterFor: 'honest users',
    more: 'KL(y‖ŷ) = Σ y_j ln(y_j / ŷ_j): it grows fast when the defense pushes a class the honest answer was sure of toward 0. Raw ε answers are first clipped to [0, 1] and rescaled to sum to 1.',
  },
  {
    id: 'answer-sum',
    term: 'answer sum / min entry',
    short: 'The mean sum of the entries of each defended answer and the smallest entry of any, which are 1 and at least 0 when the answers are probabilities.',
    better: null,
    more: 'The raw ε counter-attack can return vectors that are not probabilities; a thief training on them with cross-entropy can diverge unless it cleans them first.',
  },
  // The reproduction's tables: our number beside the paper's.
  {
    id: 'ours',
    term: 'ours',
    short: 'The number this app measured, with the papers’ protocol as far as a browser allows (mean ± sd over the seeds listed).',
    better: null,
  },
  {
    id: 'paper',
    term: 'paper',
    short: 'The number the paper reports for the same table cell (– where the paper gives none).',
    better: null,
  },
  {
    id: 'ours-minus-paper',
    term: 'ours − paper',
    short: 'How far our measurement is from the paper’s, in the same units; the claims under each table say whether the difference matters.',
    better: null,
  },
] as const satisfies readonly GlossaryEntry[];

export type GlossaryId = (typeof ENTRIES)[number]['id'];

/** Every term, in reading order: who is who, how the thief asks, the settings, then the measures. */
export const GLOSSARY: readonly (GlossaryEntry & { readonly id: GlossaryId })[] = ENTRIES;

const BY_ID: ReadonlyMap<string, GlossaryEntry> = (() => {
  const map = new Map<string, GlossaryEntry>();
  for (const entry of GLOSSARY) {
    // Two entries under one id would make a header's text depend on which came last.
    if (map.has(entry.id)) throw new Error(`glossary id "${entry.id}" is used twice`);
    map.set(entry.id, entry);
  }
  return map;
})();

/** The entry for `id`; throws for an id the registry does not hold (an id from stale data, say). */
export function glossaryEntry(id: GlossaryId): GlossaryEntry {
  const entry = BY_ID.get(id);
  if (!entry) throw new RangeError(`no glossary entry "${String(id)}"`);
  return entry;
}

/** "higher is better for the thief", or null for a term with no better direction. */
export function betterClause(entry: GlossaryEntry): string | null {
  return entry.better === null ? null : `${entry.better} is better for ${entry.betterFor}`;
}

/** The same as a sentence of its own, for the glossary list: "Higher is better for the thief." */
export function betterSentence(entry: GlossaryEntry): string | null {
  const clause = betterClause(entry);
  return clause === null ? null : `${clause.charAt(0).toUpperCase()}${clause.slice(1)}.`;
}

/** The one-line hover text of a header: "short — higher is better for …." (short alone when no direction). */
export function headerTitle(id: GlossaryId): string {
  const entry = glossaryEntry(id);
  const clause = betterClause(entry);
  return clause === null ? entry.short : `${entry.short.replace(/\.$/, '')} — ${clause}.`;
}

/** The anchor a term has in the glossary list, so other parts of the page can point at it. */
export function glossaryAnchor(id: GlossaryId): string {
  return `glossary-${id}`;
}
