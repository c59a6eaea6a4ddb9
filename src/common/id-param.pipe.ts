import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from './errors/domain-error';

/** Ids are BIGINT strings; anything else cannot name a record, so it is simply not found. */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^\d{1,20}$/.test(value)) throw new NotFoundError('记录', 'Record');
    return value;
  }
}
