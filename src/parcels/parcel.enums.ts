/** Direction of a parcel as counted for the county: 下行 into the village, 上行 out of it. */
export enum ParcelDirection {
  DOWN = 'DOWN',
  UP = 'UP',
}

/** A down parcel's life: waiting on the shelf, then collected (or delivered to the door) or returned. */
export enum DownParcelStatus {
  AWAITING_PICKUP = 'AWAITING_PICKUP',
  COLLECTED = 'COLLECTED',
  RETURNED = 'RETURNED',
}

/** How a down parcel left the shelf. */
export enum PickupMethod {
  CODE = 'CODE',
  PHONE_TAIL = 'PHONE_TAIL',
  PROXY = 'PROXY',
  DOOR_DELIVERY = 'DOOR_DELIVERY',
}

export enum ArrivalSource {
  SCAN = 'SCAN',
  MANIFEST = 'MANIFEST',
}

export enum DoorDeliveryReason {
  ELDERLY = 'ELDERLY',
  DISABLED = 'DISABLED',
  OTHER = 'OTHER',
}

export enum DoorDeliveryStatus {
  REQUESTED = 'REQUESTED',
  DELIVERED = 'DELIVERED',
}

export enum SenderKind {
  FARMER = 'FARMER',
  VILLAGER = 'VILLAGER',
}

export enum UpParcelStatus {
  REGISTERED = 'REGISTERED',
  HANDED_OVER = 'HANDED_OVER',
}

export enum HomePickupStatus {
  REQUESTED = 'REQUESTED',
  PICKED_UP = 'PICKED_UP',
  CANCELLED = 'CANCELLED',
}

export enum ManifestMode {
  ALL_OR_NOTHING = 'all_or_nothing',
  GOOD_ROWS = 'good_rows',
}

/** Region roll-up periods: one counter row per region × period start. */
export enum CountPeriod {
  DAY = 'D',
  MONTH = 'M',
  YEAR = 'Y',
}

export const PARCEL_EVENTS = {
  ARRIVED: 'parcel.arrived',
  /** One per imported manifest: stands for a `parcel.arrived` of each of its parcels (see ManifestArrivedPayload). */
  MANIFEST_ARRIVED: 'parcel.manifest_arrived',
  OVERDUE: 'parcel.overdue',
  RETURNED: 'parcel.returned',
  PICKUP_REQUESTED: 'parcel.pickup_requested',
} as const;

/**
 * Payload of `parcel.manifest_arrived`. The manifest's parcels are those with `manifest_id` and an id
 * at or above `firstParcelId` (auto-increment only grows); `parcelCount` of them. Consumers page
 * through them (DownParcelsService.manifestParcelsForNotice) and key their work per parcel.
 */
export type ManifestArrivedPayload = { manifestId: string; pointId: string; firstParcelId: string; parcelCount: number; arrivedAt: string };
