import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';

/** A manual adjustment (人工调账) of a farmer's balance: positive owes the farmer more, negative less. */
export class CreateAdjustmentDto {
  @ApiProperty({ description: '客户端生成的 UUID，重发只记一次 client id: a retry posts once' }) @IsUUID()
  clientId: string;

  @ApiProperty() @Matches(/^\d{1,20}$/)
  farmerId: string;

  @ApiProperty({ description: '分，可为负 integer fen, may be negative, not zero' }) @IsInt() @Min(-100_000_000) @Max(100_000_000)
  amountFen: number;

  @ApiProperty({ description: '原因（必填）reason, required' }) @IsString() @Length(2, 255)
  reason: string;
}
