/**
 * The typical size of a reward: root mean square of the non-zero rewards
 * learned so far (1 until one is seen). Exploration widths are expressed in
 * this unit, so one default `noise` serves click rewards (0/1) and order
 * values (tens of EUR) alike: the width grows with the unit of the reward
 * instead of being tuned per data set. Zeros are left out because most
 * marketing decisions earn nothing; counting them would make the unit shrink
 * with the conversion rate. Additive, so unlearning removes a reward exactly.
 */
export class RewardScale {
  constructor(
    private sumSq = 0,
    private count = 0,
  ) {}

  get value(): number {
    return this.count > 0 ? Math.sqrt(this.sumSq / this.count) : 1;
  }

  /** Replace `previous` (undefined: none) by `next` as one observation's reward. */
  update(next: number, previous?: number): void {
    if (previous !== undefined) this.remove(previous);
    if (next !== 0) {
      this.sumSq += next * next;
      this.count++;
    }
  }

  remove(reward: number): void {
    if (reward === 0 || this.count === 0) return;
    this.sumSq = Math.max(0, this.sumSq - reward * reward);
    this.count--;
  }

  snapshot(): { sumSq: number; count: number } {
    return { sumSq: this.sumSq, count: this.count };
  }
}
