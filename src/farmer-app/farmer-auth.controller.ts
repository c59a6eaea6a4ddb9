import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/access/decorators';
import { TokenPairDto } from '../auth/dto/token-pair.dto';
import { FarmerLoginDto, RequestCodeDto } from './dto/farmer-auth.dto';
import { FarmerAuthService } from './farmer-auth.service';

@ApiTags('farmer-auth 农户登录')
@Public()
@Controller('farmer-auth')
export class FarmerAuthController {
  constructor(private readonly auth: FarmerAuthService) {}

  @Post('code')
  @HttpCode(202)
  @ApiOperation({ summary: '获取短信验证码 Send a 6-digit login code by SMS (same answer for unregistered phones; 429 with Retry-After when too frequent)' })
  async code(@Body() dto: RequestCodeDto, @Ip() ip: string): Promise<{ message: string }> {
    await this.auth.requestCode(dto.phone, ip);
    return { message: '如该号码已登记，验证码已发送，5分钟内有效' };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: '短信验证码登录 Log in with phone + SMS code (5 minutes, 5 tries); refresh at /auth/refresh' })
  login(@Body() dto: FarmerLoginDto): Promise<TokenPairDto> {
    return this.auth.login(dto.phone, dto.code);
  }
}
