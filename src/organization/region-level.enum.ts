/** Administrative levels, top down. */
export enum RegionLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  COUNTY = 'COUNTY',
  TOWNSHIP = 'TOWNSHIP',
  VILLAGE = 'VILLAGE',
}

export const REGION_LEVEL_ORDER: RegionLevel[] = [
  RegionLevel.PROVINCE,
  RegionLevel.CITY,
  RegionLevel.COUNTY,
  RegionLevel.TOWNSHIP,
  RegionLevel.VILLAGE,
];
