import { lineAmountFen, percentOfFen } from '../common/money';
import { CommissionMode } from './ledger.enums';

export type CommissionTerms = {
  agentMode: CommissionMode;
  agentFenPerUnit: number;
  unitSizeBase: number;
  agentBasisPoints: number;
  collectiveBasisPoints: number;
};

export type CommissionSplit = { farmerAmountFen: number; agentCommissionFen: number; collectiveShareFen: number };

/**
 * What one accepted/sold line earns each party under a rule (or none). The farmer keeps the whole
 * earning; commission and collective share are paid by the company on top. Each figure is rounded
 * half up once (money.ts); a reversed (negative) line gives the exact negation.
 */
export function splitCommission(terms: CommissionTerms | null, quantityBase: number, farmerAmountFen: number): CommissionSplit {
  if (!terms) return { farmerAmountFen, agentCommissionFen: 0, collectiveShareFen: 0 };
  const agent = terms.agentMode === CommissionMode.PER_UNIT
    ? lineAmountFen(terms.agentFenPerUnit, quantityBase, terms.unitSizeBase)
    : percentOfFen(farmerAmountFen, terms.agentBasisPoints);
  return { farmerAmountFen, agentCommissionFen: agent, collectiveShareFen: percentOfFen(farmerAmountFen, terms.collectiveBasisPoints) };
}
