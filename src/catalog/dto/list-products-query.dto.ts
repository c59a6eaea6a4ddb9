import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';

export class ListProductsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 32)
  category?: string;

  @ApiPropertyOptional({ description: '名称或代码包含' }) @IsOptional() @IsString() @Length(1, 50)
  q?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(({ value }) => value === 'true' ? true : value === 'false' ? false : value)
  @IsBoolean()
  active?: boolean;
}
