import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';

export class ListAuditLogsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'commerce_point' }) @IsOptional() @IsString() @Length(1, 64)
  entityType?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64)
  entityId?: string;

  @ApiPropertyOptional({ description: '操作人 id' }) @IsOptional() @Matches(/^\d{1,20}$/)
  actorId?: string;

  @ApiPropertyOptional({ description: 'ISO 8601' }) @IsOptional() @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 (exclusive)' }) @IsOptional() @IsISO8601()
  to?: string;
}

export class AuditLogDto {
  @ApiProperty() id: string;
  @ApiProperty() actorKind: string;
  @ApiProperty({ nullable: true }) actorId: string | null;
  @ApiProperty({ nullable: true }) actorRole: string | null;
  @ApiProperty() entityType: string;
  @ApiProperty() entityId: string;
  @ApiProperty() action: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) changes: unknown[];
  @ApiProperty({ nullable: true }) reason: string | null;
  @ApiProperty({ nullable: true }) requestId: string | null;
  @ApiProperty() createdAt: Date;
}
