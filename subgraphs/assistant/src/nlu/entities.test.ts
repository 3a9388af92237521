import { extractEntities, recognizable } from './entities.ts';

const NOW = new Date('2026-12-03T10:00:00Z');
const entities = (text: string) => extractEntities(text, NOW);

describe('amounts', () => {
  it('reads amounts with their currency', () => {
    expect(entities('send $1,250.75 to Ana').amounts).toEqual([
      { value: '1250.75', currency: 'USD', text: '$1,250.75' },
    ]);
    expect(entities('move 100 euros to savings').amounts).toMatchObject([{ value: '100', currency: 'EUR' }]);
    expect(entities('pay £20').amounts).toMatchObject([{ value: '20', currency: 'GBP' }]);
    expect(entities('5000 yen please').amounts).toMatchObject([{ value: '5000', currency: 'JPY' }]);
  });

  it('finds no amount in a currency named without a number', () => {
    // The recognizer resolves "dollars" alone to { value: null, unit: 'Dollar' }.
    expect(entities('how many dollars do I have').amounts).toEqual([]);
    expect(entities('balance in euros please').amounts).toEqual([]);
    expect(entities('dollars 12 €20').amounts).toMatchObject([{ value: '20', currency: 'EUR' }]);
  });

  it('takes bare numbers only after a comparison word', () => {
    expect(entities('my 3 accounts').amounts).toEqual([]);
    expect(entities('payments over 100 in October').amounts).toMatchObject([{ value: '100', currency: null }]);
  });

  it('finds ranges: a bound word, or between one and another', () => {
    expect(entities('payments over $100 in October').amountRange).toEqual({ min: '100', max: null });
    expect(entities('anything less than $20.50 yesterday').amountRange).toEqual({ min: null, max: '20.5' });
    expect(entities('transactions between 50 and 100 dollars').amountRange).toEqual({ min: '50', max: '100' });
    expect(entities('between $100 and $50').amountRange).toEqual({ min: '50', max: '100' });
    expect(entities('what is my balance').amountRange).toBeNull();
  });
});

describe('periods', () => {
  it('resolves relative periods against now', () => {
    expect(entities('what did I spend at Starbucks last month').period).toMatchObject({
      from: '2026-11-01',
      to: '2026-12-01',
    });
    expect(entities('show this month').period).toMatchObject({ from: '2026-12-01', to: '2027-01-01' });
    expect(entities('what did I pay yesterday').period).toMatchObject({ from: '2026-12-02', to: '2026-12-03' });
  });

  it('reads a month or day without a year as the most recent one that has begun', () => {
    expect(entities('payments over $100 in October').period).toMatchObject({ from: '2026-10-01', to: '2026-11-01' });
    expect(entities('what happened on 5 October').period).toMatchObject({ from: '2026-10-05', to: '2026-10-06' });
  });

  it('leaves an open end open', () => {
    expect(entities('spending since November 1').period).toMatchObject({ from: '2026-11-01', to: null });
  });

  it('is null when no period is said', () => {
    expect(entities('how much is in my savings').period).toBeNull();
  });
});

describe('hostile text', () => {
  it('takes very long input, NUL and prototype names without throwing', () => {
    expect(() => entities('over $5 '.repeat(2_000))).not.toThrow();
    expect(entities('\u0000__proto__ constructor toString').amounts).toEqual([]);
  });
});

describe('what the recognizers read', () => {
  test('the first 300 characters, cut after the eighth number', () => {
    expect(recognizable('a'.repeat(1_000))).toHaveLength(300);
    expect(recognizable('$1 $2 $3 $4 $5 $6 $7 $8 $9 $10')).toBe('$1 $2 $3 $4 $5 $6 $7 $8');
    expect(recognizable('one two three four five six seven eight nine')).toBe(
      'one two three four five six seven eight',
    );
    expect(recognizable('transfer $50 from checking to savings')).toBe('transfer $50 from checking to savings');
  });

  test('an amount past the cut is not read', () => {
    const padded = `${'please '.repeat(50)}transfer $50`;
    expect(extractEntities(padded, NOW).amounts).toEqual([]);
    expect(extractEntities('$1 '.repeat(300), NOW).amounts).toHaveLength(8);
  });
});
