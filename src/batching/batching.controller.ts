import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { Page } from '../common/pagination';
import { BatchView, ChargebackView } from './batch-views';
import { BatchesService } from './batches.service';
import { AddBatchItemsDto, CancelBatchDto, ChargebackDto, CreateBatchDto, DispatchBatchDto, ListBatchesQueryDto, ReceiveBatchDto } from './dto/batch-requests.dto';
import { Manifest, ManifestService } from './manifest.service';
import { ReceivingService } from './receiving.service';

const POINT_SIDE = [Role.ADMIN, Role.AGENT];
const WAREHOUSE_SIDE = [Role.ADMIN, Role.WAREHOUSE_STAFF];

@ApiTags('batching 批次与收货')
@ApiBearerAuth()
@Controller('batches')
@Roles(Role.ADMIN, Role.REGION_MANAGER, Role.AGENT, Role.WAREHOUSE_STAFF)
export class BatchingController {
  constructor(private readonly batches: BatchesService, private readonly manifests: ManifestService, private readonly receiving: ReceivingService) {}

  @Post()
  @Roles(...POINT_SIDE)
  @ApiOperation({ summary: '开批次（201；同一 clientId 重发返回 200）Open a batch at a point for a warehouse' })
  async create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateBatchDto, @Res({ passthrough: true }) res: Response): Promise<BatchView> {
    const { created, batch } = await this.batches.create(actor, dto);
    res.status(created ? 201 : 200);
    return batch;
  }

  @Get()
  @ApiOperation({ summary: '批次列表 List batches in scope' })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListBatchesQueryDto): Promise<Page<BatchView>> {
    return this.batches.list(actor, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<BatchView> {
    return this.batches.get(actor, id);
  }

  @Get(':id/manifest')
  @ApiOperation({ summary: '装车清单（按商品分组）Manifest, lines grouped by product' })
  manifest(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<Manifest> {
    return this.manifests.manifest(actor, id);
  }

  @Get(':id/manifest.html')
  @ApiOperation({ summary: '可打印的装车清单页面 Printable manifest page' })
  async manifestHtml(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const html = await this.manifests.manifestHtml(actor, id);
    // Set only once the page exists: a refusal (404 out of scope) keeps the JSON error body and its type.
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    return html;
  }

  @Post(':id/items')
  @Roles(...POINT_SIDE)
  @ApiOperation({ summary: '装批：加入已质检合格的交售行（整行或部分；同一 requestId 重发不重复）Add accepted line quantities' })
  async addItems(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: AddBatchItemsDto, @Res({ passthrough: true }) res: Response): Promise<BatchView> {
    const { created, batch } = await this.batches.addItems(actor, id, dto);
    res.status(created ? 201 : 200);
    return batch;
  }

  @Delete(':id/items/:itemId')
  @Roles(...POINT_SIDE)
  @ApiOperation({ summary: '从未封批的批次移除一行（释放数量）Remove an item from an open batch' })
  removeItem(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Param('itemId', IdParamPipe) itemId: string): Promise<BatchView> {
    return this.batches.removeItem(actor, id, itemId);
  }

  @Post(':id/seal')
  @HttpCode(200)
  @Roles(...POINT_SIDE)
  @ApiOperation({ summary: '封批（冻结清单）Seal: freeze the manifest' })
  seal(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<BatchView> {
    return this.batches.seal(actor, id);
  }

  @Post(':id/dispatch')
  @HttpCode(200)
  @Roles(...POINT_SIDE)
  @ApiOperation({ summary: '发车（车牌、司机、电话、承运方式、发车时间）Dispatch a sealed batch' })
  dispatch(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: DispatchBatchDto): Promise<BatchView> {
    return this.batches.dispatch(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...POINT_SIDE)
  @ApiOperation({ summary: '取消未发车的批次（释放各行）Cancel an open or sealed batch' })
  cancel(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CancelBatchDto): Promise<BatchView> {
    return this.batches.cancel(actor, id, dto);
  }

  @Post(':id/receipts')
  @Roles(...WAREHOUSE_SIDE)
  @ApiOperation({ summary: '收货（可分次；同一 requestId 重发不重复）Receive: received and damaged per line, in parts' })
  async receive(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: ReceiveBatchDto, @Res({ passthrough: true }) res: Response): Promise<BatchView> {
    const { created, batch } = await this.receiving.receive(actor, id, dto);
    res.status(created ? 201 : 200);
    return batch;
  }

  @Post(':id/items/:itemId/chargebacks')
  @Roles(...WAREHOUSE_SIDE)
  @ApiOperation({ summary: '隐性缺陷扣回农户（附证据）Charge a latent defect back to the farmer, with evidence' })
  async chargeback(
    @CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Param('itemId', IdParamPipe) itemId: string,
    @Body() dto: ChargebackDto, @Res({ passthrough: true }) res: Response,
  ): Promise<ChargebackView> {
    const { created, chargeback } = await this.receiving.chargeback(actor, id, itemId, dto);
    res.status(created ? 201 : 200);
    return chargeback;
  }
}
