export type Point = { id: string; code: string; name: string; regionId: string; address: string; openingHours: string; contactPhone: string };
export type Unit = { name: string; baseUnitsPerDisplayUnit: number };
export type Product = {
  id: string; code: string; name: string; baseUnit: string; units: Unit[]; grades: Array<{ code: string; name: string }>;
  qcChecklist: Array<{ key: string; label: string }>; currentPrices: Array<{ gradeCode: string; unitName: string; priceFen: number }>;
};
export type Farmer = { id: string; name: string; phone: string; usualPointId: string; villageRegionId: string };
export type ConsignmentLine = {
  id: string; lineNo: number; productId: string; declaredGradeCode: string; quantity: string; unit: string; unitSizeBase: number; quantityBase: number;
  priceFen: number | null; priceUnitName: string | null; settlementMode: 'PURCHASE' | 'CONSIGNMENT'; estimatedAmountFen: number | null; status: string;
  acceptedQuantityBase: number; rejectedQuantityBase: number; batchedQuantityBase: number; handedBackQuantityBase: number;
  acceptedAmountFen: number | null; qualityCheck: unknown;
};
export type Consignment = {
  id: string; clientId: string; receiptNo: string; businessDay: string; pointId: string; farmerId: string; capturedAt: string;
  status: string; estimatedAmountFen: number | null; lines?: ConsignmentLine[];
};

/** What of a line is still at the point: accepted − loaded into batches − given back (the API's batchable remainder). */
export const goodsAtPoint = (l: ConsignmentLine): number => l.acceptedQuantityBase - l.batchedQuantityBase - l.handedBackQuantityBase;
