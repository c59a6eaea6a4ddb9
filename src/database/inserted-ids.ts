import { EntityManager } from 'typeorm';

type ResultHeader = { insertId: number | string; affectedRows: number };

/** Per data source: does the server hand a multi-row INSERT consecutive auto-increment ids? */
const consecutive = new WeakMap<object, Promise<boolean>>();

/**
 * True when one plain multi-row `INSERT … VALUES` gets consecutive ids from its `insertId` on:
 * InnoDB with `innodb_autoinc_lock_mode` 0 or 1 (MariaDB's default; a "simple insert" takes its whole
 * range at once) and `auto_increment_increment` 1. MySQL 8 defaults to lock mode 2 (interleaved),
 * where concurrent inserts may interleave: callers then read the ids back by a unique key.
 * Asked once per data source.
 */
export function consecutiveIdsGuaranteed(em: EntityManager): Promise<boolean> {
  let known = consecutive.get(em.connection);
  if (!known) {
    known = (em.query('SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS step') as Promise<Array<{ mode: number | string; step: number | string }>>)
      .then(([r]) => Number(r.mode) <= 1 && Number(r.step) === 1);
    known.catch(() => consecutive.delete(em.connection));
    consecutive.set(em.connection, known);
  }
  return known;
}

/**
 * Makes this data source read multi-row INSERT ids back by key, as under MySQL 8's default lock mode 2:
 * how the tests run that path on a MariaDB that hands out consecutive ids.
 */
export function readInsertedIdsBack(dataSource: object): void {
  consecutive.set(dataSource, Promise.resolve(false));
}

/**
 * The ids of the `count` rows of one plain multi-row INSERT (no IGNORE, no ON DUPLICATE KEY), in
 * VALUES order; only valid when `consecutiveIdsGuaranteed`. Numbers: ids stay far below 2^53.
 */
export function insertedIds(res: unknown, count: number): number[] {
  const header = res as ResultHeader;
  if (Number(header.affectedRows) !== count) throw new Error(`multi-row INSERT wrote ${header.affectedRows} rows, expected ${count}`);
  const first = Number(header.insertId);
  if (!Number.isSafeInteger(first) || first <= 0) throw new Error(`multi-row INSERT returned no insert id (${header.insertId})`);
  const ids = new Array<number>(count);
  for (let k = 0; k < count; k++) ids[k] = first + k;
  return ids;
}
