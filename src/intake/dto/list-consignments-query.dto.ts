import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsISO8601, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { ConsignmentStatus } from '../intake-status';

export class ListConsignmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  pointId?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  farmerId?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  productId?: string;

  @ApiPropertyOptional({ enum: ConsignmentStatus }) @IsOptional() @IsEnum(ConsignmentStatus)
  status?: ConsignmentStatus;

  @ApiPropertyOptional({ description: '记录时间起（含）captured from, inclusive' }) @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: '记录时间止（不含）captured to, exclusive' }) @IsOptional() @IsISO8601({ strict: true })
  to?: string;
}
