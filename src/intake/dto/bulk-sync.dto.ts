import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';
import { CreateConsignmentDto } from './create-consignment.dto';

/** Items are validated one by one by the service, so one bad item does not sink the others. */
export class BulkSyncDto {
  @ApiProperty({ type: [CreateConsignmentDto], maxItems: 500, description: '离线记录的交售单，最多 500 条 up to 500 offline consignments' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsObject({ each: true })
  items: object[];
}
