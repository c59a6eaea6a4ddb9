import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { QueryBoolean } from '../../common/query-boolean';

export class ListFarmersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: '完整手机号（全公司查找）or 前缀 (within your points)' })
  @IsOptional() @Matches(/^\d{3,11}$/)
  phone?: string;

  @ApiPropertyOptional({ description: '姓名包含' }) @IsOptional() @IsString() @Length(1, 50)
  name?: string;

  @ApiPropertyOptional({ description: '身份证后四位 ID last 4' }) @IsOptional() @Matches(/^\d{3}[\dXx]$/)
  idLast4?: string;

  @ApiPropertyOptional({ description: '完整身份证号（全公司查找，按盲索引）full ID number, company-wide' })
  @IsOptional() @Matches(/^\d{17}[\dXx]$/)
  idNumber?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  pointId?: string;

  @ApiPropertyOptional() @IsOptional() @QueryBoolean()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional() @IsOptional() @QueryBoolean()
  @IsBoolean()
  hardship?: boolean;
}
