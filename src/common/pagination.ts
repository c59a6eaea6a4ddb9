import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Every list pages the same way: keyset on the id, newest first. `cursor` is the last id of the
 * previous page; the answer carries `nextCursor` (null on the last page). Keyset pages stay fast on
 * tables of millions of rows, where OFFSET would scan everything it skips.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ description: '每页条数 page size', default: 50, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: '上一页最后一条的 id (cursor from the previous page)' })
  @IsOptional() @Matches(/^\d{1,20}$/)
  cursor?: string;
}

export type Page<T> = { items: T[]; nextCursor: string | null };

export async function paginate<E extends ObjectLiteral & { id: string }, T>(
  qb: SelectQueryBuilder<E>,
  idColumn: string,
  query: PageQueryDto,
  map: (entity: E) => T,
): Promise<Page<T>> {
  const limit = query.limit ?? 50;
  if (query.cursor) qb.andWhere(`${idColumn} < :pageCursor`, { pageCursor: query.cursor });
  const rows = await qb.orderBy(idColumn, 'DESC').take(limit + 1).getMany();
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: hasMore ? items[items.length - 1].id : null };
}
