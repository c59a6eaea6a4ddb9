import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { QUANTITY_PATTERN } from '../../common/quantity';
import { quantityAsText } from '../../intake/dto/consignment-line-input.dto';
import { DemandOrderStatus, DemandPledgeStatus } from '../demand-order.entity';

const ID = /^[1-9]\d{0,18}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class CreateDemandOrderDto {
  @ApiProperty({ description: '客户端 UUID：重发同一订单只建一次 client-generated id; a retry creates nothing' })
  @IsUUID() clientId: string;

  @ApiProperty({ example: '桃江小妹直播团队', description: '买方 buyer' }) @IsString() @Length(1, 64)
  buyerName: string;

  @ApiProperty() @Matches(ID)
  productId: string;

  @ApiProperty({ example: '5000', description: '需求数量（展示单位，最多 3 位小数）quantity in the display unit', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @quantityAsText() @Matches(QUANTITY_PATTERN)
  quantity: string;

  @ApiProperty({ example: '瓶', description: '数量的展示单位 display unit of the quantity' }) @IsString() @Length(1, 8)
  unit: string;

  @ApiProperty({ example: 2000, description: '给农户的收购价（分/价格单位）farmer price in fen per price unit' })
  @IsInt() @Min(1) @Max(100_000_000)
  priceFen: number;

  @ApiProperty({ example: '瓶', description: '价格单位 price unit (a display unit of the product)' }) @IsString() @Length(1, 8)
  priceUnit: string;

  @ApiProperty({ example: '2026-12-20', description: '交货截止日（北京时间）due day, Asia/Shanghai' }) @Matches(DAY)
  dueDate: string;

  @ApiProperty({ type: [String], description: '发布到的服务点 commerce points the order is published to' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @ArrayUnique() @Matches(ID, { each: true })
  pointIds: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 255)
  note?: string;
}

export class CloseDemandOrderDto {
  @ApiProperty({ example: '需求已满足 demand met' }) @IsString() @Length(1, 255)
  reason: string;
}

export class ListDemandOrdersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DemandOrderStatus }) @IsOptional() @IsEnum(DemandOrderStatus)
  status?: DemandOrderStatus;

  @ApiPropertyOptional({ description: '发布到该服务点的订单 orders published to this point' }) @IsOptional() @Matches(ID)
  pointId?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(ID)
  productId?: string;
}

export class CreatePledgeDto {
  @ApiProperty({ description: '客户端 UUID：重发只认购一次' }) @IsUUID()
  clientId: string;

  @ApiProperty({ description: '交货服务点（须已发布该订单）point the farmer delivers to; the order must be published there' }) @Matches(ID)
  pointId: string;

  @ApiProperty() @Matches(ID)
  farmerId: string;

  @ApiProperty({ example: '200', oneOf: [{ type: 'string' }, { type: 'number' }] }) @quantityAsText() @Matches(QUANTITY_PATTERN)
  quantity: string;

  @ApiProperty({ example: '瓶' }) @IsString() @Length(1, 8)
  unit: string;
}

/** The farmer's own pledge in the app: the farmer comes from the token, the point defaults to the usual one. */
export class CreateMyPledgeDto {
  @ApiProperty() @IsUUID()
  clientId: string;

  @ApiProperty() @Matches(ID)
  orderId: string;

  @ApiPropertyOptional({ description: '默认为常去的服务点 defaults to my usual point' }) @IsOptional() @Matches(ID)
  pointId?: string;

  @ApiProperty({ example: '200', oneOf: [{ type: 'string' }, { type: 'number' }] }) @quantityAsText() @Matches(QUANTITY_PATTERN)
  quantity: string;

  @ApiProperty({ example: '瓶' }) @IsString() @Length(1, 8)
  unit: string;
}

export class CancelPledgeDto {
  @ApiProperty({ example: '农户家中有变 the farmer cannot deliver' }) @IsString() @Length(1, 255)
  reason: string;
}

