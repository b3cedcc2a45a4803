/**
 * resource.Quantity as numbers. Kubernetes keeps quantities as exact decimals; the
 * scheduler, kubelets and HPA here only need them as floats (bytes, or cores for CPU),
 * so parseQuantity returns a number and formatQuantity writes the canonical string back.
 *
 * Grammar (apimachinery resource.ParseQuantity):
 *   <sign>?<digits>(.<digits>)?<suffix>   suffix: Ki Mi Gi Ti Pi Ei | n u m "" k M G T P E | e<int> / E<int>
 */

const binarySuffixes: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const decimalSuffixes: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const quantityRe = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

export class QuantityError extends Error {
  constructor(readonly input: string) {
    super('quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'');
    this.name = 'QuantityError';
  }
}

export function isValidQuantity(q: string | number): boolean {
  if (typeof q === 'number') return Number.isFinite(q);
  return quantityRe.test(q);
}

/** Value of q as a float, in base units (bytes, cores). Throws QuantityError if malformed. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new QuantityError(String(q));
    return q;
  }
  const m = quantityRe.exec(q);
  if (!m) throw new QuantityError(q);
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in binarySuffixes) return num * binarySuffixes[suffix]!;
  if (suffix in decimalSuffixes) return scale10(num, decimalSuffixes[suffix]!);
  // Exponent form: 1e3, 5E-2.
  return scale10(num, Number(suffix.slice(1)));
}

/** num × 10^exp with negative exponents divided (0.1 stays 0.1, not 0.10000000000000002). */
function scale10(num: number, exp: number): number {
  return exp >= 0 ? num * 10 ** exp : num / 10 ** -exp;
}

/** Like parseQuantity, but answers `fallback` for a missing or malformed quantity. */
export function parseQuantityOr(q: string | number | undefined | null, fallback = 0): number {
  if (q === undefined || q === null) return fallback;
  try {
    return parseQuantity(q);
  } catch {
    return fallback;
  }
}

/** Value in thousandths, rounded up as Quantity.MilliValue does ("100m" → 100, "1" → 1000). */
export function toMilli(q: string | number): number {
  const v = parseQuantity(q) * 1000;
  // Float noise (0.1 * 1000 = 100.00000000000001) must not round up to the next unit.
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-6 ? r : Math.ceil(v);
}

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/**
 * The canonical string for a value: the largest suffix that keeps an integer mantissa
 * (1073741824 BinarySI → "1Gi", 0.1 → "100m", 2000 → "2k", 1500 → "1500"). Fractions
 * below one nano round up, as Kubernetes does. BinarySI falls back to decimal for values
 * that are not whole multiples of 1024 (1000 → "1k", 0.5 → "500m"), as Kubernetes does.
 */
export function formatQuantity(value: number, format: QuantityFormat = 'DecimalSI'): string {
  if (!Number.isFinite(value)) throw new QuantityError(String(value));
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (format === 'BinarySI' && Number.isInteger(abs) && abs >= 1024) {
    const names = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'];
    for (const s of names) {
      const base = binarySuffixes[s]!;
      if (abs % base === 0) return `${sign}${abs / base}${s}`;
    }
    // Not a whole binary multiple: Kubernetes falls back to DecimalSI.
  }
  // Decimal: mantissa × 10^exp with exp a multiple of 3 (or any for DecimalExponent).
  const { mantissa, exp } = decimalParts(abs);
  let e = exp;
  let m = mantissa;
  const step = format === 'DecimalExponent' ? 1 : 3;
  // Normalise exp to a multiple of step no lower than the value needs.
  while (((e % step) + step) % step !== 0) {
    m *= 10n;
    e -= 1;
  }
  while (m % (10n ** BigInt(step)) === 0n && e + step <= 18) {
    m /= 10n ** BigInt(step);
    e += step;
  }
  if (format === 'DecimalExponent') return `${sign}${m}${e === 0 ? '' : `e${e}`}`;
  const suffix = Object.entries(decimalSuffixes).find(([, x]) => x === e)?.[0];
  if (suffix === undefined) {
    // Beyond E: write the mantissa out in the largest suffix.
    return `${sign}${m * 10n ** BigInt(e - 18)}E`;
  }
  return `${sign}${m}${suffix}`;
}

/** abs as mantissa × 10^exp with an integer mantissa and exp ≥ -9 (rounded up at nanos). */
function decimalParts(abs: number): { mantissa: bigint; exp: number } {
  if (Number.isInteger(abs)) return { mantissa: BigInt(abs), exp: 0 };
  const nanos = abs * 1e9;
  const r = Math.round(nanos);
  const n = Math.abs(nanos - r) < 1e-3 ? r : Math.ceil(nanos);
  return { mantissa: BigInt(n), exp: -9 };
}

/** Re-canonicalises a quantity string ("1.5Gi" → "1536Mi", "0.5" → "500m"). */
export function canonicalQuantity(q: string | number): string {
  const s = String(q);
  const binary = /(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(s);
  const exponent = /[eE][+-]?[0-9]+$/.test(s);
  return formatQuantity(parseQuantity(q), binary ? 'BinarySI' : exponent ? 'DecimalExponent' : 'DecimalSI');
}
