import { EntityManager } from 'typeorm';

/** 吴金兰 → 吴**: the family name only, unless the farmer consented to show the full name. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return chars.length ? `${chars[0]}**` : '**';
}

/** Asia/Shanghai calendar day of an instant. */
export const shanghaiDay = (d: unknown) => new Date(new Date(d as string).getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export type PublicTraceContributor = {
  farmerId: string;
  /** always masked; a consenting farmer's full name is looked up when the page is read */
  maskedName: string;
  village: string | null;
  intakeDate: string;
  quantityBase: number;
  qc: { grades: string[]; checklist: Record<string, boolean> | null; checkedDate: string } | null;
};

/** What the public trace page shows of a lot's origins, stored on the lot when it is packed. */
export type PublicTraceSummary = { contributors: PublicTraceContributor[] };

/** At most this many contributors are shown on the public page. */
const MAX_CONTRIBUTORS = 500;

/**
 * Builds the public trace summary of lots from their provenance, consignments, villages and QC.
 * Written once when a lot is packed, so the public page reads one row instead of joining five large
 * tables per request (the page is scanned from QR codes by anyone, often). Consent to show a full
 * name is not frozen here: it is read from the farmer when the page is served.
 */
export async function buildPublicTraceSummaries(em: EntityManager, lotIds: string[]): Promise<Map<string, PublicTraceSummary>> {
  const out = new Map<string, PublicTraceSummary>(lotIds.map((id) => [id, { contributors: [] }]));
  if (lotIds.length === 0) return out;
  const rows: Array<Record<string, unknown>> = await em.query(
    `SELECT lp.lot_id, lp.farmer_id, lp.quantity_base, f.name AS farmer_name, r.name AS village, c.captured_at,
            qc.checklist, qc.checked_at,
            (SELECT GROUP_CONCAT(DISTINCT g.grade_code ORDER BY g.grade_code) FROM quality_check_grade g WHERE g.quality_check_id = qc.id) AS grades
     FROM lot_provenance lp
     JOIN consignment_line cl ON cl.id = lp.consignment_line_id
     JOIN consignment c ON c.id = cl.consignment_id
     JOIN farmer f ON f.id = lp.farmer_id
     LEFT JOIN region r ON r.id = f.village_region_id
     LEFT JOIN quality_check qc ON qc.line_id = lp.consignment_line_id AND qc.superseded_at IS NULL
     WHERE lp.lot_id IN (?) ORDER BY lp.lot_id, lp.id`,
    [lotIds],
  );
  for (const r of rows) {
    const summary = out.get(String(r.lot_id));
    if (!summary || summary.contributors.length >= MAX_CONTRIBUTORS) continue;
    const checklist = (typeof r.checklist === 'string' ? JSON.parse(r.checklist) : r.checklist) as Record<string, boolean> | null;
    summary.contributors.push({
      farmerId: String(r.farmer_id),
      maskedName: maskName(String(r.farmer_name)),
      village: (r.village as string | null) ?? null,
      intakeDate: shanghaiDay(r.captured_at),
      quantityBase: Number(r.quantity_base),
      qc: r.checked_at ? { grades: String(r.grades ?? '').split(',').filter(Boolean), checklist, checkedDate: shanghaiDay(r.checked_at) } : null,
    });
  }
  return out;
}

/** Stores the summaries on their lots (only where none is stored yet: a lot's origins never change). */
export async function storePublicTraceSummaries(em: EntityManager, summaries: Map<string, PublicTraceSummary>): Promise<void> {
  for (const [lotId, summary] of summaries) {
    await em.query('UPDATE lot SET public_trace = ? WHERE id = ? AND public_trace IS NULL', [JSON.stringify(summary), lotId]);
  }
}
