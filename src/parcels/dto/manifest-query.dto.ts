import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { ManifestMode } from '../parcel.enums';

export class ManifestQueryDto {
  @ApiPropertyOptional({ enum: ManifestMode, default: ManifestMode.ALL_OR_NOTHING, description: 'all_or_nothing：有坏行则全部不导入；good_rows：只导入好行' })
  @IsOptional() @IsEnum(ManifestMode)
  mode?: ManifestMode;
}
