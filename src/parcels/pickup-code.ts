/**
 * Pickup codes (取件码) are `shelf-layer-seq`, e.g. `3-2-0417`: where the parcel sits and a 4-digit
 * number on its label. The point's counter `n` (one per arrival) maps to a code by filling every
 * shelf layer in turn before the 4-digit number moves on, so consecutive parcels spread over the
 * shelves and a point has shelves × layers × 10,000 distinct codes before any repeats.
 */
export type ShelfLayout = { shelfCount: number; layerCount: number };

export function pickupCodeFor(n: number, layout: ShelfLayout): string {
  const slots = layout.shelfCount * layout.layerCount;
  const slot = n % slots;
  const shelf = Math.floor(slot / layout.layerCount) + 1;
  const layer = (slot % layout.layerCount) + 1;
  const seq = Math.floor(n / slots) % 10_000;
  return `${shelf}-${layer}-${String(seq).padStart(4, '0')}`;
}

export function pickupCodeCapacity(layout: ShelfLayout): number {
  return layout.shelfCount * layout.layerCount * 10_000;
}

/**
 * The next `count` codes from counter `start`, skipping codes still held by uncollected parcels
 * (only possible once the counter has wrapped around the capacity, or after the layout changed).
 * Returns the codes and the counter value after the last one taken.
 */
export function allocatePickupCodes(
  start: number, count: number, layout: ShelfLayout, taken: ReadonlySet<string>,
): { codes: string[]; next: number } | null {
  const capacity = pickupCodeCapacity(layout);
  if (taken.size + count > capacity) return null;
  const codes: string[] = [];
  let n = start;
  for (let tried = 0; codes.length < count; tried++) {
    if (tried >= capacity + count) return null;
    const code = pickupCodeFor(n % capacity, layout);
    n++;
    if (!taken.has(code)) codes.push(code);
  }
  return { codes, next: n % capacity };
}

/** A pickup code as typed at the counter: `3-2-0417`, `3-2-417` or `3 2 0417` all name the same code. */
export function normalizePickupCode(raw: string): string | null {
  const m = /^\s*(\d{1,2})\s*[-\s]\s*(\d{1,2})\s*[-\s]\s*(\d{1,4})\s*$/.exec(raw);
  if (!m) return null;
  return `${Number(m[1])}-${Number(m[2])}-${m[3].padStart(4, '0')}`;
}
