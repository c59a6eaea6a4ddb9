import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDateString, IsEnum, IsIn, IsInt, IsISO8601, IsObject, IsString,
  IsUrl, IsUUID, Length, Matches, Max, MaxLength, Min, MinLength, ValidateNested, validateSync,
} from 'class-validator';
import { flattenValidationErrors } from './validation-messages';

enum Kind { A = 'A' }
class Inner { @IsInt() n: number; }
class Everything {
  @IsString() s: unknown;
  @Length(2, 4) len: string;
  @MinLength(3) short: string;
  @MaxLength(1) long: string;
  @Matches(/^\d+$/) digits: string;
  @IsInt() int: unknown;
  @Min(1) low: number;
  @Max(1) high: number;
  @IsBoolean() bool: unknown;
  @IsEnum(Kind) kind: unknown;
  @IsIn(['x']) choice: unknown;
  @IsUUID() uuid: string;
  @IsISO8601() iso: string;
  @IsDateString() date: string;
  @IsArray() list: unknown;
  @ArrayMinSize(2) few: unknown[];
  @ArrayMaxSize(1) many: unknown[];
  @ArrayUnique() twice: unknown[];
  @IsObject() obj: unknown;
  @IsUrl() url: string;
  @ValidateNested() @Type(() => Inner) inner: Inner;
}

describe('validation messages', () => {
  it('should word every constraint the DTOs use in Chinese, naming the field, with class-validator\'s English', () => {
    const bad = plainToInstance(Everything, {
      s: 1, len: 'x', short: 'ab', long: 'ab', digits: 'a', int: 1.5, low: 0, high: 2, bool: 'yes', kind: 'B', choice: 'y',
      uuid: 'u', iso: 'i', date: 'd', list: 'l', few: [1], many: [1, 2], twice: [1, 1], obj: 'o', url: 'not a url', inner: { n: 'x' },
    });
    const details = flattenValidationErrors(validateSync(bad));
    expect(details.map((d) => d.field).sort()).toEqual([
      'bool', 'date', 'digits', 'few', 'high', 'inner.n', 'int', 'iso', 'kind', 'len', 'list', 'long', 'low', 'many', 'obj', 'choice', 's', 'short', 'twice', 'url', 'uuid',
    ].sort());
    for (const d of details) {
      expect([d.field, d.message]).not.toEqual([d.field, '不正确']); // the fallback: a constraint without Chinese wording
      expect(d.messageEn).toContain(d.field.split('.').pop());
    }
    expect(details.find((d) => d.field === 'len')!.message).toBe('长度不符合要求');
    expect(details.find((d) => d.field === 'iso')!.message).toBe('必须是 ISO 8601 日期时间');
  });
});
