/**
 * Holds / does not hold / not enough runs, drawn as SVG: emoji (✅ ❌) render as empty boxes on
 * machines without an emoji font, which classroom Linux PCs often are. Colour is not the only
 * cue: the shapes differ (tick, cross, question mark) and the words beside it say the verdict.
 */
export function VerdictIcon({ holds }: { holds: boolean | null }) {
  const kind = holds === null ? 'unknown' : holds ? 'holds' : 'fails';
  return (
    <svg className={`verdict-icon verdict-${kind}`} viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="7.5" />
      {kind === 'holds' && <path d="M4.2 8.4l2.5 2.5 5-5.4" />}
      {kind === 'fails' && <path d="M5 5l6 6M11 5l-6 6" />}
      {kind === 'unknown' && (
        <>
          <path d="M5.8 6.2a2.3 2.3 0 1 1 3.3 2c-.7.4-1.1.8-1.1 1.6" />
          <path d="M8 11.9v.2" />
        </>
      )}
    </svg>
  );
}
