import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class SetPointCarrierDto {
  @ApiProperty({ description: '该承运商在此服务点是否启用 active at this point' })
  @IsBoolean()
  active: boolean;
}
