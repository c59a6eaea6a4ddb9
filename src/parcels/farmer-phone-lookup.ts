/**
 * What the parcel station needs from the farmers module: which registered farmers own these phone
 * numbers (bound to FarmersService.findIdsByPhones in ParcelsModule). Kept as a narrow port so the
 * parcel services depend on one method, not on the whole farmers service.
 */
export const FARMER_PHONE_LOOKUP = Symbol('FARMER_PHONE_LOOKUP');

export interface FarmerPhoneLookup {
  /** phone → farmer id, for the phones that belong to a farmer of the company. */
  findIdsByPhones(companyId: string, phones: string[]): Promise<Map<string, string>>;
}
