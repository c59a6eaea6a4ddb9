import { ApiProperty } from '@nestjs/swagger';

export class TokenPairDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ description: 'seconds' }) expiresIn: number;
  @ApiProperty() refreshToken: string;
  @ApiProperty() tokenType: 'Bearer';
}

export class MeDto {
  @ApiProperty() id: string;
  @ApiProperty() kind: 'staff' | 'farmer';
  @ApiProperty() role: string;
  @ApiProperty() companyId: string;
  @ApiProperty({ type: [String] }) pointIds: string[];
  @ApiProperty({ type: [String] }) warehouseIds: string[];
  @ApiProperty({ type: String, nullable: true, description: '区域经理负责的区域 the region manager\'s region' }) regionId: string | null;
}
