// The one diverging colour scale for signed effects (head ablation, occlusion): blue where the thing removed
// supported the target (its probability drops without it), red where it worked against it. DOM-free: the panel,
// its exports and the editor overlay all colour from here.

const SUPPORTS = '0, 120, 212';
const AGAINST = '212, 60, 40';

/** Background for an effect `v` on a scale whose strongest effect is `max` (by magnitude); alpha grows with |v|. */
export function divergingColor(v: number, max: number, alpha = 0.85): string {
  const a = Number.isFinite(v) && max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
  return `rgba(${v >= 0 ? SUPPORTS : AGAINST}, ${(alpha * a).toFixed(3)})`;
}

/** Shades per sign in the editor, where each shade is one decoration type. */
export const DIVERGING_STEPS = 4;

/**
 * The shade of `v`: 1..steps (supports) or −1..−steps (works against), 0 when under an eighth of the strongest
 * effect (left uncoloured, as the attention overlay leaves weak words).
 */
export function divergingStep(v: number, max: number, steps = DIVERGING_STEPS): number {
  if (!(max > 0) || !Number.isFinite(v)) return 0;
  const r = Math.abs(v) / max;
  if (r < 0.12) return 0;
  return Math.sign(v) * Math.min(steps, 1 + Math.floor(((r - 0.12) / 0.88) * steps));
}

/** The colour drawn for a shade (its upper end, so the strongest shade is the full colour). */
export const stepColor = (step: number, steps = DIVERGING_STEPS): string => divergingColor(step / steps, 1);

/** A signed effect as a short label: "+.12", "−.05", "+3e-3" for tiny ones (never "+.00"). */
export function signedLabel(d: number): string {
  const sign = d < 0 ? '−' : '+';
  const a = Math.abs(d);
  if (a >= 0.995) return `${sign}1.0`;
  if (a >= 0.005) return sign + a.toFixed(2).replace(/^0/, '');
  return a === 0 ? '0' : sign + a.toExponential(0);
}
