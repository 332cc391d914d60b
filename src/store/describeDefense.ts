import type { Params } from '../params/schema';

/**
 * The defense in a few words, with its settings: "reverse sigmoid, β = 0.8, γ = 0.5". For the
 * drawing pad, the chart caption and the playground. Lower-case names that read inside a
 * sentence, so not the defense menu's labels ("Reverse sigmoid (β, γ)").
 */
export function describeDefense(p: Params): string {
  switch (p.defense) {
    case 'reverse-sigmoid':
      return `reverse sigmoid, β = ${p.beta}, γ = ${p.gamma}`;
    case 'epsilon':
      return `ε counter-attack, ε = ${p.epsilon}${p.renorm === 'none' ? '' : `, ${p.renorm}`}`;
    case 'uniform':
      return `uniform noise, β = ${p.noise}`;
    case 'concave':
      return `noise × concave, β = ${p.noise}, ρ = ${p.rho}`;
    case 'convex':
      return `noise × convex, β = ${p.noise}, ρ = ${p.rho}`;
    case 'ranking':
      return `ranking-preserving noise, β = ${p.noise}`;
    case 'sine':
      return `sine noise, β = ${p.noise}, f = ${p.frequency}`;
  }
}
