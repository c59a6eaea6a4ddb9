import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators';
import { Principal } from '../common/access/principal';
import { Role } from '../common/access/role.enum';
import { IdParamPipe } from '../common/id-param.pipe';
import { CatalogService } from './catalog.service';
import { CreatePriceDto } from './dto/create-price.dto';
import { CreateProductDto } from './dto/create-product.dto';
import { ListProductsQueryDto } from './dto/list-products-query.dto';
import { PriceDto, ProductDto } from './dto/product.dto';
import { UpdateProductDto } from './dto/update-product.dto';

@ApiTags('catalog 商品目录')
@ApiBearerAuth()
@Controller('products')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '新增商品 Create a product' })
  create(@CurrentPrincipal() actor: Principal, @Body() dto: CreateProductDto): Promise<ProductDto> {
    return this.catalog.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: '商品列表（含当前价格）List products with prices in force' })
  list(@CurrentPrincipal() actor: Principal, @Query() query: ListProductsQueryDto) {
    return this.catalog.list(actor, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<ProductDto> {
    return this.catalog.get(actor, id);
  }

  @Patch(':id')
  @Roles(Role.ADMIN)
  update(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: UpdateProductDto): Promise<ProductDto> {
    return this.catalog.update(actor, id, dto);
  }

  @Post(':id/prices')
  @Roles(Role.ADMIN)
  @ApiOperation({ summary: '设定等级价格（自某时起生效）Set a grade price from a date' })
  addPrice(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string, @Body() dto: CreatePriceDto): Promise<PriceDto> {
    return this.catalog.addPrice(actor, id, dto);
  }

  @Get(':id/prices')
  @ApiOperation({ summary: '价格历史 Price history' })
  prices(@CurrentPrincipal() actor: Principal, @Param('id', IdParamPipe) id: string): Promise<PriceDto[]> {
    return this.catalog.listPrices(actor, id);
  }
}
