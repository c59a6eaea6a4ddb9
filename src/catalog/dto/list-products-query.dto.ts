import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { QueryBoolean } from '../../common/query-boolean';

export class ListProductsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 32)
  category?: string;

  @ApiPropertyOptional({ description: '名称或代码包含' }) @IsOptional() @IsString() @Length(1, 50)
  q?: string;

  @ApiPropertyOptional() @IsOptional() @QueryBoolean()
  @IsBoolean()
  active?: boolean;
}
