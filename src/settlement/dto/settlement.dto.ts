import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDateString, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { StatementStatus } from '../payout-statement.entity';

export class CreateSettlementRunDto {
  @ApiProperty({ example: '2026-11-22', description: '结算截止日（上海时间，含当日）entries posted through the end of this Asia/Shanghai day' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  throughDay: string;

  @ApiPropertyOptional({ example: '2026-W47', description: '期间标识，默认 through-<throughDay> (+ points); a run exists once per company and period key' })
  @IsOptional() @Matches(/^[A-Za-z0-9:_.\-]{1,60}$/)
  periodKey?: string;

  @ApiPropertyOptional({ description: '只结算这些服务点的农户 only farmers whose usual point is one of these' })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @Matches(/^\d{1,20}$/, { each: true })
  pointIds?: string[];
}

export class FarmerLedgerQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsDateString()
  from?: string;

  @ApiPropertyOptional() @IsOptional() @IsDateString()
  to?: string;
}

export class ListStatementsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  pointId?: string;
}

export class StatementListItemDto {
  @ApiProperty() id: string;
  @ApiProperty() runId: string;
  @ApiProperty() farmerId: string;
  @ApiProperty({ example: '吴金兰', description: '农户姓名 The farmer\'s name' }) farmerName: string;
  @ApiProperty({ example: '花桥港村', nullable: true, type: String, description: '农户所在村 The farmer\'s village' }) villageName: string | null;
  @ApiProperty() pointId: string;
  @ApiProperty({ description: '结算金额（分）' }) totalFen: number;
  @ApiProperty() itemCount: number;
  @ApiProperty({ enum: StatementStatus }) status: StatementStatus;
  @ApiProperty({ nullable: true, type: Date }) approvedAt: Date | null;
  @ApiProperty() createdAt: Date;
}

export class StatementListPageDto {
  @ApiProperty({ type: [StatementListItemDto] }) items: StatementListItemDto[];
  @ApiProperty({ nullable: true, type: String, description: '下一页的 cursor；最后一页为 null' }) nextCursor: string | null;
}
