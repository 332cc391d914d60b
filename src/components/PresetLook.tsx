/** A preset's "What to look for" paragraph, or what the presets do while none is chosen; the preset menu's select describes itself by its id. */
export function PresetLook({ id, look, none }: { id: string; look: string | null; none: string }) {
  return (
    <p id={id} className="preset-look" data-testid={id}>
      {look !== null ? (
        <>
          <strong>What to look for:</strong> {look}
        </>
      ) : (
        none
      )}
    </p>
  );
}
