import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { MOBILE_PHONE } from '../../common/validation';
import { CLIENT_ID } from '../waybill';

/** Fields every pickup shares: the retry id and, when a family member collects, who and why. */
export class PickupProxyDto {
  @ApiPropertyOptional({ description: '客户端生成的 id：重发同一取件请求结果相同 (client-generated id for retries)' })
  @IsOptional() @Matches(CLIENT_ID)
  clientId?: string;

  @ApiPropertyOptional({ example: '吴小兰', description: '代取人姓名 proxy (family member) name' })
  @IsOptional() @IsString() @Length(1, 50)
  proxyName?: string;

  @ApiPropertyOptional({ example: '13807370000' })
  @IsOptional() @Matches(MOBILE_PHONE)
  proxyPhone?: string;

  @ApiPropertyOptional({ example: '女儿代取，已电话确认', description: '代取说明（代取时必填）note, required for a proxy' })
  @ValidateIf((o: PickupProxyDto) => o.proxyName !== undefined || o.proxyNote !== undefined)
  @IsString() @Length(1, 255)
  proxyNote?: string;
}
