import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { ConsignmentLineInputDto } from './consignment-line-input.dto';

export class CreateConsignmentDto {
  @ApiProperty({ description: '客户端生成的 UUID：重发同一单只记一次 client-generated id; a retry creates nothing' })
  @IsUUID()
  clientId: string;

  @ApiProperty() @Matches(/^\d{1,20}$/)
  pointId: string;

  @ApiProperty() @Matches(/^\d{1,20}$/)
  farmerId: string;

  @ApiProperty({ example: '2026-11-23T09:30:00+08:00', description: '设备记录时间 time captured on the device' })
  @IsISO8601({ strict: true })
  capturedAt: string;

  @ApiProperty({ type: [ConsignmentLineInputDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ConsignmentLineInputDto)
  lines: ConsignmentLineInputDto[];

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 255)
  note?: string;
}
