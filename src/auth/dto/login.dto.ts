import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'agent_hqg' })
  @IsString() @Length(1, 64)
  username: string;

  @ApiProperty({ example: 'Demo@2026' })
  @IsString() @Length(1, 128)
  password: string;
}
