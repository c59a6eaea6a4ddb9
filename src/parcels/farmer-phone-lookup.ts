import { Injectable } from '@nestjs/common';

/**
 * Port to the farmers module: which registered farmers own these phone numbers. The farmers module
 * (another branch) provides `FarmersService.findIdsByPhones`; until the branches are merged the
 * parcels module binds the no-op below, so parcels are simply not linked to farmers.
 */
export const FARMER_PHONE_LOOKUP = Symbol('FARMER_PHONE_LOOKUP');

export interface FarmerPhoneLookup {
  /** phone → farmer id, for the phones that belong to a farmer of the company. */
  findIdsByPhones(companyId: string, phones: string[]): Promise<Map<string, string>>;
}

@Injectable()
export class NoFarmerPhoneLookup implements FarmerPhoneLookup {
  async findIdsByPhones(): Promise<Map<string, string>> {
    return new Map();
  }
}
