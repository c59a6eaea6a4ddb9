import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class HandBackDto {
  @ApiProperty({ description: '客户端生成的 UUID：重发返回原记录 Client UUID: a retry answers with the original record' }) @IsUUID()
  clientId: string;

  @ApiPropertyOptional({ description: '退还数量（基本单位），不填为留在服务点的全部 Units given back (base units); default all still at the point' })
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000)
  quantityBase?: number;

  @ApiPropertyOptional({ example: '寄售期满未售出，农户领回' }) @IsOptional() @IsString() @Length(1, 200)
  note?: string;
}

export class HandBackResultDto {
  @ApiProperty() id: string;
  @ApiProperty() consignmentId: string;
  @ApiProperty() consignmentLineId: string;
  @ApiProperty() lineNo: number;
  @ApiProperty() farmerId: string;
  @ApiProperty() quantityBase: number;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: Date;
}
