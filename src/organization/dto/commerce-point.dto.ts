import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';

const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export class CreateCommercePointDto {
  @ApiProperty({ description: '所在村（或乡镇）区划 id' })
  @Matches(/^\d{1,20}$/)
  regionId: string;

  @ApiProperty({ example: 'HQG', description: '服务点代码，用于单号' })
  @Matches(/^[A-Z][A-Z0-9]{1,15}$/)
  code: string;

  @ApiProperty({ example: '花桥港村商务服务点' })
  @IsString() @Length(1, 100)
  name: string;

  @ApiProperty({ example: '花桥港村党群服务中心' })
  @IsString() @Length(1, 100)
  serviceCenterName: string;

  @ApiProperty({ example: '桃江县修山镇花桥港村村部' })
  @IsString() @Length(1, 255)
  address: string;

  @ApiProperty({ example: '13807370001', description: '手机或座机 mobile or landline' })
  @Matches(PHONE)
  contactPhone: string;

  @ApiProperty({ example: '每天 08:00-18:00' })
  @IsString() @Length(1, 100)
  openingHours: string;
}

export class UpdateCommercePointDto extends PartialType(CreateCommercePointDto) {
  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  active?: boolean;
}

export class ListCommercePointsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: '区划 id：包含下级 (includes sub-regions)' })
  @IsOptional() @Matches(/^\d{1,20}$/)
  regionId?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(({ value }) => value === 'true' || value === true ? true : value === 'false' || value === false ? false : value)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: '名称或代码包含' }) @IsOptional() @IsString() @Length(1, 64)
  q?: string;
}

export class CommercePointDto {
  @ApiProperty() id: string;
  @ApiProperty() companyId: string;
  @ApiProperty() regionId: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() serviceCenterName: string;
  @ApiProperty() address: string;
  @ApiProperty() contactPhone: string;
  @ApiProperty() openingHours: string;
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

