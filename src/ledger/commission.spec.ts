import { splitCommission } from './commission';
import { CommissionMode } from './ledger.enums';

describe('splitCommission', () => {
  const perUnit = { agentMode: CommissionMode.PER_UNIT, agentFenPerUnit: 5, unitSizeBase: 500, agentBasisPoints: 0, collectiveBasisPoints: 150 };
  const percent = { agentMode: CommissionMode.PERCENT, agentFenPerUnit: 0, unitSizeBase: 1, agentBasisPoints: 300, collectiveBasisPoints: 0 };

  it('should give nothing without a rule', () => {
    expect(splitCommission(null, 30, 6000)).toEqual({ farmerAmountFen: 6000, agentCommissionFen: 0, collectiveShareFen: 0 });
  });

  it('should pay per unit of base quantity, rounding half up once', () => {
    // 5 fen per 斤 (500 g) × 1250 g = 12.5 → 13; collective 1.5 % of 3750 = 56.25 → 56
    expect(splitCommission(perUnit, 1250, 3750)).toEqual({ farmerAmountFen: 3750, agentCommissionFen: 13, collectiveShareFen: 56 });
  });

  it('should pay a percentage of the farmer earning', () => {
    expect(splitCommission(percent, 30, 5450)).toEqual({ farmerAmountFen: 5450, agentCommissionFen: 164, collectiveShareFen: 0 });
  });

  it('should negate exactly for a negative line', () => {
    const plus = splitCommission(perUnit, 1250, 3750);
    const minus = splitCommission(perUnit, -1250, -3750);
    expect(minus.agentCommissionFen).toBe(-plus.agentCommissionFen);
    expect(minus.collectiveShareFen).toBe(-plus.collectiveShareFen);
  });
});
