/** Punctuation and symbols only: never a neighbour, a match or an indexed corpus word; a head's "punctuation" target. */
export const PUNCT = /^[\p{P}\p{S}]+$/u;
