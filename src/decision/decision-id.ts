/**
 * Decision ids carry the end of their attribution window
 * ("<expiry ms base36>.<random hex>"), so Reward can tell a decision whose
 * window has closed (EXPIRED) from one never issued (NOT_FOUND) without
 * keeping tombstones.
 */
const ID_PATTERN = /^([0-9a-z]{9,10})\.([0-9a-f]{16,32})$/;

/** Random hex for the id's unique part. */
export type IdSource = () => string;

export function newDecisionId(expiresAt: number, randomHex: IdSource): string {
  return `${Math.max(0, Math.floor(expiresAt)).toString(36).padStart(9, '0')}.${randomHex()}`;
}

/** End of the attribution window of a well-formed decision id, else undefined. */
export function decisionIdExpiry(id: string): number | undefined {
  const m = ID_PATTERN.exec(id);
  return m ? parseInt(m[1] as string, 36) : undefined;
}
