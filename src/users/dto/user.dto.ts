import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Role } from '../../common/access/role.enum';
import { PageQueryDto } from '../../common/pagination';
import { MOBILE_PHONE } from '../../common/validation';

const STAFF = [Role.ADMIN, Role.REGION_MANAGER, Role.AGENT, Role.WAREHOUSE_STAFF];
const ID = /^\d{1,20}$/;

export class CreateUserDto {
  @ApiProperty({ example: 'agent_hqg2' })
  @Matches(/^[a-zA-Z0-9_.-]{3,64}$/)
  username: string;

  @ApiProperty({ example: '李代办' })
  @IsString() @Length(1, 64)
  displayName: string;

  @ApiPropertyOptional({ example: '13807370001' })
  @IsOptional() @Matches(MOBILE_PHONE)
  phone?: string;

  @ApiProperty({ description: '至少 10 位 at least 10 characters' })
  @IsString() @Length(10, 128)
  password: string;

  @ApiProperty({ enum: STAFF })
  @IsIn(STAFF)
  role: Role;

  @ApiPropertyOptional({ description: '代办员所在服务点 (agents)', type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(ID, { each: true })
  pointIds?: string[];

  @ApiPropertyOptional({ description: '仓库员工所在仓库 (warehouse staff)', type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @Matches(ID, { each: true })
  warehouseIds?: string[];

  @ApiPropertyOptional({ description: '区域经理管辖区划 (region managers)' })
  @IsOptional() @Matches(ID)
  regionId?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64)
  displayName?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(MOBILE_PHONE)
  phone?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(10, 128)
  password?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @Matches(ID, { each: true })
  pointIds?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @Matches(ID, { each: true })
  warehouseIds?: string[];

  @ApiPropertyOptional() @IsOptional() @Matches(ID)
  regionId?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  active?: boolean;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STAFF }) @IsOptional() @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional() @IsOptional() @Matches(ID)
  pointId?: string;
}

export class UserDto {
  @ApiProperty() id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ nullable: true }) phone: string | null;
  @ApiProperty({ enum: STAFF }) role: Role;
  @ApiProperty({ nullable: true }) regionId: string | null;
  @ApiProperty({ type: [String] }) pointIds: string[];
  @ApiProperty({ type: [String] }) warehouseIds: string[];
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: Date;
}
