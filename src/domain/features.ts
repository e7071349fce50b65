/**
 * Raw features as clients send them. Values are unscaled: the learners scale
 * numeric features online, so clients never have to know the value ranges.
 */
export interface Features {
  numeric: Readonly<Record<string, number>>;
  categorical: Readonly<Record<string, string>>;
}

export const EMPTY_FEATURES: Features = Object.freeze({
  numeric: Object.freeze({}),
  categorical: Object.freeze({}),
});

export function features(
  numeric: Record<string, number> = {},
  categorical: Record<string, string> = {},
): Features {
  return { numeric, categorical };
}

/** Merge feature sets; later sets win on name clashes. */
export function mergeFeatures(...sets: readonly Features[]): Features {
  const numeric: Record<string, number> = {};
  const categorical: Record<string, string> = {};
  for (const s of sets) {
    Object.assign(numeric, s.numeric);
    Object.assign(categorical, s.categorical);
  }
  return { numeric, categorical };
}

/**
 * The key a categorical feature is indexed under: the value is part of the
 * key (one-hot), so "segment=vip" and "segment=new" are different features.
 */
export const categoricalKey = (name: string, value: string): string => `${name}=${value}`;

/** Whether a feature set says anything: a categorical value or a non-zero number. */
export function hasFeatures(features: Features): boolean {
  for (const _ in features.categorical) return true;
  for (const name in features.numeric) if (features.numeric[name] !== 0) return true;
  return false;
}
