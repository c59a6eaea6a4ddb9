import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';

export class CreateWarehouseDto {
  @ApiProperty({ example: 'YYWH1' })
  @Matches(/^[A-Z][A-Z0-9]{1,15}$/)
  code: string;

  @ApiProperty({ example: '益阳仓储配送中心' })
  @IsString() @Length(1, 100)
  name: string;

  @ApiProperty({ example: '益阳市赫山区龙岭工业园' })
  @IsString() @Length(1, 255)
  address: string;

  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  regionId?: string;
}

export class UpdateWarehouseDto extends PartialType(CreateWarehouseDto) {
  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  active?: boolean;
}

export class ListWarehousesQueryDto extends PageQueryDto {}

export class WarehouseDto {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty({ nullable: true }) regionId: string | null;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() address: string;
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}