export class ListPledgesQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(ID) orderId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID) pointId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(ID) farmerId?: string;
  @ApiPropertyOptional({ enum: DemandPledgeStatus }) @IsOptional() @IsEnum(DemandPledgeStatus) status?: DemandPledgeStatus;
}

export class MyPledgesQueryDto {
  @ApiPropertyOptional({ default: 20, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional() @IsOptional() @Matches(/^\d{1,20}$/)
  cursor?: string;
}

export class DemandOrderPointView {
  @ApiProperty() pointId: string;
  @ApiProperty() pointName: string;
}

export class DemandOrderView {
  @ApiProperty() id: string;
  @ApiProperty() clientId: string;
  @ApiProperty() buyerName: string;
  @ApiProperty() productId: string;
  @ApiProperty() productName: string;
  @ApiProperty({ example: '5000' }) quantity: string;
  @ApiProperty({ example: '瓶' }) unit: string;
  @ApiProperty() unitSizeBase: number;
  @ApiProperty({ description: '基本单位 base units' }) quantityBase: number;
  @ApiProperty() pledgedBase: number;
  @ApiProperty() remainingBase: number;
  @ApiProperty() priceFen: number;
  @ApiProperty() priceUnitName: string;
  @ApiProperty() priceUnitSizeBase: number;
  @ApiProperty({ example: '2026-12-20' }) dueDate: string;
  @ApiProperty({ enum: DemandOrderStatus }) status: DemandOrderStatus;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true }) closedAt: Date | null;
  @ApiPropertyOptional({ nullable: true }) closeReason: string | null;
  @ApiProperty({ type: [DemandOrderPointView], description: '调用者可见的发布服务点 the published points the caller can see' }) points: DemandOrderPointView[];
}

export class PledgeView {
  @ApiProperty() id: string;
  @ApiProperty() clientId: string;
  @ApiProperty() orderId: string;
  @ApiProperty() pointId: string;
  @ApiProperty() farmerId: string;
  @ApiProperty({ example: '200' }) quantity: string;
  @ApiProperty({ example: '瓶' }) unit: string;
  @ApiProperty() quantityBase: number;
  @ApiProperty({ enum: DemandPledgeStatus }) status: DemandPledgeStatus;
  @ApiProperty({ enum: ['staff', 'farmer'] }) createdByKind: 'staff' | 'farmer';
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true }) cancelledAt: Date | null;
  @ApiPropertyOptional({ nullable: true }) cancelReason: string | null;
}

export class ProgressFigures {
  @ApiProperty({ description: '认购（有效认购，基本单位）active pledges, base units' }) pledgedBase: number;
  @ApiProperty({ description: '已交货（关联的交售行，未作废）delivered: linked consignment lines, not voided' }) deliveredBase: number;
  @ApiProperty({ description: '质检合格 QC-accepted quantity of those lines' }) acceptedBase: number;
}

export class ProgressFarmerRow extends ProgressFigures {
  @ApiProperty() farmerId: string;
  @ApiProperty() farmerName: string;
  @ApiProperty() pledgeCount: number;
}

export class ProgressPointRow extends ProgressFigures {
  @ApiProperty() pointId: string;
  @ApiProperty() pointName: string;
  @ApiProperty({ type: [ProgressFarmerRow] }) farmers: ProgressFarmerRow[];
}

export class DemandOrderProgressView {
  @ApiProperty({ type: DemandOrderView }) order: DemandOrderView;
  @ApiProperty({ type: ProgressFigures, description: '调用者可见服务点的合计 totals over the points the caller sees' }) totals: ProgressFigures;
  @ApiProperty({ type: [ProgressPointRow] }) points: ProgressPointRow[];
}

export class MyPledgeView extends PledgeView {
  @ApiProperty() pointName: string;
  @ApiProperty({ description: '订单信息 the order' }) order: {
    id: string; buyerName: string; productId: string; productName: string; priceFen: number; priceUnitName: string; dueDate: string; status: DemandOrderStatus;
  };
  @ApiProperty() deliveredBase: number;
  @ApiProperty() acceptedBase: number;
}
